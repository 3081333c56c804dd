"""The remiss's rules, as plain values in and out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from bot.core.domain.audit import AuditAction
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.remiss import (
    Answer,
    DocumentLink,
    Position,
    QuestionKind,
    RecipientStatus,
    RemissStatus,
    ResponseContent,
    ResponseKind,
    suggested_question_kind,
)
from tests.domain.samples import DEADLINE, QUESTIONS, T0, make_remiss, recipient, sent_remiss


def yttrande(*texts: str) -> ResponseContent:
    return ResponseContent(
        kind=ResponseKind.YTTRANDE,
        answers=tuple(Answer(i, t, Position.TILLSTYRKER) for i, t in enumerate(texts, start=1)),
        meeting_date=date(2023, 11, 16),
        paragraph="§ 312",
    )


def test_a_new_remiss_numbers_its_questions_in_order_and_keeps_their_kind() -> None:
    remiss = make_remiss()
    assert [q.number for q in remiss.questions] == [1, 2, 3, 4]
    assert remiss.question(4).kind is QuestionKind.ORGANISATION_CHOICE
    assert remiss.status is RemissStatus.DRAFT


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"case_number": "  "}, ErrorCode.FIELD_REQUIRED, "case_number"),
        ({"case_number": "<!channel>"}, ErrorCode.INVALID_CASE_NUMBER, "case_number"),
        ({"title": ""}, ErrorCode.FIELD_REQUIRED, "title"),
        ({"title": "x" * 251}, ErrorCode.FIELD_TOO_LONG, "title"),
        ({"questions": []}, ErrorCode.TOO_FEW_QUESTIONS, "questions"),
        ({"questions": [("Fråga", QuestionKind.FREE_TEXT)] * 11}, ErrorCode.TOO_MANY_QUESTIONS, "questions"),
        ({"deadline": date(2023, 10, 1)}, ErrorCode.DEADLINE_IN_PAST, "deadline"),
        ({"documents": (DocumentLink("Förslag", "javascript:alert(1)"),)}, ErrorCode.INVALID_URL, "documents"),
    ],
)
def test_a_remiss_with_bad_fields_is_refused_naming_the_field(
    overrides: dict[str, object], code: ErrorCode, field: str
) -> None:
    with pytest.raises(DomainError) as refused:
        make_remiss(**overrides)
    assert refused.value.code is code
    assert refused.value.field == field


def test_case_numbers_in_the_shapes_real_diaries_use_are_accepted() -> None:
    for case in ("STK-2023-137", "KS 2021/123", "N2015/08441/RS", "Dnr 23/12", "ASN-2020-11022"):
        assert make_remiss(case_number=f" {case} ").case_number == case


def test_a_remiss_can_be_sent_once_only() -> None:
    remiss = make_remiss()
    remiss.mark_sent(T0)
    with pytest.raises(DomainError) as refused:
        remiss.mark_sent(T0)
    assert refused.value.code is ErrorCode.REMISS_NOT_DRAFT


def test_status_goes_from_not_opened_through_drafting_to_submitted() -> None:
    remiss, r = sent_remiss(), recipient()
    today = date(2023, 10, 10)
    assert r.status(today) is RecipientStatus.NOT_OPENED
    r.open(remiss, "UANNA", T0)
    assert r.status(today) is RecipientStatus.OPENED
    r.save_draft(remiss, yttrande("Utkast"), "UANNA", T0)
    assert r.status(today) is RecipientStatus.DRAFTING
    r.submit(remiss, yttrande("Svar"), "UANNA", T0, today)
    assert r.status(today) is RecipientStatus.SUBMITTED
    assert r.draft is None


def test_a_recipient_without_an_answer_is_overdue_the_day_after_its_deadline() -> None:
    r = recipient()
    assert r.status(DEADLINE) is RecipientStatus.NOT_OPENED
    assert r.status(DEADLINE + timedelta(days=1)) is RecipientStatus.OVERDUE


def test_opening_twice_is_recorded_once() -> None:
    remiss, r = sent_remiss(), recipient()
    assert r.open(remiss, "UANNA", T0) is not None
    assert r.open(remiss, "UANNA", T0 + timedelta(hours=1)) is None


def test_every_submitted_version_is_kept_and_an_edit_is_audited_as_an_edit() -> None:
    remiss, r = sent_remiss(), recipient()
    first = r.submit(remiss, yttrande("Första"), "UANNA", T0, date(2023, 11, 1))
    second = r.submit(remiss, yttrande("Andra"), "UANNA", T0 + timedelta(days=1), date(2023, 11, 2))
    assert [v.version for v in r.responses] == [1, 2]
    assert r.responses[0].content.answers[0].text == "Första"
    assert r.current_response is not None
    assert r.current_response.content.answers[0].text == "Andra"
    assert (first.action, second.action) == (AuditAction.SUBMITTED, AuditAction.EDITED)


def test_an_edit_after_the_deadline_is_refused_but_a_late_first_answer_is_accepted() -> None:
    remiss, r = sent_remiss(), recipient()
    late = r.submit(remiss, yttrande("Sent"), "UANNA", T0, DEADLINE + timedelta(days=2))
    assert late.details_dict["late"] == "True"
    with pytest.raises(DomainError) as refused:
        r.submit(remiss, yttrande("Ändrat"), "UANNA", T0, DEADLINE + timedelta(days=3))
    assert refused.value.code is ErrorCode.DEADLINE_PASSED
    assert len(r.responses) == 1


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (ResponseContent(ResponseKind.YTTRANDE, (Answer(1, "x"),)), "meeting_date"),
        (ResponseContent(ResponseKind.DELEGATION, (Answer(1, "x"),)), "decided_by"),
        (ResponseContent(ResponseKind.PRELIMINARY, (Answer(1, "x"),)), "planned_board_date"),
        (ResponseContent(ResponseKind.DELEGATION, (Answer(1, "  "),), decided_by="Ordförande"), "answers"),
    ],
)
def test_a_submission_must_say_how_it_was_decided_and_answer_something(content: ResponseContent, field: str) -> None:
    with pytest.raises(DomainError) as refused:
        recipient().submit(sent_remiss(), content, "UANNA", T0, date(2023, 11, 1))
    assert refused.value.field == field


def test_an_answer_to_a_question_the_remiss_does_not_have_is_refused() -> None:
    content = ResponseContent(ResponseKind.DELEGATION, (Answer(5, "x"),), decided_by="Förvaltningschef")
    with pytest.raises(DomainError) as refused:
        recipient().submit(sent_remiss(), content, "UANNA", T0, date(2023, 11, 1))
    assert refused.value.code is ErrorCode.UNKNOWN_QUESTION


def test_a_ten_thousand_character_answer_is_kept_whole() -> None:
    remiss, r = sent_remiss(), recipient()
    long_text = "Nämnden anser att " + "områdeslyft " * 900
    assert len(long_text) > 10_000
    r.submit(remiss, yttrande(long_text), "UANNA", T0, date(2023, 11, 1))
    assert r.responses[0].content.answers[0].text == long_text


def test_declining_after_submitting_is_refused_until_the_answer_is_withdrawn() -> None:
    remiss, r = sent_remiss(), recipient()
    today = date(2023, 11, 1)
    r.submit(remiss, yttrande("Svar"), "UANNA", T0, today)
    with pytest.raises(DomainError) as refused:
        r.decline(remiss, "Ingen tid", "UANNA", T0)
    assert refused.value.code is ErrorCode.ALREADY_SUBMITTED
    r.withdraw(remiss, "UANNA", T0, today)
    r.decline(remiss, "Ingen tid", "UANNA", T0)
    assert r.status(today) is RecipientStatus.DECLINED
    assert [v.kind for v in r.responses] == [ResponseKind.YTTRANDE, ResponseKind.DECLINED]


def test_a_withdrawn_decline_leaves_the_recipient_free_to_answer() -> None:
    remiss, r = sent_remiss(), recipient()
    today = date(2023, 11, 1)
    r.decline(remiss, "", "UANNA", T0)
    with pytest.raises(DomainError) as refused:
        r.save_draft(remiss, yttrande("Utkast"), "UANNA", T0)
    assert refused.value.code is ErrorCode.ALREADY_DECLINED
    r.withdraw(remiss, "UANNA", T0, today)
    assert r.current_response is None
    r.submit(remiss, yttrande("Svar ändå"), "UANNA", T0, today)
    assert r.status(today) is RecipientStatus.SUBMITTED
    assert len(r.responses) == 2


def test_nothing_can_be_answered_on_a_withdrawn_remiss_and_a_closed_one_keeps_answers_marked() -> None:
    remiss, r = sent_remiss(), recipient()
    remiss.withdraw(T0)
    with pytest.raises(DomainError) as refused:
        r.submit(remiss, yttrande("Svar"), "UANNA", T0, date(2023, 11, 1))
    assert refused.value.code is ErrorCode.REMISS_NOT_OPEN
    remiss, r = sent_remiss(), recipient()
    remiss.close(T0)
    entry = r.submit(remiss, yttrande("Svar"), "UANNA", T0, date(2023, 11, 1))
    assert r.responses[-1].after_close and entry.details_dict["after_close"] == "True"
    with pytest.raises(DomainError) as refused:  # withdrawing an answer changes a closed remiss: refused
        r.withdraw(remiss, "UANNA", T0, date(2023, 11, 1))
    assert refused.value.code is ErrorCode.REMISS_NOT_OPEN


def test_a_hand_over_replaces_the_official_and_records_who_had_it() -> None:
    remiss, r = sent_remiss(), recipient()
    entry = r.hand_over(remiss, "UBERTIL", "UANNA", T0, "Jag är föräldraledig")
    assert r.officials == ("UBERTIL",)
    assert entry.details_dict["previous"] == "UANNA"
    assert entry.details_dict["to"] == "UBERTIL"
    assert r.may_act("UBERTIL") and not r.may_act("UANNA")
    with pytest.raises(DomainError):
        r.hand_over(remiss, "UBERTIL", "UBERTIL", T0)


def test_stand_ins_may_act_for_the_recipient() -> None:
    assert recipient().may_act("USTANDIN", stand_ins=("USTANDIN",))
    assert not recipient().may_act("USTRANGER", stand_ins=("USTANDIN",))


def test_an_extension_moves_only_that_recipients_deadline_and_is_kept() -> None:
    remiss, r = sent_remiss(), recipient()
    entry = r.extend(remiss, date(2023, 12, 14), "UCOORD", T0, "Nämnden sammanträder 13 december")
    assert r.deadline == date(2023, 12, 14)
    assert remiss.deadline == DEADLINE
    assert r.status(date(2023, 12, 5)) is RecipientStatus.NOT_OPENED
    assert entry.details_dict == {
        "new": "2023-12-14",
        "previous": "2023-11-30",
        "reason": "Nämnden sammanträder 13 december",
    }
    assert r.extensions[0].previous_deadline == DEADLINE


def test_missing_questions_are_named() -> None:
    content = ResponseContent(ResponseKind.YTTRANDE, (Answer(1, "x"), Answer(2, "y"), Answer(3, " ")))
    assert content.missing_questions(sent_remiss()) == [3, 4]


def test_a_question_asking_which_board_or_company_is_suggested_as_an_organisation_choice() -> None:
    assert suggested_question_kind(QUESTIONS[3][0]) is QuestionKind.ORGANISATION_CHOICE
    assert suggested_question_kind("Vilka förvaltningar bör ingå i plattformen?") is QuestionKind.ORGANISATION_CHOICE
    for text, _ in QUESTIONS[:3]:
        assert suggested_question_kind(text) is QuestionKind.FREE_TEXT


@pytest.mark.parametrize(
    "text",
    [
        "Ställer ni er bakom förslaget om ett gemensamt områdeslyft?",
        "Står ni bakom utredningens förslag?",
        "Tillstyrker ni att samordningen flyttas till stadskontoret?",
        "Vad anser ni om förslaget till ny taxa?",
        "Vad tycker ni om den föreslagna modellen?",
        "Har ni synpunkter på förslaget till riktlinjer för boendeparkering?",
        "Har ni några synpunkter på promemorians bedömning?",
        "Delar ni bedömningen att arbetet bör samordnas per område?",
        "Delar ni utredningens slutsatser?",
        "Hur ser er nämnd/bolag på möjligheterna i den föreslagna modellen på samordningsstruktur?",
        "Instämmer ni i analysen?",
        "Hur ser nämnden på förslaget?",
        "Vad anser styrelsen om förslaget till taxa?",
        "TILLSTYRKER NI FÖRSLAGET?",
    ],
)
def test_a_question_asking_for_a_stance_on_the_proposal_is_suggested_as_a_position(text: str) -> None:
    assert suggested_question_kind(text) is QuestionKind.POSITION


@pytest.mark.parametrize(
    "text",
    [
        # Opinion words, but not about the proposal: open questions.
        "Hur ser ni på er egen roll i arbetet?",
        "Hur ser nämnden på samarbetet med skolorna?",
        "Har ni övriga synpunkter?",
        "Har ni synpunkter på tidsplanen?",
        "Vad anser ni är viktigast för barnen i området?",
        # Proposal words, but no stance asked.
        "Vilka förslag har ni på åtgärder i ert område?",
        "Beskriv hur modellen påverkar er verksamhet.",
        # The stance words, but not asked of the reader.
        "Om ni avstyrker, vilka alternativ ser ni?",
        "Delar ni ut material till de boende i dag?",
        # A sentence about the proposal after the question's full stop does not make it a stance.
        "Vad anser ni är svårast. Förslaget nämner tre områden.",
    ],
)
def test_opinion_or_proposal_words_alone_leave_a_question_as_free_text(text: str) -> None:
    assert suggested_question_kind(text) is QuestionKind.FREE_TEXT


def test_an_organisation_choice_wins_over_a_stance_in_the_same_question() -> None:
    text = "Vilken nämnd anser ni bör samordna, och står ni bakom förslaget?"
    assert suggested_question_kind(text) is QuestionKind.ORGANISATION_CHOICE


def test_a_draft_survives_a_decline_and_comes_back_when_the_decline_is_withdrawn() -> None:
    remiss, r = sent_remiss(), recipient()
    today = date(2023, 11, 1)
    r.save_draft(remiss, yttrande("Halvfärdigt svar"), "UANNA", T0)
    r.decline(remiss, "Hinner inte", "UANNA", T0)
    assert r.status(today) is RecipientStatus.DECLINED
    r.withdraw(remiss, "UANNA", T0, today)
    assert r.draft is not None
    assert r.draft.content.answers[0].text == "Halvfärdigt svar"
    assert r.status(today) is RecipientStatus.DRAFTING


@pytest.mark.parametrize(("typed", "kept"), [("§ 12", "§ 12"), ("12", "§ 12"), ("§12", "§ 12"), (" §  012 ", "§ 12")])
def test_a_paragraph_is_kept_as_the_minutes_write_it(typed: str, kept: str) -> None:
    remiss = sent_remiss()
    answering = recipient()
    answering.submit(remiss, replace(yttrande("Ja."), paragraph=typed), "UANNA", T0, T0.date())
    assert answering.responses[-1].content.paragraph == kept


@pytest.mark.parametrize("typed", ["punkt 4", "§ 12a", "12, 13", "§"])
def test_a_paragraph_that_is_no_paragraph_is_refused_on_its_field(typed: str) -> None:
    with pytest.raises(DomainError) as refused:
        recipient().submit(sent_remiss(), replace(yttrande("Ja."), paragraph=typed), "UANNA", T0, T0.date())
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID_PARAGRAPH, "paragraph")


def test_their_diarienummer_is_trimmed_and_one_that_is_none_is_refused() -> None:
    answering = recipient()
    answering.submit(sent_remiss(), replace(yttrande("Ja."), their_case_number="  TN 2023/512 "), "U", T0, T0.date())
    assert answering.responses[-1].content.their_case_number == "TN 2023/512"
    with pytest.raises(DomainError) as refused:
        recipient().submit(sent_remiss(), replace(yttrande("Ja."), their_case_number="<x>"), "U", T0, T0.date())
    assert refused.value.field == "their_case_number"
