"""The create form's codec: what the form holds, read from a submission and written back as private_metadata,
and what was typed parsed (questions, document links, recipients)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from dataclasses import fields as dataclass_fields
from datetime import date
from typing import Any

from bot.adapters.importer import ImportedRemiss
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.offices import named_office
from bot.core.domain.organisation import Directory, OrgKind, is_org_key
from bot.core.domain.remiss import DocumentLink, QuestionKind, Remiss
from bot.core.usecases import UseCases
from bot.core.usecases.results import RemissInput
from handlers import payload

# Block ids of the form are the names DomainError.field uses, so a refusal lands next to its field.
CASE_NUMBER, TITLE, DESCRIPTION, DOCUMENTS = "case_number", "title", "description", "documents"
SHORT_TITLE = "short_title"  # the kortrubrik; empty: the one suggested from the title
DEADLINE, DEADLINE_DATE, QUESTIONS = "deadline", "deadline_date", "questions"
RECIPIENTS, RECIPIENT_GROUPS, CONTACT = "recipients", "recipient_groups", "contact"
SENDER = "sender"  # the sending office, offered when the coordinator may send from more than one
DOCUMENT_FILE = "document"
# The preview asks what each question asks for, in this order of choices (block ids: question_kind_block).
QUESTION_KIND_CHOICES = (QuestionKind.POSITION, QuestionKind.FREE_TEXT, QuestionKind.ORGANISATION_CHOICE)
ELEMENT = "value"  # the action_id of the one element in each input block
# Fields an import fills; their block ids change with each import, because Slack keeps what a user typed in
# an input whose block_id and action_id stay the same across views.update.
IMPORTED_FIELDS = frozenset(
    {CASE_NUMBER, TITLE, SHORT_TITLE, DEADLINE, DEADLINE_DATE, QUESTIONS, RECIPIENTS, RECIPIENT_GROUPS, SENDER}
)
FORM_FIELDS = frozenset(
    {
        CASE_NUMBER,
        TITLE,
        SHORT_TITLE,
        DESCRIPTION,
        DOCUMENTS,
        DEADLINE,
        DEADLINE_DATE,
        QUESTIONS,
        RECIPIENTS,
        CONTACT,
        SENDER,
    }
)
ALL_NAMND, ALL_BOLAG = "all_namnder", "all_bolag"

METADATA_LIMIT = 3000
# The kortrubrik's input takes more than its 60 characters, so a longer one is refused with its length, not cut.
MAX_LENGTH = {
    CASE_NUMBER: 40,
    TITLE: 250,
    SHORT_TITLE: 150,
    DESCRIPTION: 3000,
    DOCUMENTS: 3000,
    DEADLINE: 80,
    QUESTIONS: 3000,
}
# The FormValues attribute behind each text input, to tell when a prefill was cut to its input's length.
TEXT_FIELDS = {
    CASE_NUMBER: "case_number",
    TITLE: "title",
    SHORT_TITLE: "short_title",
    DESCRIPTION: "description",
    DOCUMENTS: "documents",
    DEADLINE: "deadline_text",
    QUESTIONS: "questions",
}

_NUMBERED = re.compile(r"^(?:fråga\s*)?\d{1,2}\s*[.):]\s*|^[-•*–]\s+", re.IGNORECASE)
_URL = re.compile(r"https?://\S+")


def question_kind_block(number: int) -> str:
    """The preview's select of what question `number` asks for."""
    return f"question_kind_{number}"


