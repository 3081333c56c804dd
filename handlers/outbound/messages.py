"""The messages the courier sends, rendered from the current state when they are sent: the remiss DM, notices,
reminders, escalations, the digest, anstånd, a moved deadline, and each remiss's status message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.adapters.rendering import Texts
from bot.core.domain.audit import AuditEntry
from bot.core.domain.organisation import Organisation
from bot.core.domain.outbox import MessageKind
from bot.core.domain.people import stands_in_for
from bot.core.domain.registry import RegistryItem, RegistrySubject
from bot.core.domain.reminders import ReminderKind
from bot.core.domain.remiss import Remiss
from bot.core.usecases.results import Delivery, RemissOverview
from handlers import blocks, ids
from handlers.lifecycle_blocks import lifecycle_buttons
from handlers.registry_blocks import registry_message
from handlers.reminder_blocks import REMINDER_ACTIONS_BLOCK, late_row_block_id, snooze_block_id
from handlers.remiss_blocks import button, remiss_message, resend_select, stand_in_mark

Block = dict[str, Any]
Renderer = Callable[[Texts, Delivery], tuple[str, list[Block]]]


@dataclass(frozen=True)
class Rendered:
    """A message ready to post: where, its text and blocks, and the thread it goes in."""

    channel: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None


def render(texts: Texts, d: Delivery) -> Rendered | None:
    """An outbox message as it is sent now: where to, its text and blocks; None while its status message
    is not posted yet (a thread line waits for it)."""
    kind = d.message.kind
    if kind is MessageKind.REMISS:
        text, body = refreshed_remiss_message(texts, d, str(d.message.to_user), handed_over=d.event)
        return Rendered(str(d.message.to_user), text, body)
    if kind is MessageKind.HANDED_OVER:
        return Rendered(str(d.message.to_user), *_handed_over(texts, d))
    if kind in RENDERERS:
        text, body = RENDERERS[kind](texts, d)
        if kind in (MessageKind.REMINDER, MessageKind.DEADLINE_CHANGED):
            body = [*_stand_in_mark(texts, d, str(d.message.to_user)), *body]
        return Rendered(str(d.message.to_user), text, body)
    if d.status is None or d.status.ts is None:
        return None
    if kind is MessageKind.EXTENSION_REQUEST:
        text, body = extension_request_message(texts, d)
        return Rendered(d.status.channel, text, body, thread_ts=d.status.ts)
    if kind is MessageKind.RESEND_OFFER:
        text, body = resend_offer_message(texts, d)
        return Rendered(d.status.channel, text, body, thread_ts=d.status.ts)
    if kind is MessageKind.SUMMARY_READY:
        everyone = d.recipients_answered
        reason = "all_answered" if everyone else "deadline_passed"
        text = texts.part("slack/summary.j2", "ready", reason=reason, case_number=d.remiss.case_number)
        preview = button(texts, "summary_preview", ids.SUMMARY_PREVIEW, d.remiss.case_number, style="primary")
        body = [blocks.section(text), {"type": "actions", "block_id": "summary_ready", "elements": [preview]}]
        return Rendered(d.status.channel, text, body, thread_ts=d.status.ts)
    if d.event is None:
        return None
    text = texts.render("slack/status_event.j2", event=d.event, organisation=d.organisation)
    return Rendered(d.status.channel, text, [blocks.section(text)], thread_ts=d.status.ts)


def refreshed_remiss_message(
    texts: Texts, d: Delivery, to_user: str, *, handed_over: AuditEntry | None = None
) -> tuple[str, list[Block]]:
    """A remiss DM to `to_user` as it reads now: the first one (saying who handed it over, if someone did), or
    an edit of one already sent (a new deadline, or what another official or stand-in did). A stand-in's says
    whom they stand in for."""
    text, body = remiss_message(
        texts,
        d.remiss,
        sender=d.sender_name,
        today=d.today,
        organisation=d.organisation,
        recipient=d.recipient,
        handed_over=handed_over,
        rules=d.rules,
        show_author=bool(d.stand_ins),
        stands_in_for=_stands_in_for(d, to_user),
    )
    return text, body


def _stands_in_for(d: Delivery, to_user: str) -> tuple[str, ...]:
    officials = d.recipient.officials if d.recipient else ()
    return stands_in_for(to_user, officials, d.stand_ins)


def _stand_in_mark(texts: Texts, d: Delivery, to_user: str) -> list[Block]:
    """ "Du är ersättare för …" on a stand-in's reminders; nothing for an official."""
    officials = _stands_in_for(d, to_user)
    if not officials:
        return []
    return [blocks.context(stand_in_mark(texts, officials, d.organisation))]


