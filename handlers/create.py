"""The coordinator creates a remiss: /remiss ny or the shortcut, a form, a preview, a draft, then sending."""

from __future__ import annotations

import json
import logging
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from dataclasses import fields as dataclass_fields
from datetime import date
from pathlib import Path
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.dates import parse_swedish_date, warm_up
from bot.adapters.importer import MAX_FILE_BYTES, DocumentError, ImportedRemiss, import_file
from bot.adapters.importer.wording import default_wording
from bot.adapters.rendering import Texts
from bot.core.domain.calendar import working_day_on_or_before
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import Directory, OrgKind
from bot.core.domain.remiss import (
    DocumentLink,
    Question,
    QuestionKind,
    Remiss,
    RemissStatus,
    suggested_question_kind,
)
from bot.core.service import Actor, RemissInput, RemissService, SendReport
from handlers import HandlerContext, event_id, ids, payload
from handlers.blocks import (
    MESSAGE_BLOCK_LIMIT,
    MESSAGE_TEXT_BUDGET,
    OPTION_TEXT_LIMIT,
    Block,
    context,
    divider,
    fit,
    plain_text,
    section,
)
from handlers.errors import after_ack, tell_user
from handlers.remiss_blocks import button, remiss_message
from handlers.slack_urls import FileRefused, download_slack_file

log = logging.getLogger(__name__)

# Actions and views only this module uses (the shared ones are in handlers/ids.py).
IMPORT_DOCUMENT = "draft.import"  # button in the form: push the file picker
CREATE_FROM_DOCUMENT = "draft.from_document"  # button under a file sent to the bot (value: file id)
BACK_TO_FORM = "draft.back_to_form"  # button in the preview
IMPORT_VIEW = "new_remiss_import"
IMPORT_FORMATS = ("txt", "docx", "pdf")

# Block ids of the form are the names DomainError.field uses, so a refusal lands next to its field.
CASE_NUMBER, TITLE, DESCRIPTION, DOCUMENTS = "case_number", "title", "description", "documents"
DEADLINE, DEADLINE_DATE, QUESTIONS = "deadline", "deadline_date", "questions"
RECIPIENTS, RECIPIENT_GROUPS, CONTACT = "recipients", "recipient_groups", "contact"
QUESTION_KINDS, DOCUMENT_FILE = "question_kinds", "document"
ELEMENT = "value"  # the action_id of the one element in each input block
# Fields an import fills; their block ids change with each import, because Slack keeps what a user typed in
# an input whose block_id and action_id stay the same across views.update.
IMPORTED_FIELDS = frozenset({CASE_NUMBER, TITLE, DEADLINE, DEADLINE_DATE, QUESTIONS, RECIPIENTS, RECIPIENT_GROUPS})
FORM_FIELDS = frozenset(
    {CASE_NUMBER, TITLE, DESCRIPTION, DOCUMENTS, DEADLINE, DEADLINE_DATE, QUESTIONS, RECIPIENTS, CONTACT}
)
ALL_NAMND, ALL_BOLAG = "all_namnder", "all_bolag"

METADATA_LIMIT = 3000
OPTIONS_LIMIT = 100
MAX_LENGTH = {CASE_NUMBER: 40, TITLE: 250, DESCRIPTION: 3000, DOCUMENTS: 3000, DEADLINE: 80, QUESTIONS: 3000}
# The FormValues attribute behind each text input, to tell when a prefill was cut to its input's length.
TEXT_FIELDS = {
    CASE_NUMBER: "case_number",
    TITLE: "title",
    DESCRIPTION: "description",
    DOCUMENTS: "documents",
    DEADLINE: "deadline_text",
    QUESTIONS: "questions",
}

_NUMBERED = re.compile(r"^(?:fråga\s*)?\d{1,2}\s*[.):]\s*|^[-•*–]\s+", re.IGNORECASE)
_URL = re.compile(r"https?://\S+")


