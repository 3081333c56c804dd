"""The README's first command: STK-2023-137 played through Slack's payloads, its database and summary left behind."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import docx
import pytest

from bot import cli
from bot.adapters.archive import listed_files, verify_package
from bot.adapters.export import pdf_available
from bot.bootstrap import build_core
from bot.core.domain.audit import AuditAction
from bot.core.domain.recipient import Recipient
from bot.core.domain.registry import RegistryItem, RegistrySubject
from bot.core.domain.reminders import ReminderKind, ReminderState
from bot.core.domain.remiss import (
    Answer,
    Position,
    QuestionKind,
    RecipientStatus,
    RemissStatus,
    ResponseKind,
)
from bot.core.usecases import UseCases
from bot.settings import load_settings
from devtools.demo import DemoRemiss, load_scenario
from devtools.demo.golden import differences, kept, normalise
from devtools.demo.yttrande import yttrande_pdf
from devtools.sandbox.fake_slack import FakeSlack
from devtools.sandbox.workspace import Message
from handlers import ids
from tests.archive.support import CONTRADICTED, errors, validate
from tests.demo_played import Played
from tests.summary.office import office_or_skip, pdf_pages
from tests.system import missing
from tests.wording import Shown, cli_texts, problems, response_texts, slack_texts, submission_texts

CASE = "STK-2023-137"
SCENARIO = load_scenario()
COORDINATOR, COLLEAGUE, TYPED = SCENARIO.coordinator, SCENARIO.colleague, SCENARIO.typed


# One worker plays the demo once for every test here (scripts/test runs pytest with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("demo")


def test_one_worker_runs_every_test_here(request: pytest.FixtureRequest) -> None:
    """With --dist loadgroup, pytest-xdist marks each test of the group in its id; where a pytest release
    keeps it from doing so (pytest 9.2), every worker would play the demo again."""
    if request.config.getoption("loadgroup", default=False):
        assert request.node.nodeid.endswith("@demo"), "install the pytest that pyproject.toml allows"


@pytest.fixture(scope="module")
def played(demo_played: Played) -> Played:
    """The demo, run once for all the tests here and tests/test_backup_roundtrip.py (tests/conftest.py)."""
    return demo_played


@pytest.fixture(scope="module")
def service(played: Played) -> Iterator[UseCases]:
    """The database the demo left behind, opened as `remissbot status` opens it."""
    core = build_core(load_settings({"DATABASE_URL": played.database_url}))
    yield core.service
    core.close()


def recipient(service: UseCases, key: str) -> Recipient:
    return next(row.recipient for row in service.queries.overview(CASE).rows if row.organisation.key == key)


def test_the_coordinator_creates_the_remiss_in_the_form_and_it_reaches_all_fifteen_officials(
    played: Played, service: UseCases
) -> None:
    text = played.transcript
    assert "Sista svarsdatum tolkades som torsdag 30 november (du skrev «30 november»)." in text
    assert "Skickad måndag 2 oktober kl. 09.00 till 15 remissinstanser." in text
    assert "15 handläggare har fått remissen som direktmeddelande" in text
    remiss = service.queries.overview(CASE).remiss
    assert remiss.status is RemissStatus.CLOSED  # at the end of the demo; sent until then
    assert remiss.sent_at is not None
    assert (remiss.created_by, remiss.contact, remiss.deadline) == (COORDINATOR.id, "Mia Idestrom", date(2023, 11, 30))
    assert [q.kind for q in remiss.questions] == [
        QuestionKind.FREE_TEXT,
        QuestionKind.FREE_TEXT,
        QuestionKind.POSITION,
        QuestionKind.ORGANISATION_CHOICE,
    ]
    assert len(service.queries.overview(CASE).rows) == 15


def test_the_answers_take_a_position_only_on_the_stance_question_and_one_on_the_whole(
    played: Played, service: UseCases
) -> None:
    answered = [r.current_response for r in (row.recipient for row in service.queries.overview(CASE).rows)]
    contents = [r.content for r in answered if r is not None and r.kind is not ResponseKind.DECLINED]
    assert len(contents) == 11
    for content in contents:
        assert all(a.position is Position.NOT_STATED for a in content.answers if a.question_number != 3)
    assert {c.overall_position for c in contents} == {Position.TILLSTYRKER, Position.FORESLAR_ANDRINGAR}
    # Miljönämnden typed nothing: its overall position was read from its decided yttrande.
    miljonamnden = recipient(service, "miljonamnden").current_response
    assert miljonamnden is not None and miljonamnden.content.overall_position is Position.TILLSTYRKER
    assert "• Fråga 3 (tillstyrker): «Nämnden tillstyrker en samordnad modell" in played.transcript


def test_the_final_status_shows_who_answered_declined_and_is_late(played: Played, service: UseCases) -> None:
    # On the deadline day one of the eleven was preliminary; its final came on 5 December.
    assert (
        "11 av 15 har svarat, varav 1 preliminärt, 1 avstår, 3 försenade; sista svarsdatum torsdag 30 november"
    ) in played.transcript
    assert "Mias statusmeddelande: 11 av 15 har svarat, 1 avstår, 3 försenade" in played.transcript
    counts = service.queries.overview(CASE).counts
    assert counts[RecipientStatus.SUBMITTED] == 11
    assert counts[RecipientStatus.DECLINED] == 1
    assert counts[RecipientStatus.OVERDUE] == 3
    # The status message as it was on the deadline day, before the clock passed it.
    shown = "11 av 15 har svarat, varav 1 preliminärt, 1 avstår, 1 utkast, 1 har öppnat, 1 har inte öppnat"
    assert f"Mias statusmeddelande: {shown}" in played.transcript


def test_the_demo_runs_with_the_manifests_scopes_and_needs_no_other(played: Played) -> None:
    manifest = json.loads((Path(__file__).resolve().parents[1] / "manifest.json").read_text(encoding="utf-8"))
    assert played.slack.granted_scopes == set(manifest["oauth_config"]["scopes"]["bot"])
    assert played.slack.scope_refusals == []


def test_the_delegation_and_the_chat_answers_are_stored(service: UseCases) -> None:
    delegation = recipient(service, "forskolenamnden").current_response
    assert delegation is not None and delegation.kind is ResponseKind.DELEGATION
    assert delegation.content.decided_by == "Förskoledirektören enligt delegationsordningen p. 1.4"

    chat = recipient(service, "grundskolenamnden").current_response
    assert chat is not None and chat.kind is ResponseKind.YTTRANDE
    answers = {a.question_number: a.text for a in chat.content.answers}
    assert answers[1] == "Skolornas arbete med trygga skolvägar och den utökade lovskolan."
    assert answers[3] == TYPED.chat_messages[1]  # written without a number: the question the bot asked about
    assert answers[4] == "Stadsbyggnadsnämnden, med grundskolenämnden som part i varje område."


def test_the_hand_over_is_in_the_audit_trail_and_the_colleague_answered(service: UseCases) -> None:
    key = "gymnasie-och-vuxenutbildningsnamnden"
    [handed] = [e for e in service.queries.audit_trail(CASE) if e.action is AuditAction.HANDED_OVER]
    assert handed.organisation_key == key
    assert handed.details_dict["to"] == COLLEAGUE.id
    answered = recipient(service, key)
    assert answered.officials == (COLLEAGUE.id,)
    assert answered.current_response is not None and answered.current_response.author == COLLEAGUE.id


def test_the_answer_of_more_than_10000_characters_is_stored_whole(played: Played, service: UseCases) -> None:
    response = recipient(service, "tekniska-namnden").current_response
    assert response is not None
    first = response.content.answer_to(1)
    assert first is not None and first.text == SCENARIO.long_answer and len(first.text) > 10_000
    assert f"…({len(first.text):,} tecken)".replace(",", " ") in played.transcript


def test_the_edited_answer_keeps_both_versions_and_the_coordinator_is_told(played: Played, service: UseCases) -> None:
    versions = recipient(service, "halsa-vard-och-omsorgsnamnden").responses
    assert [(v.version, v.kind) for v in versions] == [(1, ResponseKind.PRELIMINARY), (2, ResponseKind.YTTRANDE)]
    # The board met after the deadline (30 November); the final came the day after the meeting.
    assert versions[0].content.planned_board_date == date(2023, 12, 4)
    assert versions[1].submitted_at.date() == date(2023, 12, 5) and versions[1].content.meeting_date == date(
        2023, 12, 4
    )
    assert (
        "Hälsa-, vård- och omsorgsnämnden har skickat in nämndens slutliga svar (yttrande, version 2) efter svarsdatum"
    ) in played.transcript


YTTRANDE = SCENARIO.yttrande
# The decided yttrande the demo makes (the same bytes each time): Miljönämnden's answer.
YTTRANDE_PDF = yttrande_pdf(YTTRANDE, DemoRemiss.load(), "Miljönämnden")


def test_the_board_answering_with_its_yttrande_has_the_pdf_stored_as_its_answer(
    played: Played, service: UseCases
) -> None:
    assert YTTRANDE.organisation == "miljonamnden" and YTTRANDE_PDF.startswith(b"%PDF-")
    response = recipient(service, "miljonamnden").current_response
    assert response is not None and response.kind is ResponseKind.YTTRANDE
    [stored] = response.content.attachments
    digest = hashlib.sha256(YTTRANDE_PDF).hexdigest()
    assert (stored.name, stored.sha256, stored.size) == (YTTRANDE.file, digest, len(YTTRANDE_PDF))
    # The bot's own copy of the bytes, in the demo's database: no answer depends on Slack keeping the file.
    assert service.answering.document_content(digest) == YTTRANDE_PDF
    # She typed nothing: the answers and the decision were read from the yttrande, which she checked and sent.
    content = response.content
    assert [(a.question_number, a.from_document) for a in content.answers] == [(n, True) for n in (1, 2, 3, 4)]
    # Question 2 is fritext: no position; question 3 asks for one, and the decision's "tillstyrker" is offered.
    assert content.answer_to(2) == Answer(2, "Områden med mycket trafik och lite grönska.", Position.NOT_STATED, True)
    answer_3 = content.answer_to(3)
    assert answer_3 is not None and answer_3.position is Position.TILLSTYRKER
    assert content.overall_position is Position.TILLSTYRKER
    assert (content.their_case_number, content.meeting_date, content.paragraph) == (
        YTTRANDE.their_case_number,
        date(2023, 11, 23),
        "§ 203",
    )
    assert "med svaren på fråga 1, 2, 3 och 4 och beslutet hämtade ur yttrandet" in played.transcript
    assert "bifogar yttrandet i «Svara på remissen»" in played.transcript
    assert f"Yttrandet som fil: «{YTTRANDE.file}»" in played.transcript


def test_the_registrators_registered_the_remiss_and_the_answer(played: Played, service: UseCases) -> None:
    registered = [(r.item, r.number, r.registered_by) for r in service.registry.registrations(CASE)]
    assert registered == [
        (
            RegistryItem(RegistrySubject.REMISS, CASE, "miljonamnden"),
            TYPED.remiss_registered_as,
            SCENARIO.registries["miljonamnden"].people[0].id,
        ),
        (
            RegistryItem(RegistrySubject.ANSWER, CASE, "miljonamnden", version=1),
            TYPED.answer_registered_as,
            SCENARIO.registries["stadskontoret"].people[0].id,
        ),
    ]
    actions = [e.action for e in service.queries.audit_trail(CASE)]
    assert actions.count(AuditAction.REGISTERED) == 2
    # Stadskontoret's registry channel got every submitted version (11 answers, the preliminary one's final
    # too, and Förskolenämnden's answer sent again after it was drawn back); the two boards' registrators the
    # remiss.
    channel = SCENARIO.registries["stadskontoret"].channel_id
    incoming = [m for m in played.slack.messages_in(channel) if "Inkommet remissvar" in m.text]
    assert len(incoming) == 13
    keys = [m.metadata["event_payload"]["key"] for m in incoming if m.metadata]
    assert f"registry_answer:{CASE}:forskolenamnden:2:{channel}" in keys
    for key in ("tekniska-namnden", "miljonamnden"):
        [registrator] = SCENARIO.registries[key].people
        assert [m for m in played.slack.messages_in(registrator.id) if "Remiss att registrera" in m.text]
    text = played.transcript
    assert "deras registratur registrerade remissen med diarienummer MN-2023-4117" in text
    assert "Svaret från Miljönämnden (version 1) registrerades med nummer STK-2023-137-21" in text


def test_the_decline_the_draft_and_the_silent_ones_are_as_the_story_says(service: UseCases) -> None:
    declined = recipient(service, "parkeringsovervakning").current_response
    assert declined is not None and declined.kind is ResponseKind.DECLINED
    assert [
        e.details_dict.get("reason") for e in service.queries.audit_trail(CASE) if e.action is AuditAction.DECLINED
    ] == [TYPED.decline_reason]
    drafted = recipient(service, "servicenamnden")
    assert drafted.draft is not None and drafted.responses == []
    assert recipient(service, "funktionsstodsnamnden").opened_at is not None
    assert recipient(service, "parkering-malmo").opened_at is None


def test_the_summary_is_written_in_three_formats_and_the_word_file_opens(played: Played) -> None:
    names = {ext: played.directory / f"{CASE} Sammanställning av remissvar.{ext}" for ext in ("docx", "html", "md")}
    assert all(path.exists() for path in names.values())
    for path in names.values():
        assert str(path) in played.transcript
    document = docx.Document(str(names["docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Sammanställning av remissvar" in text
    assert "«En ny gemensam områdesfunktion»" in played.transcript  # the answer the directory does not know


@pytest.mark.slow
def test_the_word_summary_keeps_every_organisation_name_whole_on_fewer_pages(
    played: Played, service: UseCases, tmp_path: Path
) -> None:
    """LibreOffice lays the demo's Word summary out: no table cell breaks a name inside a word
    ("Stadsbyggnadsnämnde|n"), and the summary fits in 12 pages (issue 14 measured 21)."""
    office = office_or_skip()
    pages = pdf_pages(office, played.directory / f"{CASE} Sammanställning av remissvar.docx", tmp_path)
    text = "\n".join(pages)
    assert len(pages) <= 12  # issue 14's goal; bench/bench_summary_pages.py prints the count
    names = {org.name for org in service.queries.case_record(CASE).directory}
    words = {word.strip(",.()") for name in names for word in name.split() if len(word) > 6}
    assert "Stadsbyggnadsnämnden" in words
    broken = [w for w in sorted(words) for k in range(2, len(w) - 1) if f"{w[:k]}\n{w[k:]}" in text]
    assert broken == []
    assert "Stadsbyggnadsnämnden (sig själv)" in " ".join(text.split())


def test_the_database_left_behind_answers_remissbot_status(
    played: Played, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert f"DATABASE_URL={played.database_url} .venv/bin/remissbot status {CASE}" in played.transcript
    monkeypatch.setenv("DATABASE_URL", played.database_url)
    assert cli.main(["status", CASE]) == 0
    out = capsys.readouterr().out
    assert "11 av 15 har svarat" in out
    # The demo ends with the coordinator closing the round from the status message.
    assert "\n  avslutad tisdag 5 december 2023 kl. 17.10 av U0MIA\n" in out


def test_the_demos_summary_is_written_as_pdf_by_the_command_line(
    played: Played, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", played.database_url)
    if not pdf_available():
        assert cli.main(["summary", CASE, "--format", "pdf", "--out", str(tmp_path)]) == 2
        assert "Pango" in capsys.readouterr().err
        assert list(tmp_path.iterdir()) == []
        missing("WeasyPrint cannot load Pango here: the refusal was checked instead")
    assert cli.main(["summary", CASE, "--format", "pdf", "--out", str(tmp_path)]) == 0
    written = tmp_path / f"{CASE} Sammanställning av remissvar.pdf"
    assert written.read_bytes().startswith(b"%PDF-")
    assert "Skriver PDF-filen …" in capsys.readouterr().err


def test_the_database_left_behind_exports_the_case_for_the_registry(
    played: Played, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", played.database_url)
    if not pdf_available():
        assert cli.main(["export", CASE, "--out", str(tmp_path)]) == 2
        assert "Pango saknas" in capsys.readouterr().err
        missing("WeasyPrint cannot load Pango here: the export's refusal was checked instead")
    assert cli.main(["export", CASE, "--out", str(tmp_path)]) == 0
    rows = json.loads((tmp_path / "metadata.json").read_text(encoding="utf-8"))
    answered = {row["from"] for row in rows if row["version"]}
    assert len(answered) == 12  # 11 answered and 1 declined; the 3 late ones sent nothing
    written = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()}
    assert {row["file"] for row in rows} | {"metadata.json", "metadata.csv"} == written
    # Miljönämnden's yttrande as the bot stored it, beside the PDF of its answer as submitted.
    digest = hashlib.sha256(YTTRANDE_PDF).hexdigest()
    [original] = [row for row in rows if row["sha256"] == digest]
    assert (tmp_path / original["file"]).read_bytes() == YTTRANDE_PDF
    assert (original["from"], original["their_case_number"], original["paragraph"]) == (
        "Miljönämnden",
        "MN-2023-4117",
        "§ 203",
    )


def test_the_transcript_is_the_kept_one_line_by_line(played: Played) -> None:
    """The guard: the demo prints what tests/data/demo_transcript.txt holds, except ports, directory and seconds.
    When a change to the transcript is meant, regenerate it: `python -m devtools.demo.golden --update`."""
    diff = differences(kept(), normalise(played.printed, played.directory))
    if diff:
        pytest.fail(
            "the demo's transcript changed (if meant: python -m devtools.demo.golden --update)\n" + "\n".join(diff),
            pytrace=False,
        )


def test_the_demo_runs_with_no_warning_from_the_simulated_slack(played: Played) -> None:
    assert "och varnade inte för något" in played.transcript
    steps = [line for line in played.printed.splitlines() if line.startswith("[")]
    assert [s.split("]")[0] for s in steps] == [f"[{n}/28" for n in range(1, 29)]


# -- the reminders, read from the simulated Slack: each message's outbox key (in its metadata) says which
# planned reminder it is, `reminder:{case}:{organisation}:{kind}:{local date}:{user}`, and a reminder is
# only ever sent on its own local date (or skipped).
def job_messages(slack: FakeSlack, user_id: str, prefix: str) -> list[tuple[str, Message]]:
    """The bot's top-level messages in the user's DM whose outbox key starts with `prefix`, oldest first."""
    found = []
    for message in slack.messages_in(user_id):
        key = str(((message.metadata or {}).get("event_payload") or {}).get("key", ""))
        if message.user is None and message.thread_ts is None and key.startswith(prefix):
            found.append((key, message))
    return found


NUDGE, BEFORE, MORNING, OVERDUE, SNOOZED = "nudge_unopened", "before_deadline", "deadline_morning", "overdue", "snoozed"
ALL_BEFORE = [f"{BEFORE} 2023-11-16", f"{BEFORE} 2023-11-23", f"{BEFORE} 2023-11-28"]
SUBMISSION = "before_submission"
# Who got which reminder on which day: the nudge on Thursday 5 October (3 working days after the sending) to
# everyone who had not opened the remiss, then 10, 5 and 2 working days before Thursday 30 November, its
# morning, and the overdue reminder on Friday 1 December, each only while the recipient had not answered.
EXPECTED_REMINDERS = {
    # Boards with an inlämningsdag get a reminder two working days before it (tekniska: meeting 9 November).
    "Anna Lindqvist": [f"{NUDGE} 2023-10-05", f"{SUBMISSION} 2023-10-24"],  # answered 13 November
    "Bertil Nyberg": [
        f"{NUDGE} 2023-10-05",
        f"{SUBMISSION} 2023-11-07",
        f"{BEFORE} 2023-11-16",
        f"{BEFORE} 2023-11-23",
    ],  # 27 November
    # Snoozed the 16 November reminder ("påminn mig i morgon"), never answered.
    "Cecilia Holm": [
        f"{NUDGE} 2023-10-05",
        f"{BEFORE} 2023-11-16",
        f"{SNOOZED} 2023-11-17",
        f"{BEFORE} 2023-11-23",
        f"{BEFORE} 2023-11-28",
        f"{MORNING} 2023-11-30",
        f"{OVERDUE} 2023-12-01",
    ],
    "David Ekström": [f"{NUDGE} 2023-10-05"],  # answered 24 October
    "Elin Sandberg": [f"{NUDGE} 2023-10-05"],  # answered 19 October
    "Fredrik Åberg": [],  # handed the remiss over on 3 October: his colleague gets the reminders
    "Sofia Karlsson": [f"{NUDGE} 2023-10-05", f"{SUBMISSION} 2023-10-23"],  # answered 10 November
    # A preliminary answer on 6 November naming the board's meeting on 4 December, after the deadline: the
    # final is asked for on the 5th at nine, an hour before it comes.
    "Greta Malmberg": [f"{NUDGE} 2023-10-05", f"{SUBMISSION} 2023-10-10", "final_answer 2023-12-05"],
    "Hassan Ali": [
        f"{NUDGE} 2023-10-05",
        f"{SUBMISSION} 2023-11-09",
        *ALL_BEFORE,
    ],  # asked for anstånd, refused; answered 28 November 15:05
    "Ida Persson": [f"{NUDGE} 2023-10-05", f"{SUBMISSION} 2023-11-03", *ALL_BEFORE],  # answered 28 November 16:40
    "Jonas Wikström": [f"{NUDGE} 2023-10-05", f"{SUBMISSION} 2023-11-06", *ALL_BEFORE],  # answered 29 November
    "Karin Öberg": [
        f"{NUDGE} 2023-10-05",
        f"{SUBMISSION} 2023-10-30",
        *ALL_BEFORE,
        f"{MORNING} 2023-11-30",
        f"{OVERDUE} 2023-12-01",
    ],
    "Leila Haddad": [
        f"{NUDGE} 2023-10-05",
        f"{SUBMISSION} 2023-11-07",
        *ALL_BEFORE,
        f"{MORNING} 2023-11-30",
    ],  # answered 30 November 10:30
    "Magnus Strand": [f"{NUDGE} 2023-10-05", *ALL_BEFORE, f"{MORNING} 2023-11-30"],  # 30 November 16:15
    "Nora Blom": [f"{NUDGE} 2023-10-05", *ALL_BEFORE, f"{MORNING} 2023-11-30", f"{OVERDUE} 2023-12-01"],
    "Oskar Lund": [],  # declined on 4 October, before the nudge
    "Mia Idestrom": [],
}


def people() -> dict[str, str]:
    """Everyone in the demo's workspace, name -> Slack user id."""
    officials = SCENARIO.officials_for(DemoRemiss.load().recipient_keys).values()
    return {user.real_name: user.id for user in (*officials, COLLEAGUE, COORDINATOR)}