def _handed_over(texts: Texts, d: Delivery) -> tuple[str, list[Block]]:
    """To who had the remiss: who has it now; reassigned by a coordinator, by whom and with their note."""
    details = d.event.details_dict if d.event else {}
    to = details.get("to", "")
    if (
        d.event is not None
        and d.event.actor != d.message.to_user
        and d.event.actor not in details.get("previous", "").split(",")
    ):
        text = texts.part(
            "slack/people.j2",
            "reassigned",
            remiss=d.remiss,
            organisation=d.organisation,
            to=to,
            by=d.event.actor,
            note=details.get("note", ""),
        )
    else:
        text = texts.part("slack/notices.j2", "handed_over", remiss=d.remiss, organisation=d.organisation, to=to)
    return text, [blocks.section(text)]


def status_message(texts: Texts, overview: RemissOverview) -> tuple[str, list[Block]]:
    """A remiss's status message in the coordinators' channel: Sammanställning; while open Ändra svarsdatum,
    Tilldela om, Lägg till remissinstans and Skicka igen till … (a recipient whose contacts changed or were
    missing); Avsluta remissen and Återkalla remissen while open, Återöppna once closed; and Historik (the audit
    trail)."""
    case_number = overview.remiss.case_number
    actions = [button(texts, "summary_preview", ids.SUMMARY_PREVIEW, case_number)]
    if overview.remiss.is_open:
        actions.append(button(texts, "change_deadline", ids.CHANGE_DEADLINE, case_number))
        actions.append(button(texts, "reassign", ids.REASSIGN, case_number))
        actions.append(button(texts, "add_recipient", ids.ADD_RECIPIENT, case_number))
        pick = resend_select(texts, overview)
        if pick is not None:
            actions.append(pick)
    actions += lifecycle_buttons(texts, overview)
    actions.append(button(texts, "history", ids.HISTORY, case_number))
    buttons = {"type": "actions", "block_id": "status_actions", "elements": actions}
    # The buttons (the pick of recipients to send again to names up to a hundred) count towards Slack's limits.
    text, body = blocks.remiss_status_message(texts, overview, below=buttons)
    return text, [*body, buttons]


def resend_offer_message(texts: Texts, d: Delivery) -> tuple[str, list[Block]]:
    """In the status thread: a loaded directory gives this recipient contacts; *Skicka igen* while it is open."""
    organisation = d.organisation
    if organisation is None:
        raise ValueError(f"resend offer {d.message.key} names no organisation")
    text = texts.part(
        "slack/recipients.j2", "offer", organisation=organisation, contacts=organisation.contacts, recipient=d.recipient
    )
    body = [blocks.section(text)]
    if d.remiss.is_open:
        ref = ids.RecipientRef(d.remiss.case_number, organisation.key).encode()
        again = button(texts, "resend", ids.RESEND, ref, style="primary")
        body.append({"type": "actions", "block_id": f"resend:{ref}"[:255], "elements": [again]})
    return text, body


def _one_section(part: str) -> Renderer:
    def render(texts: Texts, d: Delivery) -> tuple[str, list[Block]]:
        text = texts.part("slack/reminders.j2", part, d=d, today=d.today)
        return text, [blocks.section(text)]

    return render


def _part(texts: Texts, part: str, d: Delivery, **extra: object) -> str:
    return texts.part("slack/reminders.j2", part, d=d, today=d.today, **extra)


def _actions(block_id: str, elements: list[Block]) -> Block:
    return {"type": "actions", "block_id": block_id[:255], "elements": elements}


def reminder_actions(texts: Texts, ref: ids.RecipientRef, *, nudge: bool, final: bool = False) -> Block:
    """The nudge asks for intent (Vi kommer att svara / Avstå / Behöver mer tid); the others offer Svara.
    Asking for a preliminary answer's final one leaves out Avstå: they have answered."""
    value = ref.encode()
    first = (
        button(texts, "reminder_intend", ids.INTEND_TO_ANSWER, value, style="primary")
        if nudge
        else button(texts, "answer", ids.ANSWER, value, style="primary")
    )
    return _actions(
        f"{REMINDER_ACTIONS_BLOCK}:{value}",
        [
            first,
            *([] if final else [button(texts, "decline", ids.DECLINE, value)]),
            button(texts, "reminder_need_more_time", ids.REQUEST_EXTENSION, value),
        ],
    )