# -- what the form holds ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class FormValues:
    """The form as the coordinator filled it in, kept as typed so that going back shows it unchanged."""

    case_number: str = ""
    title: str = ""
    description: str = ""
    documents: str = ""
    deadline_text: str = ""
    deadline_date: str = ""  # ISO date from the date picker
    questions: str = ""
    recipients: tuple[str, ...] = ()
    all_namnder: bool = False
    all_bolag: bool = False
    contact_user: str = ""

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> FormValues:
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
        )

    @classmethod
    def from_remiss(cls, remiss: Remiss, recipient_keys: Iterable[str]) -> FormValues:
        """A saved draft, to edit it."""
        return cls(
            case_number=remiss.case_number,
            title=remiss.title,
            description=remiss.description,
            documents="\n".join(f"{d.title} – {d.url}" if d.title != d.url else d.url for d in remiss.documents),
            deadline_date=remiss.deadline.isoformat(),
            questions="\n".join(f"{q.number}. {q.text}" for q in remiss.questions),
            recipients=tuple(recipient_keys),
        )

    @classmethod
    def from_import(cls, found: ImportedRemiss, sender_key: str, contact_user: str) -> FormValues:
        """What an imported document gave; what it lacks stays empty."""
        return cls(
            case_number=found.case_number or "",
            title=found.title or "",
            deadline_date=found.deadline.isoformat() if found.deadline else "",
            questions="\n".join(f"{n}. {q}" for n, q in enumerate(found.questions, start=1)),
            recipients=tuple(
                r.organisation.key for r in found.recipients if r.organisation and r.organisation.key != sender_key
            ),
            contact_user=contact_user,
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
        return cls(
            editing=payload.string(raw, "editing", "form metadata", required=False),
            message=(message[0], message[1]) if message is not None else None,
            contact_name=payload.string(raw, "contact_name", "form metadata", required=False),
            rev=rev,
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
            description=self.form.description,
            questions=[(q, kinds.get(n, QuestionKind.FREE_TEXT)) for n, q in enumerate(questions, start=1)],
            deadline=self.deadline,
            recipient_keys=self.recipients,
            contact=self.contact_name,
            documents=parse_documents(self.form.documents),
        )


class PendingForms:
    """Previews too large for private_metadata (3000 characters) are kept in the database by view id, so
    any replica can take the next step and a restart loses nothing; most forms travel in the view itself."""

    def __init__(self, service: RemissService) -> None:
        self.service = service

    def put(self, key: str, value: str) -> None:
        self.service.keep_form(key, value)

    def get(self, key: str) -> str | None:
        return self.service.kept_form(key)

    def discard(self, key: str) -> None:
        self.service.drop_form(key)

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


# -- Block Kit -------------------------------------------------------------------------------------------
def _plain(text: str) -> dict[str, Any]:
    return plain_text(text)


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain_text(text, OPTION_TEXT_LIMIT), "value": value}


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False, hint: str = "") -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label),
        "element": {**element, "action_id": ELEMENT},
        "optional": optional,
    }
    if hint:
        block["hint"] = _plain(hint)
    return block


def _text_input(name: str, initial: str, *, multiline: bool = False, placeholder: str = "") -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "max_length": MAX_LENGTH[name], "multiline": multiline}
    if initial:
        element["initial_value"] = initial[: MAX_LENGTH[name]]
    if placeholder:
        element["placeholder"] = _plain(placeholder)
    return element


def _modal(texts: Texts, callback_id: str, title: str, blocks: list[Block], metadata: str, submit: str = "") -> Block:
    view: Block = {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain(texts.label(title)),
        "close": _plain(texts.label("cancel" if submit else "close")),
        "private_metadata": metadata,
        "blocks": blocks,
    }
    if submit:
        view["submit"] = _plain(texts.label(submit))
    return view


def form_view(
    ctx: HandlerContext,
    directory: Directory,
    values: FormValues,
    form: FormContext,
    *,
    notes: Iterable[str] = (),
    banner: str = "",
) -> Block:
    """The create (or edit) form, filled with `values`; `notes` say what an import found, `banner` what failed."""
    texts = ctx.texts

    def part(name: str, **extra: object) -> str:
        return texts.part("slack/create_form.j2", name, **extra)

    bid = form.block_id
    blocks: list[Block] = []
    if not form.editing:
        blocks.append(
            {
                "type": "section",
                "block_id": "import",
                "text": {"type": "mrkdwn", "text": part("import_prompt")},
                "accessory": button(texts, "import_document", IMPORT_DOCUMENT, "import"),
            }
        )
    blocks += [context(note) for note in list(notes)[:10]]
    if banner:
        blocks.append(context(banner))
    if form.editing:
        blocks.append(section(part("case_number_fixed", case_number=form.editing)))
    else:
        blocks.append(
            _input(
                bid(CASE_NUMBER),
                part("case_number"),
                _text_input(CASE_NUMBER, values.case_number, placeholder=part("case_number_placeholder")),
            )
        )
    blocks += [
        _input(bid(TITLE), part("title"), _text_input(TITLE, values.title)),
        _input(
            DESCRIPTION,
            part("description"),
            _text_input(DESCRIPTION, values.description, multiline=True),
            optional=True,
        ),
        _input(
            DOCUMENTS,
            part("documents"),
            _text_input(DOCUMENTS, values.documents, multiline=True, placeholder=part("documents_placeholder")),
            optional=True,
            hint=part("documents_hint"),
        ),
        _input(
            bid(DEADLINE),
            part("deadline"),
            _text_input(DEADLINE, values.deadline_text, placeholder=part("deadline_placeholder")),
            optional=True,
            hint=part("deadline_hint"),
        ),
        _input(
            bid(DEADLINE_DATE),
            part("deadline_date"),
            {"type": "datepicker", **({"initial_date": values.deadline_date} if values.deadline_date else {})},
            optional=True,
        ),
        _input(
            bid(QUESTIONS),
            part("questions"),
            _text_input(QUESTIONS, values.questions, multiline=True, placeholder=part("questions_placeholder")),
            hint=part("questions_hint"),
        ),
    ]
    blocks += _recipient_inputs(part, directory, ctx.service.sender_key, values, bid)
    contact: dict[str, Any] = {"type": "users_select"}
    if values.contact_user:
        contact["initial_user"] = values.contact_user
    blocks.append(
        _input(
            bid(CONTACT), part("contact"), contact, optional=True, hint=part("contact_hint", current=form.contact_name)
        )
    )
    title = "title_edit_remiss" if form.editing else "title_new_remiss"
    return _modal(texts, ids.NEW_REMISS_VIEW, title, blocks, form.encode(), submit="preview")


