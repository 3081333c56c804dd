"""Rows ↔ the domain's dataclasses: every mapping between the tables and the core, written once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields, replace
from datetime import date, datetime
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from sqlmodel import SQLModel

from bot.core.domain.audit import AuditAction, AuditEntry
from bot.core.domain.documents import StoredDocument
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
    DocumentUseRow,
    ExtensionRequestRow,
    ExtensionRow,
    OrganisationRow,
    OutboxMessageRow,
    RecipientRow,
    ReminderRow,
    RemissRow,
    ResponseVersionRow,
    StatusBoardRow,
    StoredDocumentRow,
)

# Values (ids, case numbers) per IN (…) list: well under SQLite's and PostgreSQL's bound-parameter limits.
_CHUNK = 1000
_V = TypeVar("_V")


def chunks(values: list[_V]) -> Iterable[list[_V]]:
    return (values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK))


_PLAIN = (str, int, float, bool, date, datetime, type(None))


def _kept_as_is(kind: type, row: type[SQLModel], *, apart: str) -> tuple[str, ...]:
    """The fields of a domain dataclass that its row keeps under the same name and as they are; the ones named
    in `apart` are mapped by hand. Read once, at import (the mappings below run on every click), and a field
    the row has no column for fails here, not on the first click that stores it."""
    skip = set(apart.split())
    names = tuple(f.name for f in fields(kind) if f.name not in skip)
    missing = [name for name in names if name not in row.model_fields]
    if missing:
        raise TypeError(f"{row.__name__} has no column for {kind.__name__}.{', '.join(missing)}")
    # Only plain values are copied as they are: an enum, a tuple or a nested object would be stored and read
    # back as something else (a string, a list, a dict), so such a field must be mapped by hand, in `apart`.
    hints = get_type_hints(kind)
    converted = [name for name in names if not _is_plain(hints[name])]
    if converted:
        raise TypeError(f"{kind.__name__}.{', '.join(converted)} must be mapped by hand (apart=...): not a plain value")
    return names


def _is_plain(hint: Any) -> bool:
    """A str, number, bool, date or datetime, or None or a union of them."""
    if isinstance(hint, UnionType) or get_origin(hint) is Union:
        return all(_is_plain(arg) for arg in get_args(hint))
    return hint in _PLAIN


def _values(source: object, names: tuple[str, ...], convert: Callable[[Any], Any] | None = None) -> dict[str, Any]:
    """The named attributes of a dataclass or a row, by name (each passed through `convert` if given)."""
    if convert is None:
        return {name: getattr(source, name) for name in names}
    return {name: convert(getattr(source, name)) for name in names}


_MESSAGE = _kept_as_is(OutboxMessage, OutboxMessageRow, apart="key kind state id")
_BOARD = _kept_as_is(StatusBoard, StatusBoardRow, apart="")
_REMINDER = _kept_as_is(PlannedReminder, ReminderRow, apart="kind to meeting")
_REQUEST = _kept_as_is(ExtensionRequest, ExtensionRequestRow, apart="state id")
_REMISS = _kept_as_is(
    Remiss, RemissRow, apart="case_number coordinators questions documents status chosen_short_title id"
)
_RECIPIENT = _kept_as_is(
    Recipient,
    RecipientRow,
    apart="case_number organisation_key officials remiss_deadline draft responses extensions id",
)
_CONTENT = _kept_as_is(
    ResponseContent,
    ResponseVersionRow,
    apart="kind answers attachments deciding_body overall_position",
)
_RESPONSE = _kept_as_is(Response, ResponseVersionRow, apart="content after_close change_reason")
# A stored file: its bytes' row, once per sha256, and a row for each recipient's answer that carries it.
_STORED_DOCUMENT = _kept_as_is(StoredDocument, StoredDocumentRow, apart="name case_number organisation_key")
_DOCUMENT_USE = _kept_as_is(StoredDocument, DocumentUseRow, apart="mime_type size")
# Kept as a JSON list in the row, a tuple in the domain.
_ORGANISATION_LISTS = ("contacts", "stand_ins", "aliases")
_ORGANISATION = _kept_as_is(
    Organisation, OrganisationRow, apart="key kind meetings registry " + " ".join(_ORGANISATION_LISTS)
)


def row_id(value: int | None) -> int:
    """A row id after flush; None here is a bug in this module, not bad input."""
    if value is None:
        raise AssertionError("row has no id; was it flushed?")
    return value


def message_fields(message: OutboxMessage) -> dict[str, Any]:
    """The message's columns except id (the database's) and key (the identity)."""
    return {**_values(message, _MESSAGE), "kind": message.kind.value, "state": message.state.value}


def reminder_fields(reminder: PlannedReminder) -> dict[str, Any]:
    """A planned reminder's columns except key and state."""
    advice = reminder.meeting
    return {
        **_values(reminder, _REMINDER),
        "kind": reminder.kind.value,
        "audience": reminder.to,
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
        **_values(row, _REMINDER),
        kind=ReminderKind(row.kind),
        to="coordinator" if row.audience == "coordinator" else "recipient",
        meeting=advice,
    )
    return ScheduledReminder(
        reminder=reminder, state=ReminderState(row.state), reason=row.reason, decided_at=row.decided_at, id=row.id
    )


