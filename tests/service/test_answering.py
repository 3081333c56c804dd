"""AnsweringUseCases: what an official does with a remiss sent to their organisation."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.core.domain.answer_document import DocumentSplit, SplitKind
from bot.core.domain.answer_reading import DocumentRead
from bot.core.domain.audit import AuditAction
from bot.core.domain.decision_offers import DecisionOffers, Offer
from bot.core.domain.documents import document_of, stored_attachment
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.outbox import MessageKind
from bot.core.domain.remiss import Attachment, Position, RecipientStatus, ResponseKind
from bot.core.ports.store import Store
from bot.core.usecases import UseCases
from devtools.clocks import FakeClock
from tests.service.support import (
    RecordingUsers,
    delegation,
    fresh,
    outbox,
    sent,
)


def test_only_the_responsible_official_or_a_stand_in_answers_for_an_organisation(
    service: UseCases,
) -> None:
    sent(service)
    with pytest.raises(DomainError) as refused:
        service.answering.submit(service.actor("UMKB1"), "STK-2023-137", "tekniska-namnden", delegation("Svar"))
    assert refused.value.code is ErrorCode.NOT_RECIPIENT_OFFICIAL
    service.answering.submit(service.actor("UTNVICE"), "STK-2023-137", "tekniska-namnden", delegation("Svar"))
    rows = {row.organisation.key: row for row in service.queries.overview("STK-2023-137").rows}
    assert rows["tekniska-namnden"].status is RecipientStatus.SUBMITTED
    assert rows["tekniska-namnden"].response_kind is ResponseKind.DELEGATION


def test_an_organisation_not_on_the_remiss_cannot_answer_it(service: UseCases) -> None:
    sent(service)
    with pytest.raises(DomainError) as refused:
        service.answering.decline(service.actor("UTN1"), "STK-2023-137", "fritidsnamnden")
    assert refused.value.code is ErrorCode.NOT_A_RECIPIENT


def test_the_round_is_counted_and_every_step_is_in_the_audit_trail(service: UseCases, clock: FakeClock) -> None:
    sent(service)
    case = "STK-2023-137"
    service.answering.record_opened(service.actor("UANNA"), case, "miljonamnden")
    service.answering.save_draft(service.actor("UANNA"), case, "miljonamnden", delegation("Utkast"))
    clock.advance(timedelta(days=3))
    service.answering.submit(service.actor("UTN1"), case, "tekniska-namnden", delegation("Svar"))
    service.answering.decline(service.actor("UMKB2"), case, "mkb", "Berörs inte")
    overview = service.queries.overview(case)
    assert (overview.answered, overview.declined) == (1, 1)
    assert overview.counts[RecipientStatus.DRAFTING] == 1
    assert overview.counts[RecipientStatus.NOT_OPENED] == 1
    actions = [(e.action, e.organisation_key) for e in service.queries.audit_trail(case)]
    assert actions == [
        (AuditAction.CREATED, None),
        (AuditAction.SENT, None),
        (AuditAction.UNREACHABLE, "kulturnamnden"),  # no contact in the directory: the coordinator is told
        (AuditAction.OPENED, "miljonamnden"),
        (AuditAction.DRAFTED, "miljonamnden"),
        (AuditAction.SUBMITTED, "tekniska-namnden"),
        (AuditAction.DECLINED, "mkb"),
    ]


def test_a_hand_over_moves_the_work_and_the_previous_official_can_no_longer_act(
    service: UseCases,
) -> None:
    sent(service)
    case = "STK-2023-137"
    service.answering.hand_over(service.actor("UTN1"), case, "tekniska-namnden", "UTN2", "Semester")
    with pytest.raises(DomainError):
        service.answering.submit(service.actor("UTN1"), case, "tekniska-namnden", delegation("Svar"))
    service.answering.submit(service.actor("UTN2"), case, "tekniska-namnden", delegation("Svar"))
    entry = next(e for e in service.queries.audit_trail(case) if e.action is AuditAction.HANDED_OVER)
    assert entry.details_dict["previous"] == "UTN1"


def test_nothing_is_saved_when_a_transition_is_refused(service: UseCases) -> None:
    sent(service)
    case = "STK-2023-137"
    service.answering.submit(service.actor("UTN1"), case, "tekniska-namnden", delegation("Svar"))
    before = service.queries.audit_trail(case)
    with pytest.raises(DomainError):
        service.answering.decline(service.actor("UTN1"), case, "tekniska-namnden", "Ångrat")
    assert service.queries.audit_trail(case) == before
    row = {r.organisation.key: r for r in service.queries.overview(case).rows}["tekniska-namnden"]
    assert [v.kind for v in row.recipient.responses] == [ResponseKind.DELEGATION]


def test_a_hand_over_records_the_remiss_for_the_colleague_and_a_notice_for_the_previous(service: UseCases) -> None:
    sent(service)
    service.answering.hand_over(service.actor("UTN1"), "STK-2023-137", "tekniska-namnden", "UTN2")
    recorded = outbox(service)
    assert ("remiss", "tekniska-namnden", "UTN2") in recorded
    assert ("handed_over", "tekniska-namnden", "UTN1") in recorded
    # Handing it back later is a new delivery, not a duplicate key.
    service.answering.hand_over(service.actor("UTN2"), "STK-2023-137", "tekniska-namnden", "UTN1")
    assert outbox(service).count(("remiss", "tekniska-namnden", "UTN1")) == 2


def test_the_answer_context_is_the_officials_recipient_with_its_status_and_days_left(service: UseCases) -> None:
    sent(service)
    row = service.answering.answer_context(service.actor("UTNVICE"), " STK-2023-137 ", "tekniska-namnden")
    assert (row.remiss.case_number, row.organisation.name, row.status, row.days_left) == (
        "STK-2023-137",
        "Tekniska nämnden",
        RecipientStatus.NOT_OPENED,
        59,
    )
    with pytest.raises(DomainError) as outsider:
        service.answering.answer_context(service.actor("UMKB1"), "STK-2023-137", "tekniska-namnden")
    assert outsider.value.code is ErrorCode.NOT_RECIPIENT_OFFICIAL
    with pytest.raises(DomainError) as unknown:
        service.answering.answer_context(service.actor("UTN1"), "STK-2023-999", "tekniska-namnden")
    assert unknown.value.code is ErrorCode.UNKNOWN_REMISS


def test_answers_written_in_chat_join_the_draft_the_form_edits(service: UseCases) -> None:
    sent(service)
    official = service.actor("UTN1")
    service.answering.save_draft(official, "STK-2023-137", "tekniska-namnden", delegation("Från formuläret"))
    merged = service.answering.merge_draft_answers(official, "STK-2023-137", "tekniska-namnden", {2: "Från chatten"})
    assert merged is not None and merged.draft is not None
    answers = {a.question_number: (a.text, a.position) for a in merged.draft.content.answers}
    assert answers == {
        1: ("Från formuläret", Position.TILLSTYRKER),
        2: ("Från chatten", Position.NOT_STATED),
        4: ("Stadsbyggnadsnämnden", Position.NOT_STATED),
    }


def test_a_withdrawn_answer_is_no_longer_counted_and_its_version_stays(service: UseCases) -> None:
    sent(service)
    official = service.actor("UTN1")
    service.answering.submit(official, "STK-2023-137", "tekniska-namnden", delegation("Svar"))
    recipient = service.answering.withdraw(official, "STK-2023-137", "tekniska-namnden")
    assert (recipient.current_response, len(recipient.responses)) == (None, 1)
    assert service.queries.overview("STK-2023-137").answered == 0
    with pytest.raises(DomainError) as again:
        service.answering.withdraw(official, "STK-2023-137", "tekniska-namnden")
    assert again.value.code is ErrorCode.NOTHING_TO_WITHDRAW


def test_the_remiss_dms_are_those_sent_to_the_current_officials(service: UseCases) -> None:
    sent(service)
    assert service.answering.remiss_dms("STK-2023-137", "mkb") == []
    for message in service.delivery.claim_outgoing(50):
        if message.kind is MessageKind.REMISS:
            service.delivery.outgoing_sent(message, f"D{message.to_user}", "1700000000.000100")
    dms = service.answering.remiss_dms("STK-2023-137", "mkb")
    assert sorted((m.to_user, m.channel_id) for m in dms) == [("UMKB1", "DUMKB1"), ("UMKB2", "DUMKB2")]
    service.answering.hand_over(service.actor("UMKB1"), "STK-2023-137", "mkb", "UMKB3")
    assert service.answering.remiss_dms("STK-2023-137", "mkb") == []  # UMKB3's DM is not sent yet


def test_documents_dropped_in_the_thread_join_the_draft_once_and_keep_what_it_held(service: UseCases) -> None:
    sent(service)
    official = service.actor("UTN1")
    case, org = "STK-2023-137", "tekniska-namnden"
    service.answering.save_draft(official, case, org, delegation("Från formuläret"))
    data = b"%PDF-1.4 yttrande"
    document = document_of("Yttrande.pdf", data, case_number=case, organisation_key=org, at=service.now())
    attachment = stored_attachment(Attachment("F1", "Yttrande.pdf"), document)
    split = DocumentSplit(SplitKind.BY_QUESTION, "Fråga 1 … Fråga 2 …", {1: "Ur dokumentet.", 2: "Också."})
    read = DocumentRead(attachment, split, DecisionOffers(paragraph=Offer("§ 123", "§ 123")))

    added = service.answering.add_documents_to_draft(official, case, org, [read], [(document, data)], event_id="Ev1")
    again = service.answering.add_documents_to_draft(official, case, org, [read], [(document, data)], event_id="Ev1")

    assert added is not None and added.draft is not None and again is None
    content = added.draft.content
    assert [(a.question_number, a.text, a.from_document) for a in content.answers] == [
        (1, "Från formuläret", False),
        (2, "Också.", True),
        (4, "Stadsbyggnadsnämnden", False),
    ]
    assert [(a.sha256, a.text) for a in content.attachments] == [(document.sha256, "Fråga 1 … Fråga 2 …")]
    assert content.paragraph == "§ 123" and content.kind is ResponseKind.DELEGATION
    assert service.answering.document_content(document.sha256) == data


def test_checking_a_submission_refuses_it_as_submitting_would_and_saves_nothing(
    store: Store, clock: FakeClock, users: RecordingUsers
) -> None:
    service = fresh(clock, users, store)
    sent(service)
    official, case, org = service.actor("UTN1"), "STK-2023-137", "tekniska-namnden"
    before = (outbox(service), service.queries.audit_trail(case))
    undecided = replace(delegation("Ja."), decided_by="")  # a delegation decision names who took it

    with pytest.raises(DomainError) as checked:
        service.answering.check_submission(official, case, org, undecided)
    with pytest.raises(DomainError) as submitted:
        service.answering.submit(official, case, org, undecided)
    assert (checked.value.code, checked.value.field) == (submitted.value.code, submitted.value.field)
    assert (checked.value.code, checked.value.field) == (ErrorCode.DECISION_INCOMPLETE, "decided_by")
    with pytest.raises(DomainError) as outsider:
        service.answering.check_submission(service.actor("UMKB1"), case, org, delegation("Ja."))
    assert outsider.value.code is ErrorCode.NOT_RECIPIENT_OFFICIAL

    service.answering.check_submission(official, case, org, delegation("Ja."))  # it would be taken: no refusal
    row = service.answering.answer_context(official, case, org)
    assert (list(row.recipient.responses), row.recipient.draft, row.status) == ([], None, RecipientStatus.NOT_OPENED)
    assert (outbox(service), service.queries.audit_trail(case)) == before
