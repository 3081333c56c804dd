"""The README's first command: STK-2023-137 played through Slack's payloads, its database and summary left behind."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import docx
import pytest

from bot import cli
from bot.app import build_core
from bot.demo import CHAT_MESSAGES, COLLEAGUE, COORDINATOR, DECLINE_REASON, long_answer, run_demo
from bot.domain.remiss import AuditAction, QuestionKind, Recipient, RecipientStatus, RemissStatus, ResponseKind
from bot.service import RemissService
from bot.settings import load_settings

CASE = "STK-2023-137"


@dataclass(frozen=True)
class Played:
    printed: str
    directory: Path

    @property
    def transcript(self) -> str:
        """What was printed, read as running text: the wrapping and the boxes' and arrows' margins undone."""
        lines = [re.sub(r"^\s*[│┌→]?\s*", "", line) for line in self.printed.splitlines()]
        return " ".join(" ".join(lines).split())

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.directory / 'remissbot.db'}"


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Played:
    """The demo, run once for all the tests here (it takes a few seconds)."""
    directory = tmp_path_factory.mktemp("demo")
    out = io.StringIO()
    assert run_demo(out, directory=directory) == 0
    return Played(out.getvalue(), directory)


@pytest.fixture(scope="module")
def service(played: Played) -> Iterator[RemissService]:
    """The database the demo left behind, opened as `remissbot status` opens it."""
    core = build_core(load_settings({"DATABASE_URL": played.database_url}))
    yield core.service
    core.close()


def recipient(service: RemissService, key: str) -> Recipient:
    return next(row.recipient for row in service.overview(CASE).rows if row.organisation.key == key)


def test_the_coordinator_creates_the_remiss_in_the_form_and_it_reaches_all_fifteen_officials(
    played: Played, service: RemissService
) -> None:
    text = played.transcript
    assert "Sista svarsdatum tolkades som torsdag 30 november 2023 (du skrev «30 november»)." in text
    assert "Skickad 2 oktober 2023 kl. 09:00 till 15 remissinstanser." in text
    assert "15 handläggare har fått remissen som direktmeddelande" in text
    remiss = service.overview(CASE).remiss
    assert remiss.status is RemissStatus.SENT
    assert (remiss.created_by, remiss.contact, remiss.deadline) == (COORDINATOR.id, "Mia Idestrom", date(2023, 11, 30))
    assert [q.kind for q in remiss.questions][-1] is QuestionKind.ORGANISATION_CHOICE
    assert len(service.overview(CASE).rows) == 15


def test_the_final_status_shows_who_answered_declined_and_is_late(played: Played, service: RemissService) -> None:
    assert "11 av 15 har svarat, 1 avstår, 3 försenade; sista svarsdatum torsdag 30 november 2023" in played.transcript
    counts = service.overview(CASE).counts
    assert counts[RecipientStatus.SUBMITTED] == 11
    assert counts[RecipientStatus.DECLINED] == 1
    assert counts[RecipientStatus.OVERDUE] == 3
    # The status message as it was on the deadline day, before the clock passed it.
    assert "Mias statusmeddelande: 11 av 15 har svarat, 1 avstår, 1 utkast, 1 har öppnat, 1 har inte öppnat" in (
        played.transcript
    )


def test_the_delegation_and_the_chat_answers_are_stored(service: RemissService) -> None:
    delegation = recipient(service, "forskolenamnden").current_response
    assert delegation is not None and delegation.kind is ResponseKind.DELEGATION
    assert delegation.content.decided_by == "Förskoledirektören enligt delegationsordningen p. 1.4"

    chat = recipient(service, "grundskolenamnden").current_response
    assert chat is not None and chat.kind is ResponseKind.YTTRANDE
    answers = {a.question_number: a.text for a in chat.content.answers}
    assert answers[1] == "Skolornas arbete med trygga skolvägar och den utökade lovskolan."
    assert answers[3] == CHAT_MESSAGES[1]  # written without a number: the question the bot asked about
    assert answers[4] == "Stadsbyggnadsnämnden, med grundskolenämnden som part i varje område."


def test_the_hand_over_is_in_the_audit_trail_and_the_colleague_answered(service: RemissService) -> None:
    key = "gymnasie-och-vuxenutbildningsnamnden"
    [handed] = [e for e in service.audit_trail(CASE) if e.action is AuditAction.HANDED_OVER]
    assert handed.organisation_key == key
    assert handed.details_dict["to"] == COLLEAGUE.id
    answered = recipient(service, key)
    assert answered.officials == (COLLEAGUE.id,)
    assert answered.current_response is not None and answered.current_response.author == COLLEAGUE.id


def test_the_answer_of_more_than_10000_characters_is_stored_whole(played: Played, service: RemissService) -> None:
    response = recipient(service, "tekniska-namnden").current_response
    assert response is not None
    first = response.content.answer_to(1)
    assert first is not None and first.text == long_answer() and len(first.text) > 10_000
    assert f"…({len(first.text):,} tecken)".replace(",", " ") in played.transcript


def test_the_edited_answer_keeps_both_versions_and_the_coordinator_is_told(
    played: Played, service: RemissService
) -> None:
    versions = recipient(service, "halsa-vard-och-omsorgsnamnden").responses
    assert [(v.version, v.kind) for v in versions] == [(1, ResponseKind.PRELIMINARY), (2, ResponseKind.YTTRANDE)]
    assert "Hälsa-, vård- och omsorgsnämnden ändrade sitt svar (version 2)." in played.transcript


def test_the_decline_the_draft_and_the_silent_ones_are_as_the_story_says(service: RemissService) -> None:
    declined = recipient(service, "parkeringsovervakning").current_response
    assert declined is not None and declined.kind is ResponseKind.DECLINED
    assert [e.details_dict.get("reason") for e in service.audit_trail(CASE) if e.action is AuditAction.DECLINED] == [
        DECLINE_REASON
    ]
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


def test_the_database_left_behind_answers_remissbot_status(
    played: Played, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert f"DATABASE_URL={played.database_url} .venv/bin/remissbot status {CASE}" in played.transcript
    monkeypatch.setenv("DATABASE_URL", played.database_url)
    assert cli.main(["status", CASE]) == 0
    assert "11 av 15 har svarat" in capsys.readouterr().out


def test_the_demo_runs_with_no_warning_from_the_simulated_slack(played: Played) -> None:
    assert "och varnade inte för något" in played.transcript
    steps = [line for line in played.printed.splitlines() if line.startswith("[")]
    assert [s.split("]")[0] for s in steps] == [f"[{n}/17" for n in range(1, 18)]
