"""Block Kit of the create flow: the form, the file picker, the preview, notices, and the draft message."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date
from functools import partial
from typing import Any

from bot.core.domain.calendar import working_day_on_or_before
from bot.core.domain.organisation import Directory, OrgKind
from bot.core.domain.remiss import Question, Remiss
from bot.core.usecases.results import SendReport
from handlers import ids
from handlers.blocks import (
    MESSAGE_BLOCK_LIMIT,
    MESSAGE_TEXT_BUDGET,
    OPTION_TEXT_LIMIT,
    Block,
    context,
    divider,
    fit,
    input_block,
    modal,
    plain_text,
    section,
)
from handlers.context import HandlerContext
from handlers.create.codec import (
    ALL_BOLAG,
    ALL_NAMND,
    CASE_NUMBER,
    CONTACT,
    DEADLINE,
    DEADLINE_DATE,
    DESCRIPTION,
    DOCUMENT_FILE,
    DOCUMENTS,
    ELEMENT,
    MAX_LENGTH,
    QUESTION_KIND_CHOICES,
    QUESTIONS,
    RECIPIENT_GROUPS,
    RECIPIENTS,
    SENDER,
    SHORT_TITLE,
    TITLE,
    FormContext,
    FormValues,
    PendingRemiss,
    question_kind_block,
)
from handlers.remiss_blocks import button, remiss_message

# Actions and views only this module uses (the shared ones are in handlers/ids.py).
IMPORT_DOCUMENT = "draft.import"  # button in the form: push the file picker
CREATE_FROM_DOCUMENT = "draft.from_document"  # button under a file sent to the bot (value: file id)
BACK_TO_FORM = "draft.back_to_form"  # button in the preview
IMPORT_VIEW = "new_remiss_import"
IMPORT_FORMATS = ("txt", "docx", "pdf")

OPTIONS_LIMIT = 100


# -- Block Kit -------------------------------------------------------------------------------------------
def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain_text(text, OPTION_TEXT_LIMIT), "value": value}


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False, hint: str = "") -> Block:
    return input_block(block_id, label, {**element, "action_id": ELEMENT}, optional=optional, hint=hint)


def _text_input(name: str, initial: str, *, multiline: bool = False, placeholder: str = "") -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "max_length": MAX_LENGTH[name], "multiline": multiline}
    if initial:
        element["initial_value"] = initial[: MAX_LENGTH[name]]
    if placeholder:
        element["placeholder"] = plain_text(placeholder)
    return element


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

    part = partial(form_text, ctx)

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
            bid(SHORT_TITLE),
            part("short_title"),
            _text_input(SHORT_TITLE, values.short_title),
            optional=True,
            hint=part("short_title_hint"),
        ),
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
    blocks += _sender_input(part, directory, values, form)
    blocks += _recipient_inputs(part, directory, values.sender_in(form) or ctx.service.config.sender_key, values, bid)
    contact: dict[str, Any] = {"type": "users_select"}
    if values.contact_user:
        contact["initial_user"] = values.contact_user
    blocks.append(
        _input(
            bid(CONTACT), part("contact"), contact, optional=True, hint=part("contact_hint", current=form.contact_name)
        )
    )
    title = "title_edit_remiss" if form.editing else "title_new_remiss"
    return modal(texts, ids.NEW_REMISS_VIEW, title, blocks, form.encode(), submit="preview")


def new_form(ctx: HandlerContext, user_id: str) -> FormContext:
    """A new remiss's form for this coordinator: the sending offices they may choose, the default first."""
    return FormContext(offices=ctx.service.drafting.sending_offices(ctx.service.actor(user_id)))