def _recipient_inputs(
    part: Callable[..., str], directory: Directory, sender_key: str, values: FormValues, bid: Callable[[str], str]
) -> list[Block]:
    groups: list[dict[str, Any]] = []
    chosen: list[dict[str, Any]] = []
    for label, kinds in (
        ("group_namnder", {OrgKind.NAMND}),
        ("group_bolag", {OrgKind.BOLAG}),
        ("group_ovriga", {OrgKind.FORVALTNING, OrgKind.OTHER}),
    ):
        members = [o for o in directory.active() if o.kind in kinds and o.key != sender_key][:OPTIONS_LIMIT]
        if members:
            options = [_option(o.name, o.key) for o in members]
            groups.append({"label": _plain(part(label)), "options": options})
            chosen += [option for option in options if option["value"] in values.recipients]
    if not groups:
        return [context(part("empty_directory"))]
    select: dict[str, Any] = {
        "type": "multi_static_select",
        "option_groups": groups,
        "placeholder": _plain(part("recipients_placeholder")),
    }
    if chosen:
        select["initial_options"] = chosen
    blocks = [_input(bid(RECIPIENTS), part("recipients"), select, optional=True)]
    shortcuts = [
        _option(part(name, count=len(directory.of_kind(kind))), name)
        for name, kind in ((ALL_NAMND, OrgKind.NAMND), (ALL_BOLAG, OrgKind.BOLAG))
        if directory.of_kind(kind)
    ]
    if shortcuts:
        chosen_groups = {ALL_NAMND: values.all_namnder, ALL_BOLAG: values.all_bolag}
        ticked = [o for o in shortcuts if chosen_groups[o["value"]]]
        element: dict[str, Any] = {"type": "checkboxes", "options": shortcuts}
        if ticked:
            element["initial_options"] = ticked
        blocks.append(_input(bid(RECIPIENT_GROUPS), part("recipient_groups"), element, optional=True))
    return blocks


def preview_view(
    ctx: HandlerContext, directory: Directory, remiss: Remiss, pending: PendingRemiss, metadata: str
) -> Block:
    """The remiss exactly as a recipient will see it, the date as understood, the recipients, and which
    questions are organisation choices (suggestions ticked)."""
    texts = ctx.texts

    def part(name: str, **extra: object) -> str:
        return texts.part("slack/create_preview.j2", name, **extra)

    sender = directory.require(remiss.sender_key).name
    _, shown = remiss_message(texts, remiss, sender=sender, today=ctx.service.today(), preview=True)
    names = [directory.require(key).name for key in pending.recipients]
    options = [_option(f"{q.number}. {q.text}", str(q.number)) for q in remiss.questions]
    ticked = [o for o, q in zip(options, remiss.questions, strict=True) if q.kind is QuestionKind.ORGANISATION_CHOICE]
    kinds: dict[str, Any] = {"type": "checkboxes", "options": options}
    if ticked:
        kinds["initial_options"] = ticked
    blocks: list[Block] = [
        section(part("deadline_echo", deadline=pending.deadline, text=pending.form.deadline_text.strip())),
        *_deadline_flag(ctx, pending.deadline),
        section(part("recipients", names=names)),
        divider(),
        context(part("intro")),
        *shown,
        _input(QUESTION_KINDS, part("kinds_label"), kinds, optional=True, hint=part("kinds_hint")),
        {
            "type": "actions",
            "block_id": "preview_actions",
            "elements": [button(texts, "back", BACK_TO_FORM, "back")],
        },
    ]
    return _modal(texts, ids.PREVIEW_VIEW, "title_preview", blocks, metadata, submit="save_draft")


def _deadline_flag(ctx: HandlerContext, deadline: date) -> list[Block]:
    """A deadline on a weekend or holiday is accepted, but the coordinator is told before saving."""
    report = ctx.service.window_report(deadline)
    if report.deadline_is_working_day:
        return []
    text = ctx.texts.part(
        "slack/create_preview.j2",
        "deadline_not_working_day",
        deadline=deadline,
        holiday=report.deadline_holiday,
        last_working_day=working_day_on_or_before(ctx.service.calendar, deadline),
    )
    return [section(text)]


def notice_view(ctx: HandlerContext, text: str) -> Block:
    """A modal that only says something (a refusal, a lost form)."""
    return _modal(ctx.texts, "remissbot_notice", "title_new_remiss", [section(text)], "")


def import_view(ctx: HandlerContext, root_view_id: str, form: FormContext) -> Block:
    texts = ctx.texts

    def part(name: str) -> str:
        return texts.part("slack/create_form.j2", name)

    blocks: list[Block] = [
        section(part("import_intro")),
        _input(
            DOCUMENT_FILE,
            part("import_file"),
            {"type": "file_input", "filetypes": list(IMPORT_FORMATS), "max_files": 1},
        ),
    ]
    metadata = json.dumps({"root": root_view_id, "form": form.encode()})
    return _modal(texts, IMPORT_VIEW, "title_import", blocks, metadata, submit="read_document")


