"""Rows ↔ the domain's dataclasses: every mapping between the tables and the core, written once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from bot.core.domain.audit import AuditAction, AuditEntry
from bot.core.domain.extension import ExtensionRequest, RequestState
from bot.core.domain.organisation import Organisation, OrgKind
from bot.core.domain.outbox import DeliveryState, MessageKind, OutboxMessage, StatusBoard
from bot.core.domain.recipient import Recipient
from bot.core.domain.reminders import MeetingAdvice, PlannedReminder, ReminderKind, ReminderState, ScheduledReminder
from bot.core.domain.remiss import (
    Answer,
    Attachment,
    DecidingBody,
    DocumentLink,
    Draft,
    Extension,
    Position,
    Question,
    Remiss,
    RemissStatus,
    Response,
    ResponseContent,
    ResponseKind,
)
from storage.tables import (
    AuditEntryRow,
    ExtensionRequestRow,
    ExtensionRow,
    OrganisationRow,
    OutboxMessageRow,
    RecipientRow,
    ReminderRow,
    RemissRow,
    ResponseVersionRow,
    StatusBoardRow,
)

# Ids per IN (…) list: well under SQLite's and PostgreSQL's bound-parameter limits.
_CHUNK = 1000


def chunks(ids: list[int]) -> Iterable[list[int]]:
    return (ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK))


def row_id(value: int | None) -> int:
    """A row id after flush; None here is a bug in this module, not bad input."""
    if value is None:
        raise AssertionError("row has no id; was it flushed?")
    return value


def message_fields(message: OutboxMessage) -> dict[str, Any]:
    """The message's columns except id (the database's) and key (the identity)."""
    return {
        "kind": message.kind.value,
        "case_number": message.case_number,
        "created_at": message.created_at,
        "to_user": message.to_user,
        "organisation_key": message.organisation_key,
        "audit_id": message.audit_id,
        "state": message.state.value,
        "attempts": message.attempts,
        "next_attempt_at": message.next_attempt_at,
        "claimed_until": message.claimed_until,
        "channel_id": message.channel_id,
        "ts": message.ts,
        "sent_at": message.sent_at,
        "error": message.error,
        "uncertain": message.uncertain,
    }


def reminder_fields(reminder: PlannedReminder) -> dict[str, Any]:
    """A planned reminder's columns except key and state."""
    advice = reminder.meeting
    return {
        "case_number": reminder.case_number,
        "organisation_key": reminder.organisation_key,
        "kind": reminder.kind.value,
        "audience": reminder.to,
        "due_at": reminder.due_at,
        "local_date": reminder.local_date,
        "deadline": reminder.deadline,
        "working_days_left": reminder.working_days_left,
        "because": reminder.because,
        "meeting": None
        if advice is None
        else {
            "meeting": advice.meeting.isoformat() if advice.meeting else None,
            "submission_date": advice.submission_date.isoformat() if advice.submission_date else None,
            "no_meeting_fits": advice.no_meeting_fits,
        },
    }


def scheduled_from(row: ReminderRow) -> ScheduledReminder:
    advice = None
    if row.meeting is not None:
        advice = MeetingAdvice(
            meeting=_optional_date(row.meeting.get("meeting")),
            submission_date=_optional_date(row.meeting.get("submission_date")),
            no_meeting_fits=bool(row.meeting.get("no_meeting_fits")),
        )
    reminder = PlannedReminder(
        case_number=row.case_number,
        organisation_key=row.organisation_key,
        kind=ReminderKind(row.kind),
        due_at=row.due_at,
        local_date=row.local_date,
        deadline=row.deadline,
        working_days_left=row.working_days_left,
        to="coordinator" if row.audience == "coordinator" else "recipient",
        meeting=advice,
        because=row.because,
    )
    return ScheduledReminder(
        reminder=reminder, state=ReminderState(row.state), reason=row.reason, decided_at=row.decided_at, id=row.id
    )


def request_fields(request: ExtensionRequest) -> dict[str, Any]:
    return {
        "case_number": request.case_number,
        "organisation_key": request.organisation_key,
        "requested_by": request.requested_by,
        "requested_at": request.requested_at,
        "requested_deadline": request.requested_deadline,
        "reason": request.reason,
        "state": request.state.value,
        "decided_by": request.decided_by,
        "decided_at": request.decided_at,
        "granted_deadline": request.granted_deadline,
    }


def request_from(row: ExtensionRequestRow) -> ExtensionRequest:
    return ExtensionRequest(
        case_number=row.case_number,
        organisation_key=row.organisation_key,
        requested_by=row.requested_by,
        requested_at=row.requested_at,
        requested_deadline=row.requested_deadline,
        reason=row.reason,
        state=RequestState(row.state),
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        granted_deadline=row.granted_deadline,
        id=row.id,
    )