def _sender_input(part: Callable[..., str], directory: Directory, values: FormValues, form: FormContext) -> list[Block]:
    """Avsändare: a select of the offices this coordinator sends from, when there is more than one."""
    offices = [o for o in (directory.get(key) for key in form.offices) if o is not None][:OPTIONS_LIMIT]
    if len(offices) < 2:
        return []
    options = [_option(o.name, o.key) for o in offices]
    chosen = values.sender_in(form)
    select: dict[str, Any] = {"type": "static_select", "options": options}
    select["initial_option"] = next((o for o in options if o["value"] == chosen), options[0])
    return [_input(form.block_id(SENDER), part("sender"), select, hint=part("sender_hint"))]


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
            groups.append({"label": plain_text(part(label)), "options": options})
            chosen += [option for option in options if option["value"] in values.recipients]
    if not groups:
        return [context(part("empty_directory"))]
    select: dict[str, Any] = {
        "type": "multi_static_select",
        "option_groups": groups,
        "placeholder": plain_text(part("recipients_placeholder")),
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
    """The remiss exactly as a recipient will see it, the date as understood, the recipients, and what each
    question asks for (ställningstagande, fritext, organisationsval; the suggestion chosen)."""
    texts = ctx.texts

    def part(name: str, **extra: object) -> str:
        return texts.part("slack/create_preview.j2", name, **extra)

    sender = directory.require(remiss.sender_key).name
    _, shown = remiss_message(texts, remiss, sender=sender, today=ctx.service.today(), preview=True)
    names = [directory.require(key).name for key in pending.recipients]
    blocks: list[Block] = [
        section(part("deadline_echo", deadline=pending.deadline, text=pending.form.deadline_text.strip())),
        *_deadline_flag(ctx, pending.deadline),
        section(part("short_title", remiss=remiss)),
        section(part("recipients", names=names)),
        divider(),
        context(part("intro")),
        *shown,
        divider(),
        section(part("kinds_intro")),
        *(_kind_input(ctx, q) for q in remiss.questions),
        {
            "type": "actions",
            "block_id": "preview_actions",
            "elements": [button(texts, "back", BACK_TO_FORM, "back")],
        },
    ]
    return modal(texts, ids.PREVIEW_VIEW, "title_preview", blocks, metadata, submit="save_draft")


def _kind_input(ctx: HandlerContext, question: Question) -> Block:
    """One short select per question (a phone shows ten of them well): what the question asks for, the
    suggestion (or the kind the coordinator chose before) chosen."""
    options = [_option(ctx.texts.label(f"question_kind_{k.value}"), k.value) for k in QUESTION_KIND_CHOICES]
    chosen = options[QUESTION_KIND_CHOICES.index(question.kind)]
    select = {"type": "static_select", "options": options, "initial_option": chosen}
    label = ctx.texts.part("slack/create_preview.j2", "kind_label", number=question.number, text=question.text)
    return _input(question_kind_block(question.number), label, select)


def _deadline_flag(ctx: HandlerContext, deadline: date) -> list[Block]:
    """A deadline on a weekend or holiday is accepted, but the coordinator is told before saving."""
    report = ctx.service.drafting.window_report(deadline)
    if report.deadline_is_working_day:
        return []
    text = ctx.texts.part(
        "slack/create_preview.j2",
        "deadline_not_working_day",
        deadline=deadline,
        holiday=report.deadline_holiday,
        last_working_day=working_day_on_or_before(ctx.service.config.calendar, deadline),
    )
    return [section(text)]


def notice_view(ctx: HandlerContext, text: str) -> Block:
    """A modal that only says something (a refusal, a lost form)."""
    return modal(ctx.texts, "remissbot_notice", "title_new_remiss", [section(text)], "")


def import_view(ctx: HandlerContext, root_view_id: str, form: FormContext) -> Block:
    texts = ctx.texts

    part = partial(form_text, ctx)

    blocks: list[Block] = [
        section(part("import_intro")),
        _input(
            DOCUMENT_FILE,
            part("import_file"),
            {"type": "file_input", "filetypes": list(IMPORT_FORMATS), "max_files": 1},
        ),
    ]
    metadata = json.dumps({"root": root_view_id, "form": form.encode()})
    return modal(texts, IMPORT_VIEW, "title_import", blocks, metadata, submit="read_document")


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
        "title": plain_text(part("confirm_title")),
        "text": plain_text(part("confirm_text", count=len(names))),
        "confirm": plain_text(texts.label("confirm_send")),
        "deny": plain_text(texts.label("cancel")),
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
        threshold = ctx.service.config.short_window_days
        lines.append(ctx.texts.part("slack/create_draft.j2", "window", window=window, threshold=threshold))
    head = [section(line) for line in lines]
    shown = _shown_remiss(ctx, ctx.service.directory.directory(), remiss, sum(len(line) for line in lines))
    return "\n".join(lines), [*head, *shown]


def _shown_remiss(ctx: HandlerContext, directory: Directory, remiss: Remiss, used: int) -> list[Block]:
    sender = directory.require(remiss.sender_key).name
    _, shown = remiss_message(ctx.texts, remiss, sender=sender, today=ctx.service.today(), preview=True)
    # Room for the lines around it and the buttons, within Slack's per-message limits.
    return fit(shown, MESSAGE_BLOCK_LIMIT - 4, "…", MESSAGE_TEXT_BUDGET - used - 500)


def form_text(ctx: HandlerContext, part: str, **extra: object) -> str:
    """A piece of the form's texts (templates/slack/create_form.j2)."""
    return ctx.texts.part("slack/create_form.j2", part, **extra)