def draft_message(
    ctx: HandlerContext, directory: Directory, remiss: Remiss, recipient_keys: Iterable[str]
) -> tuple[str, list[Block]]:
    """The saved draft, as recipients will see it, with Skicka remissen (confirmed) and Ändra."""
    texts = ctx.texts
    names = [directory.require(key).name for key in recipient_keys]

    def part(name: str, **extra: object) -> str:
        return texts.part("slack/create_draft.j2", name, remiss=remiss, **extra)

    intro = part("saved", names=names)
    send = button(texts, "send_draft", ids.SEND_DRAFT, remiss.case_number, style="primary")
    send["confirm"] = {
        "title": _plain(part("confirm_title")),
        "text": _plain(part("confirm_text", count=len(names))),
        "confirm": _plain(texts.label("confirm_send")),
        "deny": _plain(texts.label("cancel")),
    }
    actions: Block = {
        "type": "actions",
        "block_id": "draft_actions",
        "elements": [send, button(texts, "edit_draft", ids.EDIT_DRAFT, remiss.case_number)],
    }
    return part("fallback"), [section(intro), *_shown_remiss(ctx, directory, remiss, len(intro)), actions]


def sent_message(ctx: HandlerContext, report: SendReport) -> tuple[str, list[Block]]:
    """The draft message once sent: when, to how many, who could not be reached, and whether the answering
    window is short or spans Christmas or the summer weeks (with the working days it really has); no buttons."""
    remiss = report.remiss
    sent = ctx.texts.part("slack/create_draft.j2", "sent", remiss=remiss, count=len(report.reachable))
    lines = [sent]
    if report.unreachable:
        names = [o.name for o in report.unreachable]
        lines.append(ctx.texts.part("slack/create_draft.j2", "unreachable", remiss=remiss, names=names))
    window = report.window
    if window is not None and (window.short or window.spans_christmas or window.spans_summer):
        threshold = ctx.service.short_window_days
        lines.append(ctx.texts.part("slack/create_draft.j2", "window", window=window, threshold=threshold))
    head = [section(line) for line in lines]
    shown = _shown_remiss(ctx, ctx.service.directory(), remiss, sum(len(line) for line in lines))
    return "\n".join(lines), [*head, *shown]


def _shown_remiss(ctx: HandlerContext, directory: Directory, remiss: Remiss, used: int) -> list[Block]:
    sender = directory.require(remiss.sender_key).name
    _, shown = remiss_message(ctx.texts, remiss, sender=sender, today=ctx.service.today(), preview=True)
    # Room for the lines around it and the buttons, within Slack's per-message limits.
    return fit(shown, MESSAGE_BLOCK_LIMIT - 4, "…", MESSAGE_TEXT_BUDGET - used - 500)


# -- checking the form -----------------------------------------------------------------------------------
@dataclass
class Checked:
    """The outcome of checking a form: the remiss it would be, or messages per field."""

    remiss: Remiss | None = None
    pending: PendingRemiss | None = None
    errors: dict[str, str] = field(default_factory=dict)


def check_form(
    ctx: HandlerContext, actor: Actor, values: FormValues, form: FormContext, directory: Directory, contact_name: str
) -> Checked:
    """Every refusal the form deserves at once where possible, each keyed by the field it is about."""
    service, texts = ctx.service, ctx.texts
    result = Checked()
    today = service.today()

    def refuse(error: DomainError, fallback: str = TITLE) -> None:
        result.errors.setdefault(error.field or fallback, texts.error(error))

    deadline = _deadline(ctx, values, today, result.errors)
    try:
        documents = parse_documents(values.documents)
    except DomainError as error:
        line = str(error.params["line"])
        result.errors[DOCUMENTS] = texts.part("slack/create_form.j2", "error_document_line", line=line)
        documents = ()
    try:
        keys = recipient_keys(values, directory, service.sender_key)
        if not keys:
            refuse(DomainError(ErrorCode.NO_RECIPIENTS, field=RECIPIENTS))
    except DomainError as error:  # a key that left the directory while the form was open
        refuse(error, RECIPIENTS)
        keys = ()
    try:
        remiss = Remiss.draft(
            case_number=form.editing or values.case_number,
            title=values.title,
            description=values.description,
            sender_key=service.sender_key,
            coordinators=(actor.user_id,),
            contact=contact_name,
            questions=[(q, suggested_question_kind(q)) for q in values.question_texts()],
            deadline=deadline or today,
            created_by=actor.user_id,
            created_at=service.now(),
            today=today,
            documents=documents,
        )
    except DomainError as error:
        refuse(error)
        return result
    if not form.editing and not result.errors and _remiss_exists(ctx, remiss.case_number):
        refuse(DomainError(ErrorCode.DUPLICATE_CASE_NUMBER, field=CASE_NUMBER, case_number=remiss.case_number))
    if result.errors or deadline is None:
        return result
    if form.editing:
        remiss = replace(remiss, questions=_kept_kinds(ctx, form.editing, remiss))
    result.remiss = remiss
    result.pending = PendingRemiss(values, form, deadline, keys, contact_name)
    return result


