"""What moving a remiss's deadline does to each recipient: worked out once, in the domain."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import (
    DeadlineChange,
    Extension,
    Response,
    ResponseContent,
    ResponseKind,
)

AT = datetime(2023, 11, 1, 9, 0, tzinfo=UTC)
OLD, NEW = date(2023, 11, 30), date(2023, 12, 8)


def recipient(*, extended_to: date | None = None, answered: bool = False) -> Recipient:
    official = Recipient("STK-2023-137", "mkb", ("UMKB1",), OLD)
    if extended_to is not None:
        official.extensions.append(Extension(OLD, extended_to, "UCOORD", AT))
    if answered:
        official.responses.append(Response(1, ResponseContent(kind=ResponseKind.YTTRANDE), "UMKB1", AT))
    return official


def test_a_recipient_without_anstand_follows_the_remiss_and_is_told() -> None:
    official = recipient()
    change = official.follow_deadline(OLD, NEW)
    assert change == DeadlineChange(before=OLD, after=NEW, answered=False)
    assert (change.moved, change.to_tell, official.deadline) == (True, True, NEW)


def test_a_later_anstand_stands_and_nobody_is_told() -> None:
    official = recipient(extended_to=date(2023, 12, 14))
    change = official.follow_deadline(OLD, NEW)
    assert (change.before, change.after, change.moved, change.to_tell) == (
        date(2023, 12, 14),
        date(2023, 12, 14),
        False,
        False,
    )


def test_an_earlier_anstand_is_overtaken_by_the_new_deadline() -> None:
    official = recipient(extended_to=date(2023, 12, 4))
    change = official.follow_deadline(OLD, NEW)
    assert (change.before, change.after, change.to_tell) == (date(2023, 12, 4), NEW, True)


def test_a_recipient_that_answered_moves_but_is_not_told() -> None:
    change = recipient(answered=True).follow_deadline(OLD, NEW)
    assert (change.moved, change.to_tell) == (True, False)


def test_the_change_is_worked_out_from_the_previous_deadline_even_if_storage_gave_the_new_one() -> None:
    official = recipient()
    official.remiss_deadline = NEW  # storage reads the deadline from the remiss, already moved
    change = official.follow_deadline(OLD, NEW)
    assert (change.before, change.after, change.to_tell) == (OLD, NEW, True)
