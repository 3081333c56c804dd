"""What a new version of an answer changed, and the reason an official gives for changing or withdrawing it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from bot.core.domain.answer_changes import MAX_CHANGE_REASON, AnswerChanges, answer_changes
from bot.core.domain.audit import AuditAction
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.remiss import Answer, Attachment, Position, ResponseContent, ResponseKind
from tests.domain.samples import DEADLINE, T0, recipient, sent_remiss

TODAY = T0.date()


def yttrande(answers: dict[int, tuple[str, Position]], **fields: object) -> ResponseContent:
    content = ResponseContent(
        kind=ResponseKind.YTTRANDE,
        answers=tuple(Answer(n, text, position) for n, (text, position) in answers.items()),
        meeting_date=date(2023, 11, 16),
        paragraph="§ 312",
    )
    return replace(content, **fields)  # type: ignore[arg-type]


FIRST = {
    1: ("Trygghetsarbetet.", Position.TILLSTYRKER),
    2: ("Seved och Holma.", Position.TILLSTYRKER),
    4: ("MKB", Position.NOT_STATED),
}
QUESTIONS = sent_remiss().questions


def test_a_changed_text_and_a_position_changed_alone_are_told_apart() -> None:
    after = {**FIRST, 1: ("Trygghetsarbetet.", Position.AVSTYRKER), 2: ("Seved.", Position.INGA_SYNPUNKTER)}
    changes = answer_changes(yttrande(FIRST), yttrande(after), QUESTIONS)
    assert (changes.texts, changes.positions, changes.questions) == ((2,), (1,), (1, 2))
    assert changes.details() == {"changed_texts": "2", "changed_positions": "1"}


def test_a_question_answered_or_emptied_is_a_changed_text_and_spaces_around_it_are_not() -> None:
    after = {1: (" Trygghetsarbetet.\n", Position.TILLSTYRKER), 2: FIRST[2], 3: ("Ny.", Position.NOT_STATED)}
    changes = answer_changes(yttrande(FIRST), yttrande(after), QUESTIONS)
    assert changes.texts == (3, 4)
    assert changes.positions == ()


def test_the_overall_position_the_decision_and_the_files_are_changes_of_their_own() -> None:
    before = yttrande(FIRST)
    after = replace(
        before,
        overall_position=Position.AVSTYRKER,
        paragraph="§ 313",
        attachments=(Attachment("F1", "yttrande.pdf", sha256="ab"),),
    )
    assert answer_changes(before, after, QUESTIONS) == AnswerChanges(overall_position=True, decision=True, files=True)
    assert answer_changes(before, after, QUESTIONS).details() == {
        "changed_overall": True,
        "changed_decision": True,
        "changed_files": True,
    }


def test_the_same_answer_again_changes_nothing() -> None:
    assert answer_changes(yttrande(FIRST), yttrande(FIRST), QUESTIONS).details() == {"unchanged": True}


def test_a_change_keeps_its_reason_and_its_audit_entry_says_what_changed_and_why() -> None:
    remiss, r = sent_remiss(), recipient()
    first = r.submit(remiss, yttrande(FIRST), "UANNA", T0, TODAY, reason="Ignored: nothing to change yet.")
    assert (first.action, "reason" in first.details_dict, r.responses[0].change_reason) == (
        AuditAction.SUBMITTED,
        False,
        "",
    )
    changed = {**FIRST, 2: ("Seved.", Position.TILLSTYRKER)}
    entry = r.submit(remiss, yttrande(changed), "UANNA", T0 + timedelta(days=1), TODAY, reason="  Nytt beslut.\n")
    assert entry.action is AuditAction.EDITED
    assert (entry.details_dict["changed_texts"], entry.details_dict["reason"]) == ("2", "Nytt beslut.")
    assert r.responses[-1].change_reason == "Nytt beslut."


def test_a_reason_over_the_limit_is_refused_on_its_field_and_nothing_changes() -> None:
    remiss, r = sent_remiss(), recipient()
    r.submit(remiss, yttrande(FIRST), "UANNA", T0, TODAY)
    too_long = "x" * (MAX_CHANGE_REASON + 1)
    with pytest.raises(DomainError) as refused:
        r.submit(remiss, yttrande({1: ("Annat.", Position.TILLSTYRKER)}), "UANNA", T0, TODAY, reason=too_long)
    assert (refused.value.code, refused.value.field, refused.value.params["limit"]) == (
        ErrorCode.FIELD_TOO_LONG,
        "change_reason",
        500,
    )
    with pytest.raises(DomainError):
        r.withdraw(remiss, "UANNA", T0, TODAY, too_long)
    assert ([v.version for v in r.responses], r.current_response is not None) == ([1], True)


def test_a_withdrawal_keeps_its_reason_in_the_audit_entry() -> None:
    remiss, r = sent_remiss(), recipient()
    r.submit(remiss, yttrande(FIRST), "UANNA", T0, TODAY)
    entry = r.withdraw(remiss, "UANNA", T0, TODAY, " Fel version skickades. ")
    assert entry.details_dict == {"kind": "yttrande", "reason": "Fel version skickades.", "version": "1"}
    assert r.current_response is None


def test_only_a_current_response_before_the_deadline_may_be_withdrawn() -> None:
    remiss, r = sent_remiss(), recipient()
    with pytest.raises(DomainError) as nothing:
        r.require_withdrawable(remiss, TODAY)
    assert nothing.value.code is ErrorCode.NOTHING_TO_WITHDRAW
    r.submit(remiss, yttrande(FIRST), "UANNA", T0, TODAY)
    assert r.require_withdrawable(remiss, DEADLINE).version == 1
    with pytest.raises(DomainError) as late:
        r.require_withdrawable(remiss, DEADLINE + timedelta(days=1))
    assert late.value.code is ErrorCode.DEADLINE_PASSED