def _deadline(ctx: HandlerContext, values: FormValues, today: date, errors: dict[str, str]) -> date | None:
    """The date typed as text or picked in the calendar; both given must agree."""

    def part(name: str, **extra: object) -> str:
        return ctx.texts.part("slack/create_form.j2", name, **extra)

    picked = date.fromisoformat(values.deadline_date) if values.deadline_date else None
    text = values.deadline_text.strip()
    if not text:
        if picked is None:
            errors[DEADLINE] = ctx.texts.error(DomainError(ErrorCode.FIELD_REQUIRED, field=DEADLINE))
        return picked
    parsed = parse_swedish_date(text, today=today, tz=ctx.service.tz)
    if parsed is None:
        errors[DEADLINE] = part("error_deadline_unparseable", text=text)
    elif picked is not None and picked != parsed:
        errors[DEADLINE] = part("error_deadline_conflict", parsed=parsed, picked=picked)
    return parsed


def _remiss_exists(ctx: HandlerContext, case_number: str) -> bool:
    try:
        ctx.service.overview(case_number)
    except DomainError as error:
        if error.code is ErrorCode.UNKNOWN_REMISS:
            return False
        raise
    return True


def _kept_kinds(ctx: HandlerContext, case_number: str, remiss: Remiss) -> tuple[Question, ...]:
    """When editing, a question the draft already had keeps the kind the coordinator chose; only new
    questions get a suggestion."""
    before = {q.text: q.kind for q in ctx.service.overview(case_number).remiss.questions}
    return tuple(replace(q, kind=before.get(q.text, q.kind)) for q in remiss.questions)


def _error_blocks(
    errors: Mapping[str, str], values: FormValues, form: FormContext, view: Mapping[str, Any]
) -> dict[str, str]:
    """Map field names to the form's block ids; a deadline refusal goes where the date was given, and one
    about no input of the form (the fixed case number, recipients when there is no one to pick) goes to the
    title: Slack refuses the whole answer if an error names a block that is not an input."""
    inputs = {str(b.get("block_id")) for b in view.get("blocks") or [] if b.get("type") == "input"}
    shown: dict[str, str] = {}
    for name, message in errors.items():
        if name == DEADLINE and not values.deadline_text.strip() and values.deadline_date:
            name = DEADLINE_DATE
        if name not in FORM_FIELDS or (name == CASE_NUMBER and form.editing) or form.block_id(name) not in inputs:
            name = TITLE
        shown.setdefault(form.block_id(name), message)
    return shown


# -- the listeners' work, as plain functions ----------------------------------------------------------------
def open_new_form(
    ctx: HandlerContext, client: WebClient, trigger_id: str, user_id: str, respond: Respond | None
) -> None:
    """`/remiss ny` or the shortcut: the empty form at once, or a refusal for someone not a coordinator."""
    if not ctx.service.actor(user_id).is_coordinator:
        refusal = ctx.texts.error(DomainError(ErrorCode.NOT_COORDINATOR))
        if respond is not None:
            respond(text=refusal, response_type="ephemeral")
        else:  # a global shortcut has no channel to answer in
            client.views_open(trigger_id=trigger_id, view=notice_view(ctx, refusal))
        return
    view = form_view(ctx, ctx.service.directory(), FormValues(contact_user=user_id), FormContext())
    client.views_open(trigger_id=trigger_id, view=view)


def submit_form(ctx: HandlerContext, client: WebClient, body: dict[str, Any], ack: Ack, forms: PendingForms) -> None:
    """Check the form; refusals go next to their fields, else the preview replaces the form."""
    actor = ctx.service.actor(str(body["user"]["id"]))
    view = payload.view(body)
    form = FormContext.decode(view.get("private_metadata"))
    values = FormValues.from_state(payload.state_values(view))
    if not actor.is_coordinator:
        ack(
            response_action="errors",
            errors={form.block_id(TITLE): ctx.texts.error(DomainError(ErrorCode.NOT_COORDINATOR))},
        )
        return
    contact_name = _user_name(client, values.contact_user) if values.contact_user else form.contact_name
    directory = ctx.service.directory()
    checked = check_form(ctx, actor, values, form, directory, contact_name)
    if checked.remiss is None or checked.pending is None:
        ack(response_action="errors", errors=_error_blocks(checked.errors, values, form, view))
        return
    metadata = forms.encode(checked.pending, payload.string(view, "id", "view"))
    ack(response_action="update", view=preview_view(ctx, directory, checked.remiss, checked.pending, metadata))