def message_from(row: OutboxMessageRow | Any) -> OutboxMessage:
    """A message from its row (or a result row with the same columns)."""
    return OutboxMessage(
        key=row.key,
        kind=MessageKind(row.kind),
        case_number=row.case_number,
        created_at=row.created_at,
        to_user=row.to_user,
        organisation_key=row.organisation_key,
        audit_id=row.audit_id,
        state=DeliveryState(row.state),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        claimed_until=row.claimed_until,
        channel_id=row.channel_id,
        ts=row.ts,
        sent_at=row.sent_at,
        error=row.error,
        uncertain=row.uncertain,
        id=row.id,
    )


def board_from(row: StatusBoardRow | Any) -> StatusBoard:
    """A status board from its row (or a result row with the same columns)."""
    return StatusBoard(
        case_number=row.case_number,
        channel=row.channel,
        version=row.version,
        rendered_version=row.rendered_version,
        ts=row.ts,
        claimed_until=row.claimed_until,
        rendered_at=row.rendered_at,
    )


def remiss_fields(remiss: Remiss) -> dict[str, Any]:
    """The remiss's own columns except the case number, which identifies it and never changes."""
    return {
        "title": remiss.title,
        "description": remiss.description,
        "sender_key": remiss.sender_key,
        "coordinators": list(remiss.coordinators),
        "contact": remiss.contact,
        "deadline": remiss.deadline,
        "status": remiss.status.value,
        "created_by": remiss.created_by,
        "created_at": remiss.created_at,
        "sent_at": remiss.sent_at,
        "closed_at": remiss.closed_at,
        "closed_by": remiss.closed_by,
        "withdrawn_reason": remiss.withdrawn_reason,
        "short_title": remiss.chosen_short_title,
    }


def recipient_fields(recipient: Recipient) -> dict[str, Any]:
    """The recipient row's mutable columns (everything but its remiss and organisation)."""
    draft = recipient.draft
    return {
        "opened_at": recipient.opened_at,
        "draft_content": content_to_json(draft.content) if draft is not None else None,
        "draft_updated_by": draft.updated_by if draft is not None else None,
        "draft_updated_at": draft.updated_at if draft is not None else None,
        "withdrawn_version": recipient.withdrawn_version,
        "last_activity_at": recipient.last_activity_at,
    }


def draft_from(row: RecipientRow | Any) -> Draft | None:
    """The recipient's draft from its row (or a result row with the recipient's draft columns)."""
    if row.draft_content is None or row.draft_updated_by is None or row.draft_updated_at is None:
        return None
    return Draft(content_from_json(row.draft_content), row.draft_updated_by, row.draft_updated_at)


def answer_json(answer: Answer) -> dict[str, Any]:
    taken = {"from_document": True} if answer.from_document else {}
    return {"question_number": answer.question_number, "text": answer.text, "position": answer.position.value, **taken}


def attachment_json(attachment: Attachment) -> dict[str, Any]:
    stored = {"sha256": attachment.sha256, "size": attachment.size, "mime_type": attachment.mime_type}
    return {
        "file_id": attachment.file_id,
        "name": attachment.name,
        "url": attachment.url,
        **(stored if attachment.is_stored else {}),
        **({"text": attachment.text} if attachment.text else {}),
        **({"unreadable": attachment.unreadable} if attachment.unreadable else {}),
    }


def answer_from(data: dict[str, Any]) -> Answer:
    return Answer(
        int(data["question_number"]),
        str(data["text"]),
        Position(data["position"]),
        from_document=bool(data.get("from_document", False)),
    )


def attachment_from(data: dict[str, Any]) -> Attachment:
    # Versions stored before the bot kept copies of the files have no sha256, size or MIME type.
    return Attachment(
        str(data["file_id"]),
        str(data["name"]),
        str(data.get("url", "")),
        sha256=str(data.get("sha256", "")),
        size=int(data.get("size", 0)),
        mime_type=str(data.get("mime_type", "")),
        text=str(data.get("text", "")),
        unreadable=str(data.get("unreadable", "")),
    )