def snooze_actions(texts: Texts, ref: ids.RecipientRef) -> Block:
    """ "Påminn mig i morgon" and a date: the reminders before that day are left out."""
    datepicker: Block = {
        "type": "datepicker",
        "action_id": ids.SNOOZE_DATE,
        "placeholder": {"type": "plain_text", "text": texts.label("reminder_snooze_date"), "emoji": True},
    }
    tomorrow = button(texts, "reminder_snooze_tomorrow", ids.SNOOZE_TOMORROW, ref.encode())
    return _actions(snooze_block_id(ref), [tomorrow, datepicker])


def reminder_message(texts: Texts, d: Delivery) -> tuple[str, list[Block]]:
    """The DM to an official: how many working days are left, what is missing, the board meeting, buttons.

    Snoozing is offered while there is a working day left before the deadline; the deadline's morning and
    the overdue reminder come whatever was asked, so they don't offer it.
    """
    r = d.reminder
    if r is None or d.organisation is None or d.recipient is None:  # the recipient is gone: say only what
        text = _part(texts, "reminder_closed", d)
        return text, [blocks.section(text)]
    text = _part(texts, "reminder", d)
    body = [blocks.section(text)]
    # The inlämningsdag reminder is about the meeting already; the others add it as a line of its own.
    if r.meeting is not None and r.working_days_left >= 0 and r.kind is not ReminderKind.BEFORE_SUBMISSION:
        advice = _part(texts, "reminder_meeting", d)
        if advice:
            body.append(blocks.section(advice))
            text = f"{text}\n{advice}"
    if d.remiss.is_open:
        ref = ids.RecipientRef(d.remiss.case_number, d.organisation.key)
        nudge = r.kind is ReminderKind.NUDGE_UNOPENED
        body.append(reminder_actions(texts, ref, nudge=nudge, final=r.kind is ReminderKind.FINAL_ANSWER))
        if not nudge and r.working_days_left >= 1 and r.kind is not ReminderKind.FINAL_ANSWER:
            body.append(snooze_actions(texts, ref))
    return text, body


def escalation_message(texts: Texts, d: Delivery) -> tuple[str, list[Block]]:
    """To the coordinator: who is late on this remiss, each with "Påminn igen" (when it has a Slack contact)."""
    late = d.reminder.late if d.reminder is not None else []
    text = _part(texts, "escalation", d)
    body = [blocks.section(text)]
    lines = [text]
    for row in late:
        line = _part(texts, "escalation_row", d, row=row)
        lines.append(line)
        ref = ids.RecipientRef(d.remiss.case_number, row.organisation.key)
        block = {**blocks.section(line), "block_id": late_row_block_id(ref)}
        if row.recipient.officials and d.remiss.is_open:
            block["accessory"] = button(texts, "reminder_remind_again", ids.REMIND_AGAIN, ref.encode())
        body.append(block)
    overflow = _part(texts, "escalation_overflow", d)
    fitted = blocks.fit(body, blocks.MESSAGE_BLOCK_LIMIT, overflow, blocks.MESSAGE_TEXT_BUDGET)
    return "\n".join(lines), fitted


@dataclass(frozen=True)
class DueThisWeek:
    """A deadline in the digest's week: a remiss's own (with who has not answered) or a recipient's anstånd."""

    day: date
    remiss: Remiss
    organisations: list[Organisation]
    total: int = 0
    extended: bool = False


def due_this_week(overviews: list[RemissOverview], today: date) -> list[DueThisWeek]:
    """Deadlines from Monday to Sunday of `today`'s week: each remiss's, and recipients' own after anstånd."""
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)
    found: list[DueThisWeek] = []
    for o in overviews:
        remiss = o.remiss
        if monday <= remiss.deadline <= sunday:
            bound = [row for row in o.rows if row.recipient.deadline == remiss.deadline]
            waiting = [row.organisation for row in bound if not row.recipient.is_answered()]
            found.append(DueThisWeek(remiss.deadline, remiss, waiting, total=len(bound)))
        own: dict[date, list[Organisation]] = {}
        for row in o.rows:
            day = row.recipient.deadline
            if day != remiss.deadline and monday <= day <= sunday and not row.recipient.is_answered():
                own.setdefault(day, []).append(row.organisation)
        found += [DueThisWeek(day, remiss, orgs, total=len(orgs), extended=True) for day, orgs in own.items()]
    return sorted(found, key=lambda due: (due.day, due.remiss.case_number, due.extended))