def test_each_official_got_exactly_the_reminders_due_before_their_answer(played: Played) -> None:
    organisation_of = {user.id: key for key, user in SCENARIO.officials_for(DemoRemiss.load().recipient_keys).items()}
    organisation_of[COLLEAGUE.id] = "gymnasie-och-vuxenutbildningsnamnden"
    got: dict[str, list[str]] = {}
    for name, user_id in people().items():
        got[name] = []
        for key, _ in job_messages(played.slack, user_id, "reminder"):
            _, case, organisation, kind, day, to = key.split(":")
            assert (case, organisation, to) == (CASE, organisation_of[user_id], user_id)
            got[name].append(f"{kind} {day}")
    assert got == EXPECTED_REMINDERS


def test_the_snoozed_reminder_was_edited_and_the_next_came_the_next_working_day(played: Played) -> None:
    cecilia = people()["Cecilia Holm"]
    reminders = dict(job_messages(played.slack, cecilia, "reminder:"))
    snoozed = reminders[f"reminder:{CASE}:funktionsstodsnamnden:{BEFORE}:2023-11-16:{cecilia}"]
    assert ids.SNOOZE_TOMORROW not in str(snoozed.blocks)  # the snooze row gave way to when she hears again
    assert "17 november" in str(snoozed.blocks)