def submit_preview(ctx: HandlerContext, client: WebClient, body: dict[str, Any], ack: Ack, forms: PendingForms) -> None:
    """Spara utkast: store the draft (or the edit), close the modal and show the draft with its buttons."""
    user_id = str(body["user"]["id"])
    actor = ctx.service.actor(user_id)
    view = payload.view(body)
    pending = forms.decode(payload.metadata(view))
    if pending is None:
        lost = ctx.texts.part("slack/create_preview.j2", "form_lost")
        ack(response_action="update", view=notice_view(ctx, lost))
        return
    offered = [str(n) for n in range(1, len(pending.form.question_texts()) + 1)]
    ticked = {int(v) for v in payload.picked_options(payload.element(view, QUESTION_KINDS, ELEMENT), offered)}
    kinds = dict.fromkeys(ticked, QuestionKind.ORGANISATION_CHOICE)
    try:
        data = pending.remiss_input(kinds)
        case = pending.context.editing
        remiss = ctx.service.update_draft(actor, case, data) if case else ctx.service.create_draft(actor, data)
    except DomainError as error:
        # Something changed since the preview (the case number was taken, midnight passed): back to the form.
        banner = f":warning: {ctx.texts.error(error)}"
        view_back = form_view(ctx, ctx.service.directory(), pending.form, pending.context, banner=banner)
        ack(response_action="update", view=view_back)
        return
    ack()
    forms.discard(payload.string(view, "id", "view"))
    try:
        show_draft(ctx, client, user_id, remiss, pending)
    except Exception as error:  # after the ack, and the draft is stored: say so, never "not done"
        log.warning("Draft %s saved but not shown: %r", remiss.case_number, error)
        told = ctx.texts.part("slack/create_preview.j2", "draft_not_shown", case_number=remiss.case_number)
        tell_user(body, told, None, client)


def show_draft(ctx: HandlerContext, client: WebClient, user_id: str, remiss: Remiss, pending: PendingRemiss) -> None:
    """The draft message with Skicka remissen and Ändra: in place of the one being edited, or anew."""
    text, blocks = draft_message(ctx, ctx.service.directory(), remiss, pending.recipients)
    if pending.context.message is not None:
        channel, ts = pending.context.message
        try:
            client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
            return
        except SlackApiError as error:  # the old message is gone: post the draft anew
            log.info("Could not update the draft message of %s: %s", remiss.case_number, error.response.get("error"))
    client.chat_postMessage(channel=user_id, text=text, blocks=blocks, unfurl_links=False)


def back_to_form(ctx: HandlerContext, client: WebClient, body: dict[str, Any], forms: PendingForms) -> None:
    """Tillbaka in the preview: the form again, as it was filled in."""
    view = payload.view(body)
    pending = forms.decode(payload.metadata(view))
    if pending is None:
        shown = notice_view(ctx, ctx.texts.part("slack/create_preview.j2", "form_lost"))
    else:
        shown = form_view(ctx, ctx.service.directory(), pending.form, pending.context)
    view_id, hash_ = payload.string(view, "id", "view"), payload.string(view, "hash", "view", required=False)
    client.views_update(view_id=view_id, hash=hash_ or None, view=shown)


def send_draft(ctx: HandlerContext, client: WebClient, body: dict[str, Any]) -> None:
    """Skicka remissen: the service sends (via the outbox); the draft message says when and to how many."""
    actor = ctx.service.actor(str(body["user"]["id"]))
    case_number = payload.action_value(body)
    report = ctx.service.send(actor, case_number)  # refusals (sent already, not coordinator) become ephemerals
    text, blocks = sent_message(ctx, report)
    container = body.get("container") or {}
    client.chat_update(channel=container["channel_id"], ts=container["message_ts"], text=text, blocks=blocks)


def edit_draft(ctx: HandlerContext, client: WebClient, body: dict[str, Any]) -> None:
    """Ändra: the form filled with the draft; the case number stays."""
    actor = ctx.service.actor(str(body["user"]["id"]))
    if not actor.is_coordinator:
        raise DomainError(ErrorCode.NOT_COORDINATOR)
    overview = ctx.service.overview(payload.action_value(body))
    remiss = overview.remiss
    if remiss.status is not RemissStatus.DRAFT:
        raise DomainError(ErrorCode.REMISS_NOT_DRAFT, case_number=remiss.case_number)
    container = body.get("container") or {}
    message = (str(container["channel_id"]), str(container["message_ts"])) if container.get("message_ts") else None
    form = FormContext(editing=remiss.case_number, message=message, contact_name=remiss.contact)
    values = FormValues.from_remiss(remiss, [row.recipient.organisation_key for row in overview.rows])
    client.views_open(trigger_id=body["trigger_id"], view=form_view(ctx, ctx.service.directory(), values, form))


def open_import(ctx: HandlerContext, client: WebClient, body: dict[str, Any]) -> None:
    """Importera från dokument: a small modal with a file picker, on top of the form."""
    view = payload.view(body)
    form = FormContext.decode(view.get("private_metadata"))
    client.views_push(trigger_id=body["trigger_id"], view=import_view(ctx, payload.string(view, "id", "view"), form))