def digest_message(texts: Texts, d: Delivery) -> tuple[str, list[Block]]:
    """The coordinators' morning digest: what is due this week, then every open remiss and who is late."""
    header = _part(texts, "digest_header", d)
    week = _part(texts, "digest_week", d, week=due_this_week(d.digest, d.today))
    body: list[Block] = [blocks.header(header), *blocks.sections_from_lines(week.splitlines()), blocks.divider()]
    if d.digest:
        lines = [
            _part(texts, "digest_remiss", d, o=o, left=d.digest_days_left.get(o.remiss.case_number)) for o in d.digest
        ]
        body += blocks.sections_from_lines([_part(texts, "digest_open_header", d), *lines])
    else:
        lines = [_part(texts, "digest_none", d)]
        body.append(blocks.section(lines[0]))
    if d.closed:
        closed = [_part(texts, "digest_closed_header", d), *(_part(texts, "digest_closed", d, r=r) for r in d.closed)]
        body += blocks.sections_from_lines(closed)
        lines += closed
    overflow = _part(texts, "digest_overflow", d)
    fitted = blocks.fit(body, blocks.MESSAGE_BLOCK_LIMIT, overflow, blocks.MESSAGE_TEXT_BUDGET)
    return "\n".join([header, week, *lines]), fitted


def extension_request_message(texts: Texts, d: Delivery) -> tuple[str, list[Block]]:
    """The coordinator's copy of a request for anstånd, in the status thread: Bevilja, Bevilja annat datum and
    Avslå while it is pending; once decided, who decided what instead of the buttons (so nobody clicks twice)."""
    text = texts.part("slack/reminders.j2", "extension_request", d=d, today=d.today)
    body = [blocks.section(text)]
    request = d.request
    if request is None or request.id is None:
        return text, body
    if not request.is_pending:
        decided = texts.part("slack/reminders.j2", "extension_request_decided", d=d, today=d.today)
        return f"{text}\n{decided}", [*body, blocks.context(decided)]
    if d.remiss.is_open:
        value = str(request.id)
        choices = [
            button(texts, "grant_extension", ids.GRANT_EXTENSION, value, style="primary"),
            button(texts, "grant_other_date", ids.GRANT_OTHER_DATE, value),
            button(texts, "refuse_extension", ids.REFUSE_EXTENSION, value, style="danger"),
        ]
        body.append({"type": "actions", "block_id": f"extension:{value}", "elements": choices})
    return text, body


def extension_decided_message(texts: Texts, d: Delivery) -> tuple[str, list[Block]]:
    return _one_section("extension_decided")(texts, d)


def deadline_changed_message(texts: Texts, d: Delivery) -> tuple[str, list[Block]]:
    return _one_section("deadline_changed")(texts, d)


# Kinds sent on their own to `to_user` (a person or a channel); EXTENSION_REQUEST goes in the status thread.
def registry_copy(texts: Texts, d: Delivery) -> tuple[str, list[Block]]:
    """A registry's copy: the remiss for a recipient's registry, or the answer version its submission names."""
    if d.organisation is None:
        raise ValueError(f"registry copy {d.message.key} names no organisation")
    if d.message.kind is MessageKind.REGISTRY_REMISS:
        item = RegistryItem(RegistrySubject.REMISS, d.remiss.case_number, d.organisation.key)
    else:
        version = int(d.event.details_dict.get("version", "0")) if d.event else 0
        item = RegistryItem(RegistrySubject.ANSWER, d.remiss.case_number, d.organisation.key, version)
    return registry_message(
        texts, item, d.remiss, sender=d.sender_name, organisation=d.organisation, recipient=d.recipient
    )


def registry_withdrawn(texts: Texts, d: Delivery) -> tuple[str, list[Block]]:
    """A recipient's registry is told the remiss it registered was withdrawn (återkallad), and why."""
    if d.organisation is None:
        raise ValueError(f"registry notice {d.message.key} names no organisation")
    text = texts.part("slack/registry.j2", "withdrawn_notice", remiss=d.remiss, organisation=d.organisation)
    return text, [blocks.section(text)]


RENDERERS: dict[MessageKind, Renderer] = {
    MessageKind.REGISTRY_WITHDRAWN: registry_withdrawn,
    MessageKind.REGISTRY_REMISS: registry_copy,
    MessageKind.REGISTRY_ANSWER: registry_copy,
    MessageKind.REMINDER: reminder_message,
    MessageKind.ESCALATION: escalation_message,
    MessageKind.DIGEST: digest_message,
    MessageKind.EXTENSION_DECIDED: extension_decided_message,
    MessageKind.DEADLINE_CHANGED: deadline_changed_message,
}