def test_the_coordinator_got_a_digest_when_it_said_something_new_and_one_escalation_on_4_december(
    played: Played,
) -> None:
    mia = COORDINATOR.id
    found = job_messages(played.slack, mia, "digest:")
    days = [date.fromisoformat(key.split(":")[1]) for key, _ in found]
    # From the day after the sending, on working days only, never two the same in a row (the date in the header
    # left out), and every day from two working days before the deadline (30 November) to it.
    assert days[0] == date(2023, 10, 3) and all(day.weekday() < 5 for day in days)
    said = [str(message.text).split("\n", 1)[1] for _, message in found]
    assert all(a != b for a, b in itertools.pairwise(said))
    assert {date(2023, 11, 28), date(2023, 11, 29), date(2023, 11, 30)} <= set(days)
    assert len(days) == 13
    assert "svarsdatum torsdag 30 november (2 arbetsdagar kvar)." in said[days.index(date(2023, 11, 28))]
    [(key, escalation)] = job_messages(played.slack, mia, "escalation:")
    assert key == f"escalation:{CASE}:2023-12-04"
    text = str(escalation.blocks)
    late = ("Funktionsstödsnämnden", "Servicenämnden", "Parkering Malmö")
    assert all(name in text for name in late)
    assert "Tekniska nämnden" not in text and "Parkeringsövervakning" not in text
    # Nothing else from the reminder job reached anyone (no "påminn igen", no second escalation).
    everyone = [key for user_id in people().values() for key, _ in job_messages(played.slack, user_id, "")]
    reminders = sum(len(got) for got in EXPECTED_REMINDERS.values())
    assert len([k for k in everyone if k.startswith(("reminder", "escalation", "digest"))]) == reminders + 1 + 13