def _optional_date(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _optional_body(value: object) -> DecidingBody | None:
    return DecidingBody(str(value)) if value else None


def content_to_json(content: ResponseContent) -> dict[str, Any]:
    """A response's content as JSON (drafts are stored this way)."""
    return {
        "kind": content.kind.value,
        "answers": [answer_json(a) for a in content.answers],
        "meeting_date": content.meeting_date.isoformat() if content.meeting_date else None,
        "paragraph": content.paragraph,
        "decided_by": content.decided_by,
        "deciding_body": content.deciding_body.value if content.deciding_body else None,
        "their_case_number": content.their_case_number,
        "planned_board_date": content.planned_board_date.isoformat() if content.planned_board_date else None,
        "decline_reason": content.decline_reason,
        "attachments": [attachment_json(a) for a in content.attachments],
        "overall_position": content.overall_position.value,
    }


def content_from_json(data: dict[str, Any]) -> ResponseContent:
    """The inverse of content_to_json."""
    return ResponseContent(
        kind=ResponseKind(data["kind"]),
        answers=tuple(answer_from(a) for a in data.get("answers", ())),
        meeting_date=_optional_date(data.get("meeting_date")),
        paragraph=str(data.get("paragraph", "")),
        decided_by=str(data.get("decided_by", "")),
        deciding_body=_optional_body(data.get("deciding_body")),
        their_case_number=str(data.get("their_case_number", "")),
        planned_board_date=_optional_date(data.get("planned_board_date")),
        decline_reason=str(data.get("decline_reason", "")),
        attachments=tuple(attachment_from(a) for a in data.get("attachments", ())),
        # Drafts saved before answers had an overall position have none.
        overall_position=Position(data.get("overall_position") or Position.NOT_STATED.value),
    )


def response_from(row: ResponseVersionRow | Any) -> Response:
    """A response version from its row (or a result row with the same columns)."""
    content = ResponseContent(
        kind=ResponseKind(row.kind),
        answers=tuple(answer_from(a) for a in row.answers),
        meeting_date=row.meeting_date,
        paragraph=row.paragraph,
        decided_by=row.decided_by,
        planned_board_date=row.planned_board_date,
        decline_reason=row.decline_reason,
        attachments=tuple(attachment_from(a) for a in row.attachments),
        their_case_number=row.their_case_number,
        deciding_body=_optional_body(row.deciding_body),
        overall_position=Position(row.overall_position),
    )
    return Response(
        version=row.version,
        content=content,
        author=row.author,
        submitted_at=row.submitted_at,
        after_close=bool(row.after_close),
        change_reason=row.change_reason or "",
    )


def audit_entry_from(row: AuditEntryRow, case_number: str) -> AuditEntry:
    return AuditEntry(
        case_number=case_number,
        action=AuditAction(row.action),
        actor=row.actor,
        at=row.at,
        organisation_key=row.organisation_key,
        details=tuple(row.details.items()),
        id=row.id,
    )


def extension_from(row: ExtensionRow | Any) -> Extension:
    """An extension from its row (or a result row with the same columns)."""
    return Extension(row.previous_deadline, row.new_deadline, row.granted_by, row.granted_at, row.reason)


def remiss_from(
    row: RemissRow | Any, questions: Sequence[Question], documents: Sequence[DocumentLink], remiss_id: int
) -> Remiss:
    """A remiss from its row (or a result row with the remiss's columns), its questions and documents."""
    return Remiss(
        case_number=row.case_number,
        title=row.title,
        description=row.description,
        sender_key=row.sender_key,
        coordinators=tuple(row.coordinators),
        contact=row.contact,
        questions=tuple(questions),
        deadline=row.deadline,
        created_by=row.created_by,
        created_at=row.created_at,
        documents=tuple(documents),
        status=RemissStatus(row.status),
        sent_at=row.sent_at,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
        withdrawn_reason=row.withdrawn_reason,
        chosen_short_title=row.short_title,
        id=remiss_id,
    )


def recipient_from(
    row: RecipientRow | Any,
    *,
    case_number: str,
    organisation_key: str,
    remiss_deadline: date,
    officials: Sequence[str],
    responses: list[Response],
    extensions: list[Extension],
    recipient_id: int,
) -> Recipient:
    """A recipient from its row (or a result row with the recipient's columns) and its children."""
    return Recipient(
        case_number=case_number,
        organisation_key=organisation_key,
        officials=tuple(officials),
        remiss_deadline=remiss_deadline,
        opened_at=row.opened_at,
        draft=draft_from(row),
        responses=responses,
        withdrawn_version=row.withdrawn_version,
        extensions=extensions,
        last_activity_at=row.last_activity_at,
        id=recipient_id,
    )


def organisation_fields(org: Organisation, position: int) -> dict[str, Any]:
    return {
        "name": org.name,
        "short_name": org.short_name,
        "kind": org.kind.value,
        "contacts": list(org.contacts),
        "stand_ins": list(org.stand_ins),
        "aliases": list(org.aliases),
        "active": org.active,
        "position": position,
        "meetings": [meeting.isoformat() for meeting in org.meetings],
        "submission_lead_days": org.submission_lead_days,
        "registry_refs": list(org.registry),
    }


def organisation_from(row: OrganisationRow) -> Organisation:
    return Organisation(
        key=row.key,
        name=row.name,
        short_name=row.short_name,
        kind=OrgKind(row.kind),
        contacts=tuple(row.contacts),
        stand_ins=tuple(row.stand_ins),
        aliases=tuple(row.aliases),
        active=row.active,
        meetings=tuple(date.fromisoformat(meeting) for meeting in row.meetings),
        submission_lead_days=row.submission_lead_days,
        registry=tuple(row.registry_refs),
    )


def snapshot(recipient: Recipient) -> Recipient:
    """A copy the caller's later changes can't reach: versions, drafts and extensions are immutable values,
    so copying the lists that hold them is enough (a deep copy of every answer text cost more than the SQL)."""
    return replace(recipient, responses=list(recipient.responses), extensions=list(recipient.extensions))