# -- what the form holds ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class FormValues:
    """The form as the coordinator filled it in, kept as typed so that going back shows it unchanged."""

    case_number: str = ""
    title: str = ""
    short_title: str = ""
    description: str = ""
    documents: str = ""
    deadline_text: str = ""
    deadline_date: str = ""  # ISO date from the date picker
    questions: str = ""
    recipients: tuple[str, ...] = ()
    all_namnder: bool = False
    all_bolag: bool = False
    contact_user: str = ""
    sender: str = ""  # the sending office's key; empty: the form's default office

    @classmethod
    def from_state(cls, state: Mapping[str, Any], offices: tuple[str, ...] = ()) -> FormValues:
        """Read a view_submission's state.values (block ids may carry a revision suffix)."""
        values: dict[str, Mapping[str, Any]] = {}
        for block_id, elements in state.items():
            element = payload.mapping(elements, "state").get(ELEMENT)
            if element is not None:
                values[block_id.partition("~")[0]] = payload.mapping(element, "state")
        groups = set(payload.picked_options(values.get(RECIPIENT_GROUPS) or {}, (ALL_NAMND, ALL_BOLAG)))
        picked = payload.picked_date(values.get(DEADLINE_DATE) or {})
        return cls(
            case_number=_text(values.get(CASE_NUMBER)),
            title=_text(values.get(TITLE)),
            short_title=_text(values.get(SHORT_TITLE)),
            description=_text(values.get(DESCRIPTION)),
            documents=_text(values.get(DOCUMENTS)),
            deadline_text=_text(values.get(DEADLINE)),
            deadline_date=picked.isoformat() if picked else "",
            questions=_text(values.get(QUESTIONS)),
            # Checked against the directory as it is now, with a refusal by the field (recipient_keys).
            recipients=tuple(payload.picked_options(values.get(RECIPIENTS) or {}, None)),
            all_namnder=ALL_NAMND in groups,
            all_bolag=ALL_BOLAG in groups,
            contact_user=payload.picked_user(values.get(CONTACT) or {}),
            # Only the offices the form offered (a forged one is a TamperedPayload); no select: the default.
            sender=payload.picked_option(values.get(SENDER) or {}, offices) or "",
        )

    def sender_in(self, form: FormContext) -> str | None:
        """The office the remiss is sent from: the one chosen, else the form's first; None: the actor's default."""
        return self.sender or (form.offices[0] if form.offices else None)

    @classmethod
    def from_remiss(cls, remiss: Remiss, recipient_keys: Iterable[str]) -> FormValues:
        """A saved draft, to edit it."""
        return cls(
            case_number=remiss.case_number,
            title=remiss.title,
            short_title=remiss.chosen_short_title,
            description=remiss.description,
            documents="\n".join(f"{d.title} – {d.url}" if d.title != d.url else d.url for d in remiss.documents),
            deadline_date=remiss.deadline.isoformat(),
            questions="\n".join(f"{q.number}. {q.text}" for q in remiss.questions),
            recipients=tuple(recipient_keys),
            sender=remiss.sender_key,
        )

    @classmethod
    def from_import(cls, found: ImportedRemiss, offices: tuple[str, ...], contact_user: str) -> FormValues:
        """What an imported document gave; what it lacks stays empty. Its sender is taken when the document
        names one of the sending offices the coordinator may choose (`offices`, the default first)."""
        named = named_office(found.sender_organisation.key if found.sender_organisation else None, offices)
        sender_key = named or (offices[0] if offices else "")
        return cls(
            case_number=found.case_number or "",
            title=found.title or "",
            short_title=found.short_title or "",
            deadline_date=found.deadline.isoformat() if found.deadline else "",
            questions="\n".join(f"{n}. {q}" for n, q in enumerate(found.questions, start=1)),
            recipients=tuple(
                r.organisation.key for r in found.recipients if r.organisation and r.organisation.key != sender_key
            ),
            contact_user=contact_user,
            sender=sender_key,
        )

    def question_texts(self) -> list[str]:
        return split_questions(self.questions)

    def longer_than_inputs(self) -> list[str]:
        """The fields whose text is longer than their input holds: the form shows them cut (Slack refuses more)."""
        return [name for name, attribute in TEXT_FIELDS.items() if len(getattr(self, attribute)) > MAX_LENGTH[name]]


