"""What a draft needs before it is sent, and who may own one."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.core.domain.drafts import has_real_owner, missing_for_sending, require_owner, require_sendable
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.remiss import QuestionKind, Remiss

TODAY = date(2023, 10, 2)


def draft(**changes: object) -> Remiss:
    remiss = Remiss.draft(
        case_number="STK-2023-137",
        title="Områdeslyft",
        description="",
        sender_key="stadskontoret",
        coordinators=("U0MIA",),
        contact="Mia Idestrom",
        questions=[("Hur ser nämnden på förslaget?", QuestionKind.FREE_TEXT)],
        deadline=date(2023, 11, 30),
        created_by="U0MIA",
        created_at=datetime(2023, 10, 2, 7, tzinfo=UTC),
        today=TODAY,
    )
    return replace(remiss, **changes)  # type: ignore[arg-type]


def test_only_a_slack_user_owns_a_draft() -> None:
    assert require_owner(" U0MIA ") == "U0MIA"
    for placeholder in ("cli:root", "", "mia@malmo.se", "C0CHANNEL"):
        with pytest.raises(DomainError) as refused:
            require_owner(placeholder)
        assert refused.value.code is ErrorCode.INVALID_DRAFT_OWNER
    assert has_real_owner(draft())
    assert not has_real_owner(draft(coordinators=("cli:root",)))


def test_a_draft_lacks_recipients_or_questions_until_it_has_them() -> None:
    assert missing_for_sending(draft(), 3) == ()
    assert missing_for_sending(draft(), 0) == ("recipients",)
    assert missing_for_sending(draft(questions=()), 0) == ("recipients", "questions")


def test_sending_checks_status_then_completeness_then_the_deadline() -> None:
    require_sendable(draft(), 1, TODAY)
    with pytest.raises(DomainError) as incomplete:
        require_sendable(draft(questions=()), 0, date(2024, 1, 1))
    assert incomplete.value.code is ErrorCode.DRAFT_INCOMPLETE
    assert incomplete.value.params["missing"] == ("recipients", "questions")
    assert incomplete.value.field is None
    with pytest.raises(DomainError) as recipients:
        require_sendable(draft(), 0, TODAY)
    assert recipients.value.field == "recipients"
    with pytest.raises(DomainError) as late:
        require_sendable(draft(), 1, date(2023, 12, 1))
    assert late.value.code is ErrorCode.DEADLINE_IN_PAST
    sent = draft()
    sent.mark_sent(datetime(2023, 10, 2, 8, tzinfo=UTC))
    with pytest.raises(DomainError) as again:
        require_sendable(sent, 1, TODAY)
    assert again.value.code is ErrorCode.REMISS_NOT_DRAFT
