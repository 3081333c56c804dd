"""A board's decided yttrande attached in the answer form, end to end through the Bolt app and the loopback Slack:
the form comes back offering what the document states (who answers, its own and the remiss's diarienummer, the
deciding body, the meeting date, the §, the position with its "men …"), each with the sentence and the page and
line it stands on, prefilled and editable. A document from another organisation, or citing another remiss's
number, gets a warning; nothing is submitted until the official does."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.core.domain.remiss import DecidingBody, Position
from devtools.clocks import FakeClock
from devtools.pdf import pdf_with_pages
from devtools.sandbox.harness import Sandbox
from handlers import answer_views as form_ids
from tests.e2e.test_answer import filled, input_block, mrkdwn_texts, press_answer, recipient, send_remiss, submit
from tests.e2e.test_answer_documents import shown
from tests.e2e.test_answer_in_thread import drop
from tests.e2e.test_chat import ANNA, official_sandbox
from tests.e2e.test_chat import send_remiss as thread_send_remiss
from tests.importer import documents

DECISION = "Tekniska nämnden beslutade vid sitt sammanträde den 23 november 2023, § 212, att lämna följande yttrande."
POSITION = "Tekniska nämnden ställer sig positiv till förslaget men anser att tidplanen bör förlängas."


def yttrande(board: str, cited: str) -> bytes:
    """A two-page decided yttrande: the head on page 1, the decision and the position on page 2, with decoys (the
    remiss's dates, the addressee, another body's reported no)."""
    return pdf_with_pages(
        [
            [
                "Malmö stad",
                board,
                "Yttrande",
                "Datum 2023-11-24",
                "Vår beteckning TN-2023-4410",
                f"Er beteckning {cited}",
                "Till",
                "Kommunstyrelsen",
                "Yttrande över förslag på organisering för hållbar lokal utveckling",
                "Remissen inkom 2023-10-02 och ska besvaras senast den 30 november 2023.",
            ],
            [DECISION, POSITION, "Miljönämnden avstyrker i sitt yttrande förslaget."],
        ]
    )


def attach(box: Sandbox, data: bytes) -> tuple[str, str]:
    """Open the form, attach `data` as the yttrande with nothing typed, submit: the form's id, and its text once
    the document was read."""
    form = press_answer(box, send_remiss(box))
    file = box.fake.add_file("Yttrande TN.pdf", data)
    assert submit(box, filled(form, files=[file.to_slack()]))["response_action"] == "update"
    return form.id, shown(box, form.id, "Remissbot har läst")


def test_the_form_offers_what_the_yttrande_states_each_with_where_prefilled_and_editable(sandbox: Sandbox) -> None:
    form_id, text = attach(sandbox, yttrande("Tekniska nämnden", "STK-2023-137"))

    assert "Uppgifter om svaret och beslutet i dokumentet, för dig att kontrollera:" in text
    for said in (
        "Remissinstans: *Tekniska nämnden* – ur «Tekniska nämnden» (sidan 1, rad 2)",
        "Ert diarienummer: *TN-2023-4410* – ur «Vår beteckning TN-2023-4410» (sidan 1, rad 5)",
        "Remissens diarienummer: *STK-2023-137* – ur «Er beteckning STK-2023-137» (sidan 1, rad 6)",
        "Dokumentets datum: *",
        "Sammanträdesdatum: *torsdag 23 november*, Paragraf: *§ 212*, "
        f"Beslutande organ: *Nämnden (Tekniska nämnden)* – ur «{DECISION}» (sidan 2, rad 1)",
        "Ställningstagande: *Föreslår ändringar (men anser att tidplanen bör förlängas)* – ur "
        f"«{POSITION}» (sidan 2, rad 2)",
    ):
        assert said in text, said
    # The right document for the right remiss: no warning; the remiss's dates and the other body's no are not taken.
    form = sandbox.fake.view(form_id)
    assert form is not None
    [notice] = [t for t in mrkdwn_texts(form.payload) if "Remissbot har läst" in t]
    assert ":warning:" not in notice and "Avstyrker" not in notice and "2 oktober" not in notice
    assert "Miljönämnden" not in notice and "Kommunstyrelsen" not in notice

    # The form holds the offers, for the official to change before submitting.
    assert input_block(form, form_ids.MEETING_DATE_BLOCK)["element"]["initial_date"] == "2023-11-23"
    assert input_block(form, form_ids.PARAGRAPH_BLOCK)["element"]["initial_value"] == "§ 212"
    assert input_block(form, form_ids.THEIR_CASE_NUMBER_BLOCK)["element"]["initial_value"] == "TN-2023-4410"
    assert input_block(form, form_ids.DECIDED_BY_BLOCK)["element"]["initial_value"] == "Tekniska nämnden"
    body = input_block(form, form_ids.DECIDING_BODY_BLOCK)["element"]["initial_option"]["value"]
    overall = input_block(form, form_ids.OVERALL_POSITION_BLOCK)["element"]["initial_option"]["value"]
    assert (body, overall) == (DecidingBody.NAMND.value, Position.FORESLAR_ANDRINGAR.value)
    assert recipient(sandbox).responses == []  # nothing is submitted until the official does

    # The official corrects the § and submits: what they entered is what is stored.
    assert submit(sandbox, filled(form, paragraph="§ 213")) is None
    [version] = recipient(sandbox).responses
    assert (version.content.paragraph, version.content.their_case_number) == ("§ 213", "TN-2023-4410")
    assert version.content.overall_position is Position.FORESLAR_ANDRINGAR


def test_a_yttrande_from_another_board_citing_another_remiss_is_warned_about(sandbox: Sandbox) -> None:
    _, text = attach(sandbox, yttrande("Miljönämnden", "STK-2023-173"))

    assert (
        ":warning: Dokumentet verkar komma från *Miljönämnden*, men ni svarar för *Tekniska nämnden*. "
        "Kontrollera att det är rätt dokument." in text
    )
    assert (
        ":warning: Dokumentet hänvisar till diarienummer *STK-2023-173*, men remissen ni svarar på har "
        "diarienummer *STK-2023-137*." in text
    )
    assert recipient(sandbox).responses == []


def word_yttrande() -> bytes:
    """A decided yttrande from Word, one heading per question: a yes on the whole, a no on question 2."""
    return documents.word_yttrande(
        "Malmö stad, Tekniska nämnden    Dnr TN-2023-4410",
        "Yttrande över remissen om områdeslyft",
        [
            "Tekniska nämnden beslutade den 23 november 2023, § 212, att anta yttrandet.",
            "Nämnden tillstyrker förslaget i stort.",
        ],
        [
            ["Trygghetsvandringarna och belysningsprogrammet passar in."],
            ["Nämnden avstyrker att samordningen läggs på fastighets- och gatukontoret."],
        ],
    )


def test_a_word_yttrande_offers_a_position_per_question_where_its_section_states_one(sandbox: Sandbox) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    file = sandbox.fake.add_file("Yttrande TN.docx", word_yttrande())
    assert submit(sandbox, filled(form, files=[file.to_slack()]))["response_action"] == "update"
    text = shown(sandbox, form.id, "Remissbot har läst")

    # A Word file has no pages: where is the paragraph, counted from the page header.
    assert "Ställningstagande: *Tillstyrker* – ur «Nämnden tillstyrker förslaget i stort.» (stycke 4)" in text
    assert (
        "Ställningstagande: *fråga 2: Avstyrker* – ur «Nämnden avstyrker att samordningen läggs på fastighets- och"
        " gatukontoret.» (stycke 8)" in text
    )
    again = sandbox.fake.view(form.id)
    assert again is not None
    chosen = [input_block(again, form_ids.position_block(n))["element"]["initial_option"]["value"] for n in (1, 2)]
    assert chosen == [Position.TILLSTYRKER.value, Position.AVSTYRKER.value]  # the whole's yes, question 2's own no


def test_a_yttrande_dropped_in_the_remiss_thread_is_warned_about_the_same_way(
    database_url: str, database_engine: Engine, clock: FakeClock
) -> None:
    with official_sandbox(database_url, database_engine, clock) as box:
        reply = drop(box, ANNA, thread_send_remiss(box), "Yttrande MN.pdf", yttrande("Miljönämnden", "STK-2023-173"))

    assert ":warning: Dokumentet verkar komma från *Miljönämnden*, men ni svarar för *Tekniska nämnden*." in reply.text
    assert "Dokumentet hänvisar till diarienummer *STK-2023-173*" in reply.text
    assert "Ställningstagande: *Föreslår ändringar (men anser att tidplanen bör förlängas)*" in reply.text
