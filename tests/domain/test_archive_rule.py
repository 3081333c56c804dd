"""Which remisses may be archived: only one that has ended (closed or withdrawn)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.adapters.rendering import Texts
from bot.core.domain.archive import require_archivable
from bot.core.domain.errors import DomainError, ErrorCode
from tests.domain.samples import T0, make_remiss, sent_remiss


def test_a_closed_or_withdrawn_remiss_may_be_archived() -> None:
    closed = sent_remiss()
    closed.close(T0 + timedelta(days=60))
    withdrawn = sent_remiss()
    withdrawn.withdraw(T0 + timedelta(days=3))
    require_archivable(closed)
    require_archivable(withdrawn)


def test_a_draft_or_an_open_remiss_is_refused_saying_why_and_what_to_do() -> None:
    for remiss, why in (
        (make_remiss(), "ännu inte är skickad"),
        (sent_remiss(), "fortfarande är öppen och kan få fler svar"),
    ):
        with pytest.raises(DomainError) as refused:
            require_archivable(remiss)
        assert refused.value.code is ErrorCode.REMISS_NOT_ENDED
        assert Texts().error(refused.value) == (
            f"Remiss {remiss.case_number} kan inte arkiveras eftersom den {why}. "
            "Avsluta remissen först och arkivera den sedan."
        )