def request_fields(request: ExtensionRequest) -> dict[str, Any]:
    return {**_values(request, _REQUEST), "state": request.state.value}


def request_from(row: ExtensionRequestRow) -> ExtensionRequest:
    return ExtensionRequest(**_values(row, _REQUEST), state=RequestState(row.state), id=row.id)


def message_from(row: OutboxMessageRow | Any) -> OutboxMessage:
    """A message from its row (or a result row with the same columns)."""
    return OutboxMessage(
        **_values(row, _MESSAGE), key=row.key, kind=MessageKind(row.kind), state=DeliveryState(row.state), id=row.id
    )


def board_from(row: StatusBoardRow | Any) -> StatusBoard:
    """A status board from its row (or a result row with the same columns)."""
    return StatusBoard(**_values(row, _BOARD))


def remiss_fields(remiss: Remiss) -> dict[str, Any]:
    """The remiss's own columns except the case number, which identifies it and never changes."""
    return {
        **_values(remiss, _REMISS),
        "coordinators": list(remiss.coordinators),
        "status": remiss.status.value,
        "short_title": remiss.chosen_short_title,
    }


def recipient_fields(recipient: Recipient) -> dict[str, Any]:
    """The recipient row's mutable columns (everything but its remiss and organisation)."""
    draft = recipient.draft
    return {
        **_values(recipient, _RECIPIENT),
        "draft_content": content_to_json(draft.content) if draft is not None else None,
        "draft_updated_by": draft.updated_by if draft is not None else None,
        "draft_updated_at": draft.updated_at if draft is not None else None,
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
        **_values(row, _CONTENT),
        kind=ResponseKind(row.kind),
        answers=tuple(answer_from(a) for a in row.answers),
        attachments=tuple(attachment_from(a) for a in row.attachments),
        deciding_body=_optional_body(row.deciding_body),
        overall_position=Position(row.overall_position),
    )
    return Response(
        **_values(row, _RESPONSE),
        content=content,
        after_close=bool(row.after_close),
        change_reason=row.change_reason or "",
    )


def response_fields(response: Response) -> dict[str, Any]:
    """A response version's columns except its recipient's id."""
    content = response.content
    return {
        **_values(response, _RESPONSE),
        **_values(content, _CONTENT),
        "kind": content.kind.value,
        "answers": [answer_json(a) for a in content.answers],
        "attachments": [attachment_json(a) for a in content.attachments],
        "deciding_body": content.deciding_body.value if content.deciding_body else None,
        "overall_position": content.overall_position.value,
        "after_close": response.after_close,
        "change_reason": response.change_reason,
    }


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
        **_values(row, _REMISS),
        case_number=row.case_number,
        coordinators=tuple(row.coordinators),
        questions=tuple(questions),
        documents=tuple(documents),
        status=RemissStatus(row.status),
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
        **_values(row, _RECIPIENT),
        case_number=case_number,
        organisation_key=organisation_key,
        officials=tuple(officials),
        remiss_deadline=remiss_deadline,
        draft=draft_from(row),
        responses=responses,
        extensions=extensions,
        id=recipient_id,
    )


def organisation_fields(org: Organisation, position: int) -> dict[str, Any]:
    return {
        **_values(org, _ORGANISATION),
        **_values(org, _ORGANISATION_LISTS, list),
        "kind": org.kind.value,
        "position": position,
        "meetings": [meeting.isoformat() for meeting in org.meetings],
        "registry_refs": list(org.registry),
    }


def organisation_from(row: OrganisationRow) -> Organisation:
    return Organisation(
        **_values(row, _ORGANISATION),
        **_values(row, _ORGANISATION_LISTS, tuple),
        key=row.key,
        kind=OrgKind(row.kind),
        meetings=tuple(date.fromisoformat(meeting) for meeting in row.meetings),
        registry=tuple(row.registry_refs),
    )


def snapshot(recipient: Recipient) -> Recipient:
    """A copy the caller's later changes can't reach: versions, drafts and extensions are immutable values,
    so copying the lists that hold them is enough (a deep copy of every answer text cost more than the SQL)."""
    return replace(recipient, responses=list(recipient.responses), extensions=list(recipient.extensions))


def stored_document_fields(document: StoredDocument) -> dict[str, Any]:
    """The columns of a file's bytes' row except the bytes themselves."""
    return _values(document, _STORED_DOCUMENT)


def document_use_fields(document: StoredDocument) -> dict[str, Any]:
    """The columns of one recipient's use of a stored file, except its id (the database's)."""
    return _values(document, _DOCUMENT_USE)


def document_from(use: DocumentUseRow, size: int, mime_type: str) -> StoredDocument:
    """A stored file from its use's row and its bytes' size and type."""
    return StoredDocument(**_values(use, _DOCUMENT_USE), size=size, mime_type=mime_type)
