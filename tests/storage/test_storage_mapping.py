"""The guard on the mappings that copy a dataclass's fields to the row's columns of the same name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from bot.core.domain.remiss import RemissStatus
from storage.sql.mapping import _kept_as_is
from storage.tables import RemissRow


@dataclass(frozen=True)
class _Plain:
    title: str
    deadline: date
    sent_at: date | None = None


@dataclass(frozen=True)
class _WithEnum:
    title: str
    status: RemissStatus


@dataclass(frozen=True)
class _WithTuple:
    coordinators: tuple[str, ...]


@dataclass(frozen=True)
class _WithoutColumn:
    no_such_column: str


def test_plain_fields_with_a_column_of_the_same_name_are_copied_as_they_are() -> None:
    assert _kept_as_is(_Plain, RemissRow, apart="") == ("title", "deadline", "sent_at")


@pytest.mark.parametrize("kind", [_WithEnum, _WithTuple], ids=["enum", "tuple"])
def test_a_field_that_would_come_back_as_something_else_must_be_mapped_by_hand(kind: type) -> None:
    with pytest.raises(TypeError, match="must be mapped by hand"):
        _kept_as_is(kind, RemissRow, apart="")
    assert "title" not in _kept_as_is(kind, RemissRow, apart="title status coordinators")


def test_a_field_without_a_column_fails_at_import_not_on_the_first_click() -> None:
    with pytest.raises(TypeError, match=r"no column for _WithoutColumn\.no_such_column"):
        _kept_as_is(_WithoutColumn, RemissRow, apart="")