def test_the_reminders_not_sent_are_recorded_as_skipped_with_why(service: UseCases) -> None:
    rows = service.reminding.reminder_plan(CASE)
    # Nothing is left planned: what was due after the walk's end (5 December), the escalation of the final
    # answer on the 6th, was cancelled when the coordinator closed the remiss.
    assert [row.scheduled.reminder for row in rows if row.scheduled.state is ReminderState.PLANNED] == []
    [cancelled] = [row.scheduled for row in rows if row.scheduled.reason == "closed"]
    assert (cancelled.state, cancelled.reminder.organisation_key, cancelled.reminder.kind) == (
        ReminderState.CANCELLED,
        "halsa-vard-och-omsorgsnamnden",
        ReminderKind.FINAL_ESCALATION,
    )
    tekniska = [row.scheduled for row in rows if row.organisation.key == "tekniska-namnden"]
    sent = [(s.reminder.kind, s.reminder.local_date) for s in tekniska if s.state is ReminderState.SENT]
    assert sent == [
        (ReminderKind.NUDGE_UNOPENED, date(2023, 10, 5)),
        (ReminderKind.BEFORE_SUBMISSION, date(2023, 10, 24)),
    ]
    assert {(s.state, s.reason) for s in tekniska[2:]} == {(ReminderState.SKIPPED, "skip_answered")}
    escalations = {
        r.organisation.key: r.scheduled.state for r in rows if r.scheduled.reminder.kind is ReminderKind.ESCALATION
    }
    late = {"funktionsstodsnamnden", "servicenamnden", "parkering-malmo"}
    assert {key for key, state in escalations.items() if state is ReminderState.SENT} == late
    assert len(escalations) == 15


