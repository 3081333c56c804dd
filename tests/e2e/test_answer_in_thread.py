"""A yttrande dropped in the remiss's DM thread, end to end: the real app against the loopback Slack fetches and
stores the file with the draft, reads it, says in the thread what it found, and *Använd som svar* opens the
answer form prefilled from the draft."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from bot.adapters.importer.ocr import OcrLimits, missing_packages
from bot.core.domain.remiss import Answer, Position, ResponseContent, ResponseKind
from devtools.pdf import pdf_with_pages
from devtools.sandbox import Message, View
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import bot_replies
from handlers import ids
from tests.e2e.test_answer import filled, mrkdwn_texts, prefilled_answer, press_answer
from tests.e2e.test_chat import (
    ANNA,
    BERTIL,
    CASE,
    CECILIA,
    ORG,
    draft_answers,
    send_remiss,
    withdraw_remiss,
    write,
)
from tests.e2e.test_create import file_share

DECISION = "Tekniska nämnden beslutade vid sammanträde 2023-11-23 § 123 att anta yttrandet."
STRUCTURED = pdf_with_pages(
    [
        [
            "Tekniska nämnden",
            "Yttrande över remissen STK-2023-137 Områdeslyft",
            DECISION,
            "Fråga 1",
            "Trygghetsarbetet och renhållningen passar in i områdeslyftet.",
            "Fråga 2",
            "Arbetet bör organiseras i en styrgrupp med förvaltningscheferna.",
            "Fråga 4",
            "Stadsfastighetsnämnden bör få samordningsansvaret.",
        ]
    ]
)
UNSTRUCTURED = pdf_with_pages(
    [["Tekniska nämnden", "Nämnden tillstyrker förslaget om ett områdeslyft.", "Det gör staden tryggare."]]
)
SCANNED = pdf_with_pages([None, None])
# Reading a scan runs pdftoppm and tesseract for each page, and tesseract again to check a page without words for
# its orientation: about 3 s for SCANNED's two blank pages on an idle machine, over 5 s while the whole suite runs
# on two cores. The reply is waited for as long as the bot gives one page (it answers as soon as it has read).
OCR_WAIT = OcrLimits().seconds_per_page
SCANNING = "med textigenkänning. Det tar en stund"

# Documents are read after the ack, a scan's pages by OCR (seconds a page, more on a busy machine); a wait
# ends as soon as the reply is there, so a long limit costs nothing when the reply comes.
READ_WAIT = 60.0


def drop(
    box: Sandbox,
    user: str,
    dm: Message,
    name: str,
    content: bytes,
    *,
    event_id: str | None = None,
    wait: float = READ_WAIT,
) -> Message:
    """`user` shares the file in the remiss DM's thread (`dm`); returns the bot's reply there, waiting up to `wait`
    seconds for it."""
    before = len(bot_replies(box.fake, user, dm.ts))
    box.driver.event(shared_files(box, user, dm.channel, [(name, content)], thread_ts=dm.ts), event_id=event_id)

    def reply() -> list[Message]:
        # A scan's "remissbot läser … med textigenkänning" notice comes first; the reply takes its place.
        return [m for m in bot_replies(box.fake, user, dm.ts)[before:] if SCANNING not in m.text][:1]

    return box.fake.wait_for(reply, timeout=wait)[0]


def shared_files(
    box: Sandbox, user: str, channel: str, files: list[tuple[str, bytes]], *, thread_ts: str | None = None
) -> dict[str, Any]:
    """The message event Slack sends when a user shares files in their DM (in a thread, when `thread_ts`)."""
    slack_files = [box.fake.add_file(name, content).to_slack() for name, content in files]
    event = file_share(box, user, slack_files[0], thread_ts)
    assert event["channel"] == channel
    return {**event, "files": slack_files}


def draft(box: Sandbox, org: str = ORG) -> ResponseContent:
    row = next(r for r in box.core.service.queries.overview(CASE).rows if r.organisation.key == org)
    assert row.recipient.draft is not None
    return row.recipient.draft.content


def use_as_answer(box: Sandbox, reply: Message) -> View:
    """Press *Använd som svar* under the reply; the modal once it holds the form."""
    return press_answer(box, reply, ANNA, ids.USE_DOCUMENT_AS_ANSWER)


def blocks_text(message: Message) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


def test_a_yttrande_split_by_question_is_stored_read_and_used_as_the_answer(box: Sandbox) -> None:
    dm = send_remiss(box)
    write(box, ANNA, dm, "Fråga 2: Vi har redan skrivit om organisationen.")

    reply = drop(box, ANNA, dm, "Yttrande TN.pdf", STRUCTURED)

    said = (
        ":page_facing_up: Dokumentet är sparat i utkastet för *Tekniska nämnden*. Inget är inskickat än.",
        "*Yttrande TN.pdf*",
        "Fråga 1 och 4 fick text ur dokumentet.",
        "Fråga 2 hade redan ett svar i utkastet, som behölls.",
        "Dokumentet har inget avsnitt för fråga 3.",
        "Uppgifter om svaret och beslutet i dokumentet, för dig att kontrollera:",
        # Each with the sentence it was read from and where it stands, in reading order.
        "• Remissinstans: *Tekniska nämnden* – ur «Tekniska nämnden» (sidan 1, rad 1)",
        "• Remissens diarienummer: *STK-2023-137* – ur «Yttrande över remissen STK-2023-137 Områdeslyft»"
        " (sidan 1, rad 2)",
        "• Sammanträdesdatum: *torsdag 23 november*, Paragraf: *§ 123*, Beslutande organ: *Nämnden (Tekniska nämnden)*"
        f" – ur «{DECISION}» (sidan 1, rad 3)",
    )
    assert reply.text.splitlines()[: len(said)] == list(said)
    assert "Använd som svar" in blocks_text(reply)

    # The draft holds the split and the stored file; what was written in chat is kept.
    content = draft(box)
    digest = hashlib.sha256(STRUCTURED).hexdigest()
    [stored] = content.attachments
    assert (stored.name, stored.sha256, stored.size) == ("Yttrande TN.pdf", digest, len(STRUCTURED))
    assert "Fråga 1" in stored.text
    assert box.core.service.answering.document_content(digest) == STRUCTURED
    assert content.answer_to(1) == Answer(
        1, "Trygghetsarbetet och renhållningen passar in i områdeslyftet.", from_document=True
    )
    assert content.answer_to(2) == Answer(2, "Vi har redan skrivit om organisationen.")
    assert content.answer_to(3) is None
    assert (content.paragraph, str(content.meeting_date)) == ("§ 123", "2023-11-23")

    form = use_as_answer(box, reply)
    shown = " ".join(mrkdwn_texts(form.payload))
    assert "Texten kommer från «Yttrande TN.pdf». Kontrollera den" in shown
    assert prefilled_answer(form, 4) == "Stadsfastighetsnämnden bör få samordningsansvaret."
    assert prefilled_answer(form, 2) == "Vi har redan skrivit om organisationen."

    values = filled(form, answers={3: "Resurser ur befintlig budget."})
    response = box.driver.view_submission(ANNA, values)
    assert response.status == 200 and response.json() is None
    row = next(r for r in box.core.service.queries.overview(CASE).rows if r.organisation.key == ORG)
    [version] = row.recipient.responses
    answers = version.content.answers
    assert [a.from_document for a in answers] == [True, False, False, True]
    assert [a.sha256 for a in version.content.attachments] == [digest]
    assert version.content.paragraph == "§ 123"
    assert box.fake.warnings == []


def test_a_yttrande_not_split_by_question_answers_as_one_and_offers_its_position(box: Sandbox) -> None:
    dm = send_remiss(box)
    reply = drop(box, ANNA, dm, "Yttrande.pdf", UNSTRUCTURED)
    assert "Dokumentet är inte uppdelat per fråga. Hela texten gäller som svar på remissen" in reply.text
    assert (
        "• Ställningstagande: *Tillstyrker*, Beslutande organ: *Nämnden*"
        " – ur «Nämnden tillstyrker förslaget om ett områdeslyft.» (sidan 1, rad 2)" in reply.text
    )
    content = draft(box)
    assert content.answers == ()
    assert "Det gör staden tryggare." in content.attachments[0].text
    form = use_as_answer(box, reply)
    assert "Texten kommer från «Yttrande.pdf»" in " ".join(mrkdwn_texts(form.payload))


def test_a_blank_scanned_yttrande_is_kept_as_the_answer_saying_its_text_could_not_be_read(box: Sandbox) -> None:
    # Blank pages: OCR finds no words on them; where OCR is not installed, they are pages without text.
    reason, why = (
        ("no_text", "dokumentet verkar vara inskannat (sidorna är bilder utan text)")
        if missing_packages()
        else ("no_words", "dokumentet är inskannat, men textigenkänningen hittade inga ord på sidorna")
    )
    dm = send_remiss(box)
    reply = drop(box, ANNA, dm, "Skannat yttrande.pdf", SCANNED, wait=OCR_WAIT)
    assert f"Texten kunde inte läsas automatiskt: {why}. Ni kan ändå skicka in dokumentet som ert svar." in reply.text
    assert "Använd som svar" in blocks_text(reply)
    [stored] = draft(box).attachments
    assert stored.unreadable == reason and stored.sha256 == hashlib.sha256(SCANNED).hexdigest()


def test_a_word_97_file_is_refused_saying_what_is_accepted_and_nothing_is_lost(box: Sandbox) -> None:
    dm = send_remiss(box)
    write(box, ANNA, dm, "Fråga 1: Sparat innan.")
    reply = drop(box, ANNA, dm, "Yttrande.doc", b"\xd0\xcf\x11\xe0 old Word")
    assert "svaret tar bara emot PDF och Word (.docx)" in reply.text
    assert "Inget sparades i utkastet; det du sparat tidigare finns kvar." in reply.text
    assert draft_answers(box) == {1: "Sparat innan."}
    assert draft(box).attachments == ()
    assert box.fake.calls_to("files.info") == []


def test_of_two_files_the_pdf_is_stored_and_the_other_refused(box: Sandbox) -> None:
    dm = send_remiss(box)
    event = shared_files(
        box, ANNA, dm.channel, [("bild.png", b"\x89PNG"), ("Yttrande.pdf", UNSTRUCTURED)], thread_ts=dm.ts
    )
    box.driver.event(event)
    reply = box.fake.wait_for(lambda: bot_replies(box.fake, ANNA, dm.ts)[:1])[0]
    assert "Filen «bild.png» kan inte bifogas" in reply.text and "*Yttrande.pdf*" in reply.text
    assert [a.name for a in draft(box).attachments] == ["Yttrande.pdf"]


def test_someone_no_longer_answering_for_the_organisation_is_refused_and_nothing_is_stored(box: Sandbox) -> None:
    dm = send_remiss(box)
    service = box.core.service
    service.answering.hand_over(service.actor(ANNA), CASE, ORG, CECILIA)
    reply = drop(box, ANNA, dm, "Yttrande.pdf", STRUCTURED)
    assert "Inget sparades i utkastet" in reply.text
    # The rule and the words of a chat answer written there now.
    refusal = "Du är inte ansvarig handläggare eller ersättare för Tekniska nämnden och kan inte svara för den."
    assert reply.text.splitlines()[0] == refusal
    assert write(box, ANNA, dm, "Fråga 1: Ja.").text == refusal
    with box.core.store.read() as repo:
        assert repo.documents.list_for(CASE) == []


def test_a_withdrawn_remiss_or_a_declined_one_takes_no_documents(box: Sandbox) -> None:
    dm = send_remiss(box)
    service = box.core.service
    service.answering.decline(service.actor(ANNA), CASE, ORG, "Berör inte nämnden.")
    reply = drop(box, ANNA, dm, "Yttrande.pdf", STRUCTURED)
    assert reply.text.startswith("Ni har avstått från att svara på STK-2023-137. Ångra avståendet först")
    assert "Inget sparades i utkastet" in reply.text
    withdraw_remiss(box)
    reply = drop(box, ANNA, dm, "Yttrande.pdf", STRUCTURED)
    assert reply.text.startswith("Remiss STK-2023-137 är återkallad och tar inte emot svar.")
    with box.core.store.read() as repo:
        assert repo.documents.list_for(CASE) == []


def test_a_file_outside_a_remiss_thread_gets_a_hint_and_a_retried_event_is_stored_once(box: Sandbox) -> None:
    dm = send_remiss(box)
    channel = box.fake.open_dm(BERTIL)
    box.driver.event(shared_files(box, BERTIL, channel, [("Yttrande.pdf", STRUCTURED)]))
    hint = box.fake.wait_for(lambda: [m for m in box.fake.messages_in(BERTIL) if m.user is None and m.thread_ts])[0]
    assert "Filen sparades inte. Lägg yttrandet i tråden under remissmeddelandet" in hint.text

    event = shared_files(box, ANNA, dm.channel, [("Yttrande.pdf", UNSTRUCTURED)], thread_ts=dm.ts)
    assert box.driver.event(event, event_id="Ev0FILE1").status == 200
    box.fake.wait_for(lambda: bot_replies(box.fake, ANNA, dm.ts))
    assert box.driver.event(event, event_id="Ev0FILE1", retry_num=1, retry_reason="http_timeout").status == 200
    write(box, ANNA, dm, "Fråga 1: Efteråt.")  # handled after the retry would have been
    assert len(bot_replies(box.fake, ANNA, dm.ts)) == 2
    assert len(draft(box).attachments) == 1
    assert draft(box).answer_to(1) == Answer(1, "Efteråt.", Position.NOT_STATED)
    assert draft(box).kind is ResponseKind.YTTRANDE


def test_a_file_not_on_slacks_host_or_over_the_limit_is_refused_and_the_token_stays_home(box: Sandbox) -> None:
    dm = send_remiss(box)
    elsewhere = box.fake.add_file("Yttrande.pdf", UNSTRUCTURED)
    elsewhere.url_private = "https://filer.example.invalid/Yttrande.pdf"
    too_large = box.fake.add_file("Stort yttrande.pdf", b"%PDF-" + b"0" * (25 * 1024 * 1024))
    event = file_share(box, ANNA, elsewhere.to_slack(), dm.ts)
    box.driver.event({**event, "files": [elsewhere.to_slack(), too_large.to_slack()]})
    reply = box.fake.wait_for(lambda: bot_replies(box.fake, ANNA, dm.ts)[:1])[0]
    assert "Filen «Yttrande.pdf» ligger inte hos Slack och hämtades inte." in reply.text
    assert "Filen «Stort yttrande.pdf» är större än 25\u00a0MB och kan inte bifogas." in reply.text
    assert "Inget sparades i utkastet; det du sparat tidigare finns kvar." in reply.text
    with box.core.store.read() as repo:
        assert repo.documents.list_for(CASE) == []


def test_question_headings_the_remiss_lacks_are_named_and_the_whole_document_answers(box: Sandbox) -> None:
    dm = send_remiss(box)
    other = pdf_with_pages([["Yttrande", "Fråga 7", "Om en annan remiss.", "Fråga 8", "Också om den."]])
    reply = drop(box, ANNA, dm, "Fel yttrande.pdf", other)
    assert (
        "Rubrikerna i dokumentet («Fråga 7», «Fråga 8») stämmer inte med någon av remissens frågor, så texten"
        " delades inte upp per fråga. Hela dokumentet blir därför ert svar: Svar i bifogat yttrande. Kontrollera att"
        " det är rätt dokument." in reply.text
    )
    assert draft(box).answers == () and "Om en annan remiss." in draft(box).attachments[0].text
