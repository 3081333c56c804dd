"""What the summary holds for STK-2023-137, and the completeness check that guards its publication."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.core.domain.organisation import Organisation
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import (
    Answer,
    Position,
    QuestionKind,
    Response,
    ResponseContent,
    ResponseKind,
)
from bot.core.domain.summary import Proposal, Summary, build_summary, is_late, named_organisations
from bot.core.domain.summary_check import ProblemCode, SummaryIncomplete, check_completeness, compile_summary
from tests.summary.round import CASE_NUMBER, DEADLINE, RECIPIENT_KEYS, TODAY, Round


def keys(orgs: Iterable[Organisation]) -> list[str]:
    return [o.key for o in orgs]


# -- the overview ----------------------------------------------------------------------------------------
def test_the_overview_counts_every_recipient_once_by_its_kind_of_answer(summary: Summary) -> None:
    counts = summary.counts
    assert (counts.yttrande, counts.delegation, counts.preliminary) == (6, 3, 1)
    assert (counts.declined, counts.no_answer, counts.recipients) == (2, 3, 15)
    assert counts.answered + counts.declined + counts.no_answer == counts.recipients
    assert counts.late == 1


def test_the_overview_names_the_case_its_sender_and_dates(summary: Summary) -> None:
    assert summary.case_number == CASE_NUMBER
    assert summary.sender == "Stadskontoret"
    assert summary.deadline == DEADLINE
    assert summary.sent_at is not None and summary.sent_at.date() == date(2023, 10, 2)
    assert summary.compiled_on == TODAY


def test_every_extension_is_listed_with_its_new_date(summary: Summary) -> None:
    assert [(e.organisation.key, e.previous_deadline, e.new_deadline) for e in summary.extensions] == [
        ("halsa-vard-och-omsorgsnamnden", DEADLINE, date(2023, 12, 15)),
        ("servicenamnden", DEADLINE, date(2024, 1, 15)),
    ]


def test_a_recipient_whose_extended_deadline_has_not_passed_makes_the_summary_preliminary(summary: Summary) -> None:
    assert keys(m.organisation for m in summary.still_open) == ["servicenamnden"]


def test_an_answer_within_an_extension_is_not_late_but_one_after_the_deadline_is(stk: Round) -> None:
    assert not is_late(stk.recipient("halsa-vard-och-omsorgsnamnden"))
    assert is_late(stk.recipient("arbetsmarknads-och-socialnamnden"))


def test_lateness_is_judged_by_the_stockholm_date_not_utc() -> None:
    recipient = Recipient(CASE_NUMBER, "mkb", ("U1",), DEADLINE)
    content = ResponseContent(ResponseKind.DECLINED, decline_reason="")
    # 23:30 UTC on 30 November is 00:30 on 1 December in Malmö: a day late.
    recipient.responses.append(_response(content, datetime(2023, 11, 30, 23, 30, tzinfo=UTC)))
    assert is_late(recipient)
    recipient.responses[-1] = _response(content, datetime(2023, 11, 30, 22, 30, tzinfo=UTC))
    assert not is_late(recipient)


def _response(content: ResponseContent, at: datetime, version: int = 1) -> Response:
    return Response(version, content, "U1", at)


# -- positions and questions -----------------------------------------------------------------------------
def test_positions_have_a_row_per_recipient_in_directory_order(summary: Summary) -> None:
    assert keys(row.organisation for row in summary.positions) == list(RECIPIENT_KEYS)
    by_key = {row.organisation.key: row for row in summary.positions}
    assert by_key["mkb"].positions == (
        Position.AVSTYRKER,
        Position.FORESLAR_ANDRINGAR,
        Position.AVSTYRKER,
        None,  # question 4 is an organisation choice: a position means nothing there
    )
    # What each answer to the organisation choice proposes, matched to the directory; itself marked.
    assert by_key["mkb"].proposals_to(3) == (Proposal("MKB", own=True),)
    assert by_key["forskolenamnden"].proposals_to(3) == (Proposal("MKB"),)
    assert by_key["mkb"].proposals_to(0) == ()
    assert by_key["kulturnamnden"].kind is ResponseKind.DECLINED
    assert by_key["kulturnamnden"].positions == (None, None, None, None)
    assert by_key["servicenamnden"].kind is None
    # A question left blank has no position, however the form defaulted it.
    assert by_key["arbetsmarknads-och-socialnamnden"].positions[2] is None


def test_a_position_is_shown_only_where_it_means_something(summary: Summary) -> None:
    """Question 4 asks which organisation should coordinate: its answers carry no position anywhere."""
    choice = summary.sections[3]
    assert choice.question.kind is QuestionKind.ORGANISATION_CHOICE
    assert choice.answers and all(a.position is None for a in choice.answers)
    assert all(e.answers[3].position is None for e in summary.annex)
    assert any(a.position is not None for a in summary.sections[0].answers)


def test_a_free_text_question_shows_no_position_even_where_an_answer_carries_one(stk: Round) -> None:
    """Fritext: the coordinator asked no position, so one stored with an answer (an older form) is not shown."""
    questions = tuple(replace(q, kind=QuestionKind.FREE_TEXT) if q.number == 2 else q for q in stk.remiss.questions)
    summary = compile_summary(replace(stk.remiss, questions=questions), stk.recipients, stk.directory, today=TODAY)
    mkb = next(row for row in summary.positions if row.organisation.key == "mkb")
    assert mkb.positions == (Position.AVSTYRKER, None, Position.AVSTYRKER, None)
    assert all(a.position is None for a in summary.sections[1].answers)
    assert any(a.position is not None for a in summary.sections[2].answers)


def test_each_question_shows_every_answer_in_directory_order_with_its_kind_and_date(summary: Summary) -> None:
    first = summary.sections[0]
    answering = [k for k in RECIPIENT_KEYS if k not in {
        "funktionsstodsnamnden", "gymnasie-och-vuxenutbildningsnamnden", "kulturnamnden", "servicenamnden",
        "parkeringsovervakning",
    }]  # fmt: skip
    assert keys(a.organisation for a in first.answers) == answering
    tekniska = first.answers[0]
    assert tekniska.kind is ResponseKind.YTTRANDE
    assert tekniska.version == 2
    assert tekniska.submitted_at.date() == date(2023, 11, 22)
    assert [a.organisation.key for a in first.answers if a.late] == ["arbetsmarknads-och-socialnamnden"]


def test_a_question_left_blank_lists_who_left_it(summary: Summary) -> None:
    assert keys(summary.sections[2].not_answered) == ["arbetsmarknads-och-socialnamnden"]
    assert keys(summary.sections[3].not_answered) == ["parkering-malmo"]


def test_the_organisation_question_is_tallied_from_free_text_in_any_form(summary: Summary) -> None:
    tally = summary.sections[3].tally
    assert tally is not None
    assert all(s.tally is None for s in summary.sections[:3])
    assert [(line.written, keys(line.named_by)) for line in tally.matched] == [
        (
            "Stadsbyggnadsnämnden",
            ["tekniska-namnden", "miljonamnden", "arbetsmarknads-och-socialnamnden", "stadsbyggnadsnamnden"],
        ),
        ("MKB", ["forskolenamnden", "arbetsmarknads-och-socialnamnden", "mkb"]),
        ("Fritidsnämnden", ["grundskolenamnden", "fritidsnamnden"]),
    ]
    assert [(line.written, keys(line.named_by)) for line in tally.unmatched] == [
        ("en ny stiftelse", ["halsa-vard-och-omsorgsnamnden"])
    ]


def test_a_name_the_directory_does_not_know_is_kept_as_written(stk: Round) -> None:
    named, unmatched = named_organisations("MKB eller En Ny Stiftelse för Lokal Utveckling!", stk.directory)
    assert keys(named) == ["mkb"]
    assert unmatched == []  # five words: read as prose, and MKB was found
    named, unmatched = named_organisations("MKB; Stiftelsen Lokalt Lyft", stk.directory)
    assert (keys(named), unmatched) == (["mkb"], ["Stiftelsen Lokalt Lyft"])
    named, unmatched = named_organisations("Vi har ingen uppfattning i frågan om samordning.", stk.directory)
    assert (named, unmatched) == ([], ["Vi har ingen uppfattning i frågan om samordning."])


def test_a_name_with_commas_of_its_own_is_not_cut_into_unmatched_pieces(stk: Round) -> None:
    named, unmatched = named_organisations("Hälsa-, vård- och omsorgsnämnden, eller MKB", stk.directory)
    assert (keys(named), unmatched) == (["halsa-vard-och-omsorgsnamnden", "mkb"], [])


def test_an_answer_naming_its_own_organisation_and_another_proposes_the_other(stk: Round) -> None:
    mkb = stk.directory.require("mkb")
    named, _ = named_organisations("MKB föreslår Stadsbyggnadsnämnden.", stk.directory, answered_by=mkb)
    assert keys(named) == ["stadsbyggnadsnamnden"]
    named, _ = named_organisations("MKB själv.", stk.directory, answered_by=mkb)
    assert keys(named) == ["mkb"]


# -- declined, missing, annex ----------------------------------------------------------------------------
def test_declined_recipients_keep_their_reasons_as_written(summary: Summary) -> None:
    assert [(d.organisation.key, d.reason) for d in summary.declined] == [
        ("funktionsstodsnamnden", "Ärendet berör inte nämndens verksamhet i tillräcklig grad."),
        ("kulturnamnden", "Ingen <b>kapacitet</b> & *resurser* just_nu 🙏"),
    ]


def test_recipients_without_an_answer_are_listed_with_their_own_deadline(summary: Summary) -> None:
    assert [(m.organisation.key, m.deadline, m.overdue) for m in summary.missing] == [
        ("gymnasie-och-vuxenutbildningsnamnden", DEADLINE, True),
        ("servicenamnden", date(2024, 1, 15), False),
        ("parkeringsovervakning", DEADLINE, True),
    ]


def test_the_annex_holds_every_answer_in_full_with_its_history(summary: Summary, stk: Round) -> None:
    assert len(summary.annex) == summary.counts.answered
    for entry in summary.annex:
        current = stk.recipient(entry.organisation.key).current_response
        assert current is not None
        for answer in current.content.answers:
            assert entry.answers[answer.question_number - 1].text == answer.text.strip()
    tekniska = summary.annex[0]
    assert [(v.version, v.changed_questions) for v in tekniska.history] == [(1, ()), (2, (2,))]
    mkb = next(e for e in summary.annex if e.organisation.key == "mkb")
    assert [a.name for a in mkb.attachments] == ["MKB yttrande STK-2023-137 (signerat).pdf"]


def test_a_withdrawn_answer_counts_as_no_answer_and_says_so(round_: Round) -> None:
    recipient = round_.recipient("miljonamnden")
    recipient.withdraw(round_.remiss, "U001", datetime(2023, 11, 29, 9, tzinfo=UTC), date(2023, 11, 29))
    summary = compile_summary(round_.remiss, round_.recipients, round_.directory, today=TODAY)
    assert summary.counts.delegation == 2 and summary.counts.no_answer == 4
    missing = next(m for m in summary.missing if m.organisation.key == "miljonamnden")
    assert missing.withdrawn_version == 1


def test_names_turn_slack_ids_into_people(stk: Round) -> None:
    summary = build_summary(stk.remiss, stk.recipients, stk.directory, today=TODAY, names={"U000": "Anna Andersson"})
    assert summary.annex[0].author == "Anna Andersson"
    assert summary.annex[1].author == "U001"


def test_a_recipient_no_longer_in_the_directory_still_gets_its_line(round_: Round) -> None:
    extra = Recipient(CASE_NUMBER, "nedlagd-namnd", ("U999",), DEADLINE)
    summary = compile_summary(round_.remiss, [*round_.recipients, extra], round_.directory, today=TODAY)
    assert summary.positions[-1].organisation.name == "nedlagd-namnd"
    assert summary.counts.no_answer == 4


# -- the completeness check ------------------------------------------------------------------------------
def test_the_summary_of_the_round_is_complete(summary: Summary, stk: Round) -> None:
    assert check_completeness(summary, stk.recipients) == []


def _codes(summary: Summary, stk: Round) -> set[ProblemCode]:
    return {p.code for p in check_completeness(summary, stk.recipients)}


def test_a_response_missing_from_the_annex_fails_the_check(summary: Summary, stk: Round) -> None:
    tampered = replace(summary, annex=summary.annex[1:])
    problems = check_completeness(tampered, stk.recipients)
    assert {p.code for p in problems} == {ProblemCode.RESPONSE_MISSING, ProblemCode.COUNT_MISMATCH}
    assert any(p.organisation == "Tekniska nämnden" for p in problems)


def test_an_answer_shortened_anywhere_fails_the_check(summary: Summary, stk: Round) -> None:
    entry = summary.annex[4]
    shortened = replace(entry.answers[0], text=entry.answers[0].text[:-1])
    annex = (*summary.annex[:4], replace(entry, answers=(shortened, *entry.answers[1:])), *summary.annex[5:])
    assert _codes(replace(summary, annex=annex), stk) == {ProblemCode.ANSWER_ALTERED}

    section = summary.sections[1]
    sections = (summary.sections[0], replace(section, answers=section.answers[1:]), *summary.sections[2:])
    assert _codes(replace(summary, sections=sections), stk) == {ProblemCode.ANSWER_MISSING}


def test_a_missing_question_a_lost_version_or_a_tally_gap_fails_the_check(summary: Summary, stk: Round) -> None:
    assert ProblemCode.QUESTION_MISSING in _codes(replace(summary, sections=summary.sections[:3]), stk)
    entry = replace(summary.annex[0], history=summary.annex[0].history[1:])
    assert _codes(replace(summary, annex=(entry, *summary.annex[1:])), stk) == {ProblemCode.VERSION_MISSING}
    section = summary.sections[3]
    assert section.tally is not None
    tally = replace(section.tally, unmatched=())
    sections = (*summary.sections[:3], replace(section, tally=tally))
    assert _codes(replace(summary, sections=sections), stk) == {ProblemCode.TALLY_INCOMPLETE}


def test_declines_missing_recipients_and_counts_are_checked_too(summary: Summary, stk: Round) -> None:
    assert _codes(replace(summary, declined=summary.declined[:1]), stk) == {
        ProblemCode.DECLINE_MISSING,
        ProblemCode.COUNT_MISMATCH,
    }
    assert ProblemCode.NO_ANSWER_MISSING in _codes(replace(summary, missing=()), stk)
    assert _codes(replace(summary, counts=replace(summary.counts, late=0)), stk) == {ProblemCode.COUNT_MISMATCH}
    doubled = replace(summary, missing=(*summary.missing, summary.missing[0]))
    assert ProblemCode.UNEXPECTED_ENTRY in _codes(doubled, stk)


def test_an_answer_submitted_after_the_summary_was_built_is_caught(summary: Summary, round_: Round) -> None:
    late = round_.recipient("parkeringsovervakning")
    late.responses.append(
        _response(
            ResponseContent(ResponseKind.DELEGATION, (Answer(1, "Sent svar.", Position.TILLSTYRKER),), decided_by="VD"),
            datetime(2023, 12, 19, 9, tzinfo=UTC),
        )
    )
    codes = {p.code for p in check_completeness(summary, round_.recipients)}
    assert {ProblemCode.RESPONSE_MISSING, ProblemCode.ANSWER_MISSING, ProblemCode.COUNT_MISMATCH} <= codes


def test_compiling_refuses_an_incomplete_summary_with_every_reason(
    round_: Round, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.core.domain.summary_check as module  # compile_summary builds with the name it imported

    real = build_summary
    monkeypatch.setattr(module, "build_summary", lambda *a, **k: replace(real(*a, **k), annex=()))
    with pytest.raises(SummaryIncomplete) as caught:
        compile_summary(round_.remiss, round_.recipients, round_.directory, today=TODAY)
    assert caught.value.case_number == CASE_NUMBER
    assert sum(p.code is ProblemCode.RESPONSE_MISSING for p in caught.value.problems) == 10