def test_the_transcript_shows_the_reminders_per_recipient_and_the_refused_anstand(
    played: Played, service: UseCases
) -> None:
    text = played.transcript
    assert "⏩ tor 5 okt 09:00 · Påminnelse «remissen är inte öppnad» till 14 handläggare" in played.printed
    assert (
        "Parkering Malmö (Nora Blom) fick: tor 5 okt 09:00 «remissen är inte öppnad», tor 16 nov 09:00 «10 "
        "arbetsdagar kvar», tor 23 nov 09:00 «5 arbetsdagar kvar», tis 28 nov 09:00 «2 arbetsdagar kvar», tor 30 "
        "nov 09:00 «sista svarsdagen», fre 1 dec 09:00 «svarsdatum har passerat» Mia fick en eskalering om den: "
        "mån 4 dec 09:00"
    ) in text
    assert (
        "Tekniska nämnden (Anna Lindqvist) fick: tor 5 okt 09:00 «remissen är inte öppnad», tis 24 okt 09:00 "
        "«inlämningsdagen närmar sig» inte skickade"
    ) in text
    assert "Mia Idestrom (samordnare) fick 13 morgonsammanfattningar" in text
    actions = [
        e.action for e in service.queries.audit_trail(CASE) if e.organisation_key == "arbetsmarknads-och-socialnamnden"
    ]
    assert AuditAction.EXTENSION_REQUESTED in actions and AuditAction.EXTENSION_REFUSED in actions
    hassan = people()["Hassan Ali"]
    [(_, told)] = job_messages(played.slack, hassan, "extension-decided:")
    assert TYPED.refusal_note[:40] in str(told.blocks)
    assert recipient(service, "arbetsmarknads-och-socialnamnden").deadline == date(2023, 11, 30)