def submit_import(ctx: HandlerContext, client: WebClient, body: dict[str, Any], ack: Ack) -> None:
    """The picked file: close the picker, then read the document and fill the form under it (after the ack,
    so a failure there is told, never raised to Bolt)."""
    view = payload.view(body)
    meta = payload.json_object(payload.metadata(view) or "{}", "import metadata")
    root, form = payload.string(meta, "root", "import metadata"), FormContext.decode(meta.get("form"))
    files = payload.element(view, DOCUMENT_FILE, ELEMENT).get("files") or []
    if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
        raise payload.TamperedPayload("the import's files are not a list of files")
    if not files:
        ack(response_action="errors", errors={DOCUMENT_FILE: _form_text(ctx, "error_no_file")})
        return
    ack()
    after_ack(ctx, body, None, lambda: fill_form_from_document(ctx, client, root, form, files[0]), client=client)


def offer_import(ctx: HandlerContext, client: WebClient, event: dict[str, Any]) -> None:
    """A coordinator sent the bot a file: offer to make a remiss of it."""
    files = [f for f in event.get("files") or [] if isinstance(f, dict)]
    usable = next((f for f in files if _suffix(str(f.get("name", ""))) in IMPORT_FORMATS), None)
    channel = str(event["channel"])
    if usable is None:
        name = str(files[0].get("name", "")) if files else ""
        text = ctx.texts.part("slack/create_draft.j2", "unsupported_file", name=name)
        client.chat_postMessage(channel=channel, text=text)
        return
    text = ctx.texts.part("slack/create_draft.j2", "offer_import", name=str(usable.get("name", "")))
    actions: Block = {
        "type": "actions",
        "block_id": "offer_import",
        "elements": [
            button(ctx.texts, "create_from_document", CREATE_FROM_DOCUMENT, str(usable["id"]), style="primary")
        ],
    }
    client.chat_postMessage(channel=channel, text=text, blocks=[section(text), actions])


def create_from_document(ctx: HandlerContext, client: WebClient, body: dict[str, Any]) -> None:
    """Skapa remiss under a shared file: the form opens at once, then fills in as the document is read."""
    user_id = str(body["user"]["id"])
    if not ctx.service.actor(user_id).is_coordinator:
        raise DomainError(ErrorCode.NOT_COORDINATOR)
    file_id = payload.action_value(body)
    form = FormContext()
    reading = _form_text(ctx, "reading_document")
    view = form_view(ctx, ctx.service.directory(), FormValues(contact_user=user_id), form, banner=reading)
    opened = client.views_open(trigger_id=body["trigger_id"], view=view)
    try:
        file = client.files_info(file=file_id)["file"]
    except SlackApiError as error:
        log.warning("Could not look up file %s: %s", file_id, error.response.get("error"))
        failed = _form_text(ctx, "import_failed", message=_form_text(ctx, "error_download", name=file_id))
        _update_form(ctx, client, str(opened["view"]["id"]), FormValues(contact_user=user_id), form, [failed])
        return
    fill_form_from_document(ctx, client, str(opened["view"]["id"]), form, file, contact_user=user_id)


def fill_form_from_document(
    ctx: HandlerContext,
    client: WebClient,
    root_view_id: str,
    form: FormContext,
    file: Mapping[str, Any],
    *,
    contact_user: str = "",
) -> None:
    """Download the file with the bot token, run the importer and fill the form with what it found."""
    name = str(file.get("name") or file.get("title") or "dokument")
    directory = ctx.service.directory()
    try:
        found = _import_from_slack(ctx, client, file, name, directory)
    except Exception as failure:
        if isinstance(failure, _ImportFailed):
            message = str(failure)
        else:  # the child crashed, or a bug: unforeseen, so logged with its trace; the form must not stay "reading"
            log.exception("The import of a document failed")
            message = default_wording().import_failed(file_name=name)
        notes = [_form_text(ctx, "import_failed", message=message)]
        _update_form(ctx, client, root_view_id, FormValues(contact_user=contact_user), form, notes)
        return
    contact = _user_by_email(client, found.contact.email) if found.contact and found.contact.email else ""
    values = FormValues.from_import(found, ctx.service.sender_key, contact or contact_user)
    notes = [_form_text(ctx, "imported", name=name)]
    notes += [_form_text(ctx, "import_cut", field=f, limit=MAX_LENGTH[f]) for f in values.longer_than_inputs()]
    notes += [_form_text(ctx, "import_warning", message=w.message) for w in found.warnings]
    if found.unmatched_recipients:
        notes.append(_form_text(ctx, "unmatched", names=list(found.unmatched_recipients)))
    _update_form(ctx, client, root_view_id, values, replace(form, rev=form.rev + 1), notes)


class _ImportFailed(Exception):
    """The document could not be fetched or read; the message says why, in Swedish."""


