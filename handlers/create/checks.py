"""Checking the create form: every refusal it deserves at once, each keyed by the field it is about."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from typing import Any

from bot.adapters.dates import parse_swedish_date
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.offices import coordinates
from bot.core.domain.organisation import Directory
from bot.core.domain.remiss import Question, Remiss, RemissStatus, normalise_case_number, suggested_question_kind
from bot.core.usecases.results import Actor
from handlers.context import HandlerContext
from handlers.create.codec import (
    CASE_NUMBER,
    DEADLINE,
    DEADLINE_DATE,
    DOCUMENTS,
    FORM_FIELDS,
    RECIPIENTS,
    TITLE,
    FormContext,
    FormValues,
    PendingRemiss,
    parse_documents,
    recipient_keys,
)
from handlers.create.views import form_text


@dataclass
class Checked:
    """The outcome of checking a form: the remiss it would be, or messages per field."""

    remiss: Remiss | None = None
    pending: PendingRemiss | None = None
    errors: dict[str, str] = field(default_factory=dict)
    # A new form whose case number is a draft's: offered to open that draft rather than refused as a duplicate.
    existing_draft: Remiss | None = None


def check_form(
    ctx: HandlerContext, actor: Actor, values: FormValues, form: FormContext, directory: Directory, contact_name: str
) -> Checked:
    """Every refusal the form deserves at once where possible, each keyed by the field it is about."""
    service, texts = ctx.service, ctx.texts
    result = Checked()
    today = service.today()
    # The number of a draft: offered to open that draft, whatever else the form says.
    typed = normalise_case_number(values.case_number) if not form.editing else ""
    draft = existing_remiss(ctx, typed) if typed else None
    # Only a draft of an office the actor coordinates; another office's is refused as a duplicate number below.
    if draft is not None and draft.status is RemissStatus.DRAFT and coordinates(actor.offices, draft.sender_key):
        result.existing_draft = draft
        return result

    def refuse(error: DomainError, fallback: str = TITLE) -> None:
        result.errors.setdefault(error.field or fallback, texts.error(error))

    deadline = _deadline(ctx, values, today, result.errors)
    try:
        parse_documents(values.documents)
    except DomainError as error:
        line = str(error.params["line"])
        result.errors[DOCUMENTS] = form_text(ctx, "error_document_line", line=line)
    try:
        keys = recipient_keys(values, directory, values.sender_in(form) or service.config.sender_key)
        if not keys:
            refuse(DomainError(ErrorCode.NO_RECIPIENTS, field=RECIPIENTS))
    except DomainError as error:  # a key that left the directory while the form was open
        refuse(error, RECIPIENTS)
        keys = ()
    # The form is read into the very RemissInput saving it would give the service (a bad document line left out,
    # so the other fields are still checked), and that input checked by the domain's rule for a draft.
    readable = values if DOCUMENTS not in result.errors else replace(values, documents="")
    suggested = {n: suggested_question_kind(q) for n, q in enumerate(values.question_texts(), start=1)}
    data = PendingRemiss(readable, form, deadline or today, keys, contact_name).remiss_input(suggested)
    try:
        remiss = service.drafting.check_draft(actor, data)
    except DomainError as error:
        refuse(error)
        return result
    existing = None if form.editing or result.errors else existing_remiss(ctx, remiss.case_number)
    if existing is not None:
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
    part = partial(form_text, ctx)
    picked = date.fromisoformat(values.deadline_date) if values.deadline_date else None
    text = values.deadline_text.strip()
    if not text:
        if picked is None:
            errors[DEADLINE] = ctx.texts.error(DomainError(ErrorCode.FIELD_REQUIRED, field=DEADLINE))
        return picked
    parsed = parse_swedish_date(text, today=today, tz=ctx.service.config.tz)
    if parsed is None:
        errors[DEADLINE] = part("error_deadline_unparseable", text=text)
    elif picked is not None and picked != parsed:
        errors[DEADLINE] = part("error_deadline_conflict", parsed=parsed, picked=picked)
    return parsed


def existing_remiss(ctx: HandlerContext, case_number: str) -> Remiss | None:
    """The remiss (sent or a draft) with this case number, if there is one."""
    try:
        return ctx.service.queries.overview(case_number).remiss
    except DomainError as error:
        if error.code is ErrorCode.UNKNOWN_REMISS:
            return None
        raise


def _kept_kinds(ctx: HandlerContext, case_number: str, remiss: Remiss) -> tuple[Question, ...]:
    """When editing, a question the draft already had keeps the kind the coordinator chose; only new
    questions get a suggestion."""
    before = {q.text: q.kind for q in ctx.service.queries.overview(case_number).remiss.questions}
    return tuple(replace(q, kind=before.get(q.text, q.kind)) for q in remiss.questions)


def error_blocks(
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