def test_closing_the_round_wrote_an_archive_package_the_e_ark_validator_accepts(played: Played) -> None:
    """The demo's last step closes STK-2023-137; closing wrote its E-ARK SIP (REMISSBOT_ARCHIVE_DIR, here the
    demo's folder). The reference validator finds it well formed and valid, its only schematron errors the rules
    tests/archive names as contradicting the published CSIP/SIP text; every checksum holds on reading back."""
    package = played.directory / "arkiv" / CASE
    assert f"Arkivpaketet (E-ARK SIP) skrevs när remissen avslutades: {package}" in played.transcript
    report = validate(package)
    assert report.structure.status.value == "WellFormed", report.structure.messages
    assert report.metadata.schema_results.status.value == "VALID", report.metadata.schema_results.messages
    found = errors(report.metadata.schematron_results.messages)
    assert {rule for rule, _ in found} <= CONTRADICTED, found
    assert verify_package(package) == []
    listed = {item.path for item in listed_files(package)}
    assert any((path.endswith(".pdf") and "/svar/" in path.lower()) or "svar" in path.lower() for path in listed)
    assert any(path.lower().endswith(".docx") for path in listed)


def everything_shown(played: Played) -> list[Shown]:
    """Every text the demo showed a person: each message, update, modal and App Home view the simulated Slack
    received (its `text` and every text in its blocks), each answer to a response_url or a form, and the command
    line. Every day of the demo falls in 2023 (its clock); the command line runs on the machine's clock."""
    demo_year = SCENARIO.start.year
    assert SCENARIO.walk_end.year == demo_year
    shown: list[Shown] = []
    for n, call in enumerate(played.slack.calls):
        shown += slack_texts(call.method, call.params, f"{call.method} #{n}", demo_year)
    for n, post in enumerate(played.slack.responses):
        shown += response_texts(post.payload, f"response_url #{n}", demo_year)
    for n, answer in enumerate(played.slack.submission_answers):
        shown += submission_texts(answer, f"view_submission answer #{n}", demo_year)
    this_year = datetime.now().year  # the command line dates by the machine's clock, as it runs
    for command, output in played.command_line.items():
        shown += cli_texts(output, f"remissbot {command}", this_year)
    return shown