def _import_from_slack(
    ctx: HandlerContext, client: WebClient, file: Mapping[str, Any], name: str, directory: Directory
) -> ImportedRemiss:
    suffix = _suffix(name)
    if suffix not in IMPORT_FORMATS:
        raise _ImportFailed(_form_text(ctx, "error_unsupported_file", name=name))
    url = str(file.get("url_private_download") or file.get("url_private") or "")
    try:
        content = download_slack_file(
            url, str(client.token or ""), max_bytes=MAX_FILE_BYTES, api_base_url=ctx.slack_api_url
        )
    except FileRefused as refused:
        log.warning("Refused to fetch %s with the bot token: %s", name, refused)
        raise _ImportFailed(_form_text(ctx, "error_file_host", name=name)) from refused
    except (OSError, ValueError) as error:
        log.warning("Could not download %s: %s", name, error)
        raise _ImportFailed(_form_text(ctx, "error_download", name=name)) from error
    with tempfile.TemporaryDirectory(prefix="remissbot-import-") as folder:
        # Our own file name: the user's could hold a path.
        path = Path(folder) / f"dokument.{suffix}"
        path.write_bytes(content)
        try:
            return import_file(path, directory)
        except DocumentError as error:
            raise _ImportFailed(default_wording().error(error, file_name=name)) from error


def _update_form(
    ctx: HandlerContext, client: WebClient, view_id: str, values: FormValues, form: FormContext, notes: list[str]
) -> None:
    try:
        client.views_update(view_id=view_id, view=form_view(ctx, ctx.service.directory(), values, form, notes=notes))
    except SlackApiError as error:  # the coordinator closed the form meanwhile
        log.info("Could not fill the form %s: %s", view_id, error.response.get("error"))


# -- small helpers ---------------------------------------------------------------------------------------
def _form_text(ctx: HandlerContext, part: str, **extra: object) -> str:
    return ctx.texts.part("slack/create_form.j2", part, **extra)


def _text(element: Mapping[str, Any] | None) -> str:
    return payload.typed_text(element or {})


def _of_field_type(value: object, annotation: str) -> bool:
    """Whether a value read back from JSON has the type of a FormValues field (annotations are strings here)."""
    if annotation == "bool":
        return isinstance(value, bool)
    if annotation.startswith("tuple"):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, str)


def _suffix(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def _user_name(client: WebClient, user_id: str) -> str:
    """The name people know the contact by; Slack's profile real name, else the handle."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        log.warning("Could not look up contact %s: %s", user_id, error.response.get("error"))
        return ""
    profile = user.get("profile") or {}
    return str(user.get("real_name") or profile.get("real_name") or user.get("name") or "")


def _user_by_email(client: WebClient, email: str) -> str:
    try:
        user = client.users_lookupByEmail(email=email)["user"]
    except SlackApiError:
        return ""  # not in Slack: the coordinator picks the contact
    return "" if user.get("deleted") else str(user.get("id") or "")


def _is_document_from_coordinator(ctx: HandlerContext, event: dict[str, Any], context: BoltContext) -> bool:
    """A file a person (not a bot) sent in their DM with the bot, outside any thread (threads are answers)."""
    user = event.get("user")
    return bool(
        event.get("channel_type") == "im"
        and event.get("files")
        and not event.get("thread_ts")
        and not event.get("bot_id")
        and user
        and user != context.bot_user_id
        and ctx.service.actor(str(user)).is_coordinator
    )


# -- registration ----------------------------------------------------------------------------------------
def register(app: App, ctx: HandlerContext) -> None:
    """Listeners for creating, previewing, editing and sending a remiss."""
    forms = PendingForms(ctx.service)
    # dateparser's first parse costs ~120 ms; pay it now, off the request path.
    threading.Thread(target=warm_up, name="remissbot-dates-warm-up", daemon=True).start()

    @app.shortcut(ids.NEW_REMISS_SHORTCUT)
    def _shortcut(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        user = str(body["user"]["id"])
        after_ack(
            ctx, body, None, lambda: open_new_form(ctx, client, str(body["trigger_id"]), user, None), client=client
        )

    @app.view(ids.NEW_REMISS_VIEW)
    def _form(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        submit_form(ctx, client, body, ack, forms)

    @app.view(ids.PREVIEW_VIEW)
    def _preview(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        submit_preview(ctx, client, body, ack, forms)

    @app.action(BACK_TO_FORM)
    def _back(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        after_ack(ctx, body, None, lambda: back_to_form(ctx, client, body, forms), client=client)

    @app.action(ids.SEND_DRAFT)
    def _send(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        after_ack(ctx, body, respond, lambda: send_draft(ctx, client, body))

    @app.action(ids.EDIT_DRAFT)
    def _edit(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        after_ack(ctx, body, respond, lambda: edit_draft(ctx, client, body))

    @app.action(IMPORT_DOCUMENT)
    def _import(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        after_ack(ctx, body, None, lambda: open_import(ctx, client, body), client=client)

    @app.view(IMPORT_VIEW)
    def _imported(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        submit_import(ctx, client, body, ack)

    @app.action(CREATE_FROM_DOCUMENT)
    def _from_document(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        after_ack(ctx, body, respond, lambda: create_from_document(ctx, client, body))

    def _document_matcher(event: dict[str, Any], context: BoltContext) -> bool:
        return _is_document_from_coordinator(ctx, event, context)

    # Only files outside threads; handlers/chat.py takes the DM's text and threads.
    @app.event("message", matchers=[_document_matcher])
    def _document(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        def offer_once() -> None:
            # A failed offer is forgotten, so Slack's next delivery of the event offers again.
            ctx.service.once(event_id(body), lambda: offer_import(ctx, client, event))

        after_ack(ctx, event, None, offer_once)