@dataclass(frozen=True)
class FormContext:
    """What the form carries in private_metadata: the draft it edits, where that draft's message is, and the
    revision of its block ids."""

    editing: str = ""  # case number of the draft being edited; empty for a new remiss
    message: tuple[str, str] | None = None  # (channel, ts) of the coordinator's draft message
    contact_name: str = ""  # the draft's contact, kept unless another person is chosen
    rev: int = 0
    offices: tuple[str, ...] = ()  # the sending offices this coordinator may choose, the default first

    def encode(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def decode(cls, text: object) -> FormContext:
        """What `encode` wrote (nothing: a new form); anything else raises TamperedPayload."""
        raw = payload.json_object(text or "{}", "form metadata")
        message = raw.get("message")
        if message is not None and not (
            isinstance(message, list) and len(message) == 2 and all(isinstance(m, str) for m in message)
        ):
            raise payload.TamperedPayload(f"form metadata: message is no (channel, ts): {message!r:.60}")
        rev = raw.get("rev", 0)
        if not isinstance(rev, int) or isinstance(rev, bool) or not 0 <= rev < 1_000_000:
            raise payload.TamperedPayload(f"form metadata: rev is no revision: {rev!r:.60}")
        offices = raw.get("offices", [])
        if not isinstance(offices, list) or not all(isinstance(o, str) and is_org_key(o) for o in offices):
            raise payload.TamperedPayload(f"form metadata: offices are no office keys: {offices!r:.60}")
        return cls(
            editing=payload.string(raw, "editing", "form metadata", required=False),
            message=(message[0], message[1]) if message is not None else None,
            contact_name=payload.string(raw, "contact_name", "form metadata", required=False),
            rev=rev,
            offices=tuple(offices),
        )

    def block_id(self, name: str) -> str:
        return f"{name}~{self.rev}" if self.rev and name in IMPORTED_FIELDS else name


@dataclass(frozen=True)
class PendingRemiss:
    """A checked form waiting in the preview: what was typed, and what it was understood as."""

    form: FormValues
    context: FormContext
    deadline: date
    recipients: tuple[str, ...]  # organisation keys, "alla nämnder/bolag" expanded, in directory order
    contact_name: str

    def to_json(self) -> str:
        return json.dumps(
            {
                "form": asdict(self.form),
                "context": self.context.encode(),
                "deadline": self.deadline.isoformat(),
                "recipients": list(self.recipients),
                "contact_name": self.contact_name,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: object) -> PendingRemiss:
        """What `to_json` wrote; anything else raises TamperedPayload."""
        raw = payload.json_object(text, "preview metadata")
        form = dict(payload.mapping(raw.get("form"), "preview form"))
        fields = {f.name: f.type for f in dataclass_fields(FormValues)}
        for name, value in form.items():
            expected = fields.get(name)
            if expected is None or not _of_field_type(value, str(expected)):
                raise payload.TamperedPayload(f"preview form: {name[:40]!r} is not a field of that type")
        form["recipients"] = tuple(form.get("recipients") or ())
        deadline = payload.iso_date(raw.get("deadline"), "preview deadline")
        recipients = raw.get("recipients")
        if deadline is None or not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
            raise payload.TamperedPayload("preview metadata: no deadline or recipients")
        return cls(
            form=FormValues(**form),
            context=FormContext.decode(raw.get("context")),
            deadline=deadline,
            recipients=tuple(recipients),
            contact_name=payload.string(raw, "contact_name", "preview metadata", required=False),
        )

    def remiss_input(self, kinds: Mapping[int, QuestionKind]) -> RemissInput:
        questions = self.form.question_texts()
        return RemissInput(
            case_number=self.context.editing or self.form.case_number,
            title=self.form.title,
            short_title=self.form.short_title,
            description=self.form.description,
            questions=[(q, kinds.get(n, QuestionKind.FREE_TEXT)) for n, q in enumerate(questions, start=1)],
            deadline=self.deadline,
            recipient_keys=self.recipients,
            contact=self.contact_name,
            documents=parse_documents(self.form.documents),
            sender_key=self.form.sender_in(self.context),
        )


class PendingForms:
    """Previews too large for private_metadata (3000 characters) are kept in the database by view id, so
    any replica can take the next step and a restart loses nothing; most forms travel in the view itself."""

    def __init__(self, service: UseCases) -> None:
        self.service = service

    def put(self, key: str, value: str) -> None:
        self.service.edge.keep_form(key, value)

    def get(self, key: str) -> str | None:
        return self.service.edge.kept_form(key)

    def discard(self, key: str) -> None:
        self.service.edge.drop_form(key)

    def encode(self, pending: PendingRemiss, view_id: str) -> str:
        """The preview's private_metadata: the pending remiss itself, or a reference to it here."""
        text = pending.to_json()
        if len(text) <= METADATA_LIMIT:
            return text
        self.put(view_id, text)
        return json.dumps({"pending": view_id})

    def decode(self, metadata: str) -> PendingRemiss | None:
        """The pending remiss (None when it is no longer kept); a metadata we did not write raises
        TamperedPayload."""
        raw = payload.json_object(metadata or "{}", "preview metadata")
        if "pending" in raw:
            text = self.get(payload.string(raw, "pending", "preview metadata"))
            return PendingRemiss.from_json(text) if text else None
        return PendingRemiss.from_json(metadata) if "form" in raw else None


# -- parsing what was typed ------------------------------------------------------------------------------
def split_questions(text: str) -> list[str]:
    """One question per line; when lines are numbered ("1.", "2)", "Fråga 3:"), unnumbered lines continue
    the question above them, so a pasted question that wraps stays one question."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not any(_NUMBERED.match(line) for line in lines):
        return lines
    questions: list[str] = []
    for line in lines:
        match = _NUMBERED.match(line)
        if match or not questions:
            questions.append(line[match.end() :] if match else line)
        else:
            questions[-1] = f"{questions[-1]} {line}".strip()
    return [q.strip() for q in questions if q.strip()]


def parse_documents(text: str) -> tuple[DocumentLink, ...]:
    """One link per line: "Titel – https://…", "https://… Titel" or a bare address."""
    links: list[DocumentLink] = []
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        match = _URL.search(line)
        if match is None:
            raise DomainError(ErrorCode.INVALID_URL, field=DOCUMENTS, url=line, line=line)
        before = line[: match.start()].strip().rstrip("–—-:|").strip()
        after = line[match.end() :].strip().lstrip("–—-:|").strip()
        links.append(DocumentLink(title=before or after or match.group(), url=match.group()))
    return tuple(links)


def recipient_keys(values: FormValues, directory: Directory, sender_key: str) -> tuple[str, ...]:
    """The chosen organisations plus "alla nämnder" / "alla bolag", in directory order; unknown keys refused."""
    keys = set(values.recipients)
    for key in keys:
        directory.require(key)
    if values.all_namnder:
        keys |= {o.key for o in directory.of_kind(OrgKind.NAMND)}
    if values.all_bolag:
        keys |= {o.key for o in directory.of_kind(OrgKind.BOLAG)}
    keys.discard(sender_key)
    return tuple(directory.sorted_keys(keys))


# -- small helpers ---------------------------------------------------------------------------------------
def _text(element: Mapping[str, Any] | None) -> str:
    return payload.typed_text(element or {})


def _of_field_type(value: object, annotation: str) -> bool:
    """Whether a value read back from JSON has the type of a FormValues field (annotations are strings here)."""
    if annotation == "bool":
        return isinstance(value, bool)
    if annotation.startswith("tuple"):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, str)
