"""The summary in Slack: offered when everyone has answered, previewed, and published as Word, HTML, Markdown
and (where Pango is present) PDF."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine

from bot.adapters.pdf import pdf_available
from bot.core.domain.documents import document_of, stored_attachment
from bot.core.domain.remiss import (
    Answer,
    Attachment,
    Position,
    QuestionKind,
    RemissStatus,
    ResponseContent,
    ResponseKind,
)
from bot.core.usecases.results import RemissInput
from devtools.clocks import FakeClock
from devtools.pdf import pdf_with_pages
from devtools.sandbox.harness import Sandbox, SandboxUser, running_sandbox
from devtools.sandbox.objects import File
from devtools.sandbox.workspace import Message
from handlers import ids
from tests.e2e.conftest import COORDINATOR, USERS, load_directory
from tests.summary.test_summary_as_pdf import without_pango

CASE = "STK-2023-137"
TN = SandboxUser("U0TN", "tn", "Tove Nilsson")
MKB = SandboxUser("U0MKB", "mkb", "Mona Berg")
# Seconds to wait for Publicera's files: WeasyPrint's first PDF in a process takes a few on a busy machine.
PUBLISHING = 60.0


@pytest.fixture
def sandbox(database_url: str, database_engine: Engine, clock: FakeClock) -> Iterator[Sandbox]:
    with running_sandbox(
        database_url=database_url,
        engine=database_engine,
        users=[*USERS, TN, MKB],
        coordinators=[COORDINATOR],
        clock=clock,
    ) as box:
        service = box.core.service
        contacts = {"tekniska-namnden": (TN.id,), "mkb": (MKB.id,)}
        load_directory(box, contacts)
        data = RemissInput(
            case_number=CASE,
            title="Områdeslyft",
            questions=[
                ("Hur ser ni på förslaget?", QuestionKind.FREE_TEXT),
                ("Vilken nämnd eller bolag bör samordna?", QuestionKind.ORGANISATION_CHOICE),
            ],
            deadline=date(2023, 11, 30),
            recipient_keys=list(contacts),
        )
        service.drafting.create_draft(service.actor(COORDINATOR), data)
        service.drafting.send(service.actor(COORDINATOR), CASE)
        box.courier.drain()
        yield box


def answer(box: Sandbox, user: SandboxUser, key: str, choice: str) -> None:
    content = ResponseContent(
        ResponseKind.DELEGATION,
        (Answer(1, "Vi ser positivt på förslaget.", Position.TILLSTYRKER), Answer(2, choice)),
        decided_by="Förvaltningschef",
    )
    box.core.service.answering.submit(box.core.service.actor(user.id), CASE, key, content)


def thread(box: Sandbox) -> list[str]:
    messages = box.fake.messages_in(COORDINATOR)
    status = next(m for m in messages if m.thread_ts is None)
    return [m.text for m in messages if m.thread_ts == status.ts]


def summary_preview(box: Sandbox) -> Message:
    """The coordinator presses Sammanställning: the preview, as the message she sees. It is ephemeral (posted to
    a response_url), so Publicera is pressed in it as Slack's client sends that."""
    box.driver.block_action(COORDINATOR, ids.SUMMARY_PREVIEW, CASE)
    preview = box.fake.wait_for(lambda: box.fake.responses[-1] if box.fake.responses else None)
    return Message(
        channel=box.fake.dm_channel_of(COORDINATOR) or "",
        ts="1700000999.000100",
        text=preview.payload["text"],
        blocks=preview.payload["blocks"],
        ephemeral_to=COORDINATOR,
    )


def shared_files(box: Sandbox, count: int) -> list[File]:
    """The uploaded files once `count` of them are there and all are shared: each exists from
    files.getUploadURLExternal on, and is shared when files.completeUploadExternal is done."""
    return box.fake.wait_for(
        lambda: box.fake.files if len(box.fake.files) >= count and all(f.channels for f in box.fake.files) else None,
        timeout=PUBLISHING,
    )


def test_when_everyone_has_answered_the_summary_is_offered_once_in_the_status_thread(sandbox: Sandbox) -> None:
    answer(sandbox, TN, "tekniska-namnden", "Stadsbyggnadsnämnden")
    sandbox.courier.drain()
    assert not any("Sammanställningen av" in t for t in thread(sandbox))
    answer(sandbox, MKB, "mkb", "MKB")
    sandbox.courier.drain()
    offers = [t for t in thread(sandbox) if "Alla remissinstanser har svarat eller avstått" in t]
    assert len(offers) == 1
    assert sandbox.core.service.drafting.offer_due_summaries() == 0  # the deadline hasn't passed