def what_people_wrote(service: UseCases) -> list[str]:
    """The remiss's own text and every answer, note and reason people typed: their words, not the bot's."""
    remiss = service.queries.overview(CASE).remiss
    written = [remiss.title, remiss.description, *(q.text for q in remiss.questions)]
    written += [
        TYPED.hand_over_note,
        TYPED.decline_reason,
        *TYPED.chat_messages,
        TYPED.extension_reason,
        TYPED.refusal_note,
    ]
    for row in service.queries.overview(CASE).rows:
        contents = [r.content for r in row.recipient.responses]
        contents += [row.recipient.draft.content] if row.recipient.draft else []
        for content in contents:
            written += [a.text for a in content.answers] + [f.name for f in content.attachments]
            written += [content.decided_by or ""]
    return written


def test_every_text_the_demo_shows_keeps_the_words_the_dates_and_the_budgets(played: Played, service: UseCases) -> None:
    """No Slack id a person reads, none of templates/terms.toml's banned forms, every date as weekday + day +
    month (the year only when not this year), nothing over its budget (tests/wording.py says why each)."""
    shown = everything_shown(played)
    kinds = {s.kind for s in shown}
    assert len(shown) > 2000 and {"notification", "section", "button", "modal_title", "label", "cli"} <= kinds
    found = problems(shown, what_people_wrote(service))
    assert found == [], f"{len(found)} problems, the first:\n" + "\n".join(map(str, found[:30]))