def test_two_last_answers_saved_at_the_same_moment_still_offer_the_summary_exactly_once(sandbox: Sandbox) -> None:
    """Neither answer's transaction sees the other; the offer follows the thread lines, sent after both commits."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    both = Barrier(2)

    def answer_at_once(user: SandboxUser, key: str) -> None:
        both.wait()
        answer(sandbox, user, key, "MKB")

    with ThreadPoolExecutor(2) as pool:
        done = [pool.submit(answer_at_once, TN, "tekniska-namnden"), pool.submit(answer_at_once, MKB, "mkb")]
        for future in done:
            future.result()
    sandbox.courier.drain()
    offers = [t for t in thread(sandbox) if "Alla remissinstanser har svarat eller avstått" in t]
    assert len(offers) == 1


def test_the_morning_after_the_last_deadline_the_summary_is_offered_even_if_some_are_missing(
    sandbox: Sandbox, clock: FakeClock
) -> None:
    clock.set(datetime(2023, 12, 1, 6, 45, tzinfo=UTC))
    assert sandbox.core.service.drafting.offer_due_summaries() == 1
    assert sandbox.core.service.drafting.offer_due_summaries() == 1  # idempotent: the same key, recorded once
    sandbox.courier.drain()
    offers = [t for t in thread(sandbox) if "Sista svarsdatum har passerat för alla" in t]
    assert len(offers) == 1
    # The same morning job refreshes the status message: overnight, both recipients became overdue.
    status = next(m for m in sandbox.fake.messages_in(COORDINATOR) if m.thread_ts is None)
    assert "0 av 2 har svarat, 2 försenade" in status.text


def test_the_coordinator_previews_and_publishes_the_summary_as_three_files(sandbox: Sandbox) -> None:
    answer(sandbox, TN, "tekniska-namnden", "Stadsbyggnadsnämnden")
    shown = summary_preview(sandbox)
    assert "1 av 2 har svarat" in shown.text
    assert "Stadsbyggnadsnämnden 1" in shown.text
    sandbox.driver.block_action(COORDINATOR, ids.SUMMARY_PUBLISH, message=shown)
    # Where WeasyPrint finds Pango (CI installs it) the PDF goes with the other three.
    formats = ("docx", "html", "md", "pdf") if pdf_available() else ("docx", "html", "md")
    files = shared_files(sandbox, len(formats))
    names = sorted(f.filename for f in files)
    assert names == [f"{CASE} Sammanställning av remissvar.{ext}" for ext in formats]
    assert all(f.content and f.channels == [sandbox.fake.dm_channel_of(COORDINATOR)] for f in files)
    markdown = next(f for f in files if f.filename.endswith(".md")).content or b""
    assert "Tove Nilsson" in markdown.decode()  # the author's name, not the Slack user id
    comments = [f.initial_comment for f in files if f.initial_comment]
    assert comments and "<@U0MIA> har laddat upp sammanställningen av STK-2023-137" in comments[0]
    if pdf_available():
        pdf = next(f for f in files if f.filename.endswith(".pdf")).content or b""
        assert pdf.startswith(b"%PDF-")
        assert "PDF för att skriva ut och arkivera" in comments[0]
    elif os.environ.get("CI") == "true":
        pytest.fail("WeasyPrint cannot load Pango here: the PDF is not published")

    # Published: Avsluta remissen is offered to the coordinator who published it (only to them).
    offer = sandbox.fake.wait_for(
        lambda: next((m for m in sandbox.fake.messages_in(COORDINATOR) if m.ephemeral_to == COORDINATOR), None)
    )
    assert "Sammanställningen av *STK-2023-137* är uppladdad. Är omgången klar?" in offer.text
    sandbox.driver.block_action(COORDINATOR, ids.CLOSE_REMISS, message=offer)
    service = sandbox.core.service
    sandbox.fake.wait_for(lambda: service.queries.overview(CASE).remiss.status is RemissStatus.CLOSED or None)
    closed = sandbox.fake.wait_for(lambda: sandbox.fake.responses[-1] if len(sandbox.fake.responses) > 1 else None)
    assert closed.payload["replace_original"] is True
    assert "Remiss *STK-2023-137* är avslutad." in closed.payload["text"]


def test_before_anyone_answered_sammanstallning_says_so_and_publishes_who_was_asked(sandbox: Sandbox) -> None:
    shown = summary_preview(sandbox)
    assert "*Inga svar har kommit in än.* 0 av 2 har svarat" in shown.text
    sandbox.driver.block_action(COORDINATOR, ids.SUMMARY_PUBLISH, message=shown)
    files = shared_files(sandbox, 3)
    markdown = (next(f for f in files if f.filename.endswith(".md")).content or b"").decode()
    assert "Inga svar har kommit in än. Remissen har skickats till 2 remissinstanser: Tekniska nämnden och MKB." in (
        markdown
    )
    assert "| Tekniska nämnden | 30 november 2023 |" in markdown  # who was asked, with their deadline


def test_without_pango_the_summary_is_published_without_pdf_and_the_coordinator_is_told_why(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_pango(monkeypatch)
    answer(sandbox, TN, "tekniska-namnden", "Stadsbyggnadsnämnden")
    status = next(m for m in sandbox.fake.messages_in(COORDINATOR) if m.thread_ts is None)
    sandbox.driver.block_action(COORDINATOR, ids.SUMMARY_PUBLISH, CASE, message=status)
    files = shared_files(sandbox, 3)
    assert sorted(f.filename.rpartition(".")[2] for f in files) == ["docx", "html", "md"]
    comment = next(f.initial_comment for f in files if f.initial_comment)
    assert comment is not None and "PDF" not in comment
    told = sandbox.fake.wait_for(
        lambda: next((m for m in sandbox.fake.messages_in(COORDINATOR) if m.ephemeral_to == COORDINATOR), None)
    )
    assert told.text.startswith("Sammanställningen av STK-2023-137 laddades upp utan PDF.")
    assert "Pango" in told.text and "sudo apt-get install libpango-1.0-0" in told.text
    assert "Word, HTML och Markdown är uppladdade som vanligt." in told.text
    # Then, as always, Avsluta remissen is offered; nothing went wrong for anyone else.
    sandbox.fake.wait_for(
        lambda: next((m for m in sandbox.fake.messages_in(COORDINATOR) if "Är omgången klar?" in m.text), None)
    )
    assert not any(m.ephemeral_to is None and "Pango" in m.text for m in sandbox.fake.messages_in(COORDINATOR))


def test_only_a_coordinator_may_see_or_publish_the_summary(sandbox: Sandbox) -> None:
    # In a shared coordinators' channel anyone there sees the status message and its button.
    status = next(m for m in sandbox.fake.messages_in(COORDINATOR) if m.thread_ts is None)
    sandbox.driver.block_action(TN.id, ids.SUMMARY_PREVIEW, CASE, message=status)
    refusal = sandbox.fake.wait_for(lambda: sandbox.fake.responses[-1] if sandbox.fake.responses else None)
    assert "Det här kan bara en remissamordnare göra" in refusal.payload["text"]
    assert sandbox.fake.files == []


def test_publicera_uploads_the_answers_stored_files_beside_the_summary(sandbox: Sandbox, clock: FakeClock) -> None:
    pdf = pdf_with_pages([["Tekniska nämndens yttrande"]])
    service = sandbox.core.service
    tn = "tekniska-namnden"
    document = document_of("Yttrande TN.pdf", pdf, case_number=CASE, organisation_key=tn, at=clock.now())
    attached = stored_attachment(Attachment("F0TN", "Yttrande TN.pdf"), document)
    content = ResponseContent(ResponseKind.DELEGATION, decided_by="Förvaltningschef", attachments=(attached,))
    service.answering.submit(service.actor(TN.id), CASE, tn, content, [(document, pdf)])
    shown = Message(channel=sandbox.fake.dm_channel_of(COORDINATOR) or "", ts="1700000999.000100", text="")

    sandbox.driver.block_action(COORDINATOR, ids.SUMMARY_PUBLISH, CASE, message=shown)

    published = 4 + pdf_available()  # the summary's formats (and its PDF where Pango is present), the yttrande
    files = shared_files(sandbox, published)
    yttrande = next(f for f in files if f.filename == "tekniska-namnden Yttrande TN.pdf")
    assert yttrande.content == pdf
    markdown = next(f for f in files if f.filename.endswith(".md")).content or b""
    assert "Svar i bifogat yttrande: Tekniska nämnden (se bilagan)." in markdown.decode()
