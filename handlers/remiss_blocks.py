"""The remiss message an official receives, and the coordinator's preview of it: pure Block Kit builders."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from bot.adapters.rendering import Texts, cut_slack_text
from bot.core.domain.audit import AuditEntry
from bot.core.domain.organisation import Organisation
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import AnswerRules, RecipientStatus, Remiss, RemissStatus
from bot.core.usecases.results import AssignmentRow, RemissOverview
from handlers import blocks, ids
from handlers.blocks import (
    MESSAGE_TEXT_BUDGET,
    SECTION_TEXT_LIMIT,
    Block,
    context,
    divider,
    header,
    section,
    text_size,
)

# Renders one named piece of templates/slack/remiss_message.j2.
_Part = Callable[..., str]


def button(
    texts: Texts, label: str, action_id: str, value: str, *, style: str | None = None, confirm: Block | None = None
) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": texts.label(label), "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    return element


def confirmation(texts: Texts, title: str, text: str, label: str, *, danger: bool = False) -> Block:
    """Slack's own "are you sure?" dialog on a button."""
    dialog: Block = {
        "title": {"type": "plain_text", "text": texts.label(title)},
        "text": {"type": "plain_text", "text": texts.label(text)},
        "confirm": {"type": "plain_text", "text": texts.label(label)},
        "deny": {"type": "plain_text", "text": texts.label("cancel")},
    }
    if danger:
        dialog["style"] = "danger"
    return dialog


def remiss_message(
    texts: Texts,
    remiss: Remiss,
    *,
    sender: str,
    today: date,
    organisation: Organisation | None = None,
    recipient: Recipient | None = None,
    preview: bool = False,
    handed_over: AuditEntry | None = None,
    rules: AnswerRules | None = None,
    show_author: bool = False,
    stands_in_for: tuple[str, ...] = (),
) -> tuple[str, list[Block]]:
    """Title, facts, description, documents, questions, deadline and the buttons that fit the recipient's state.

    `rules` say how long the recipient's answer may change (a preliminary answer's final one after the deadline).
    `stands_in_for`: the reader is a stand-in for these officials (the message says so). `show_author`: more
    than one person answers for the recipient, so its state says who answered or saved the draft.
    """
    deadline = recipient.deadline if recipient else remiss.deadline

    def part(name: str, **extra: object) -> str:
        return texts.part(
            "slack/remiss_message.j2",
            name,
            remiss=remiss,
            sender=sender,
            organisation=organisation,
            deadline=deadline,
            today=today,
            extended=deadline != remiss.deadline,
            **extra,
        )

    blocks: list[Block] = [header(part("header"))]
    if stands_in_for:
        blocks.append(context(stand_in_mark(texts, stands_in_for, organisation)))
    blocks += [section(part("title")), section(part("facts"))]
    if handed_over is not None:
        details = handed_over.details_dict
        previous = details.get("previous", "").split(",")[0]
        by = handed_over.actor if handed_over.actor not in details.get("previous", "").split(",") else ""
        blocks.append(context(part("handed_over", previous=previous, note=details.get("note", ""), by=by)))
    description_at = len(blocks)
    if remiss.documents:
        blocks.append(section(_documents(part, len(remiss.documents))))
    blocks += [header(part("questions_header"))]
    blocks += [section(part("question", question=q)) for q in remiss.questions]
    blocks.append(divider())
    if preview:
        blocks.append(context(part("preview_buttons", labels=preview_button_labels(texts))))
    elif recipient is not None:
        blocks += _state_and_actions(texts, part, remiss, recipient, today, rules or AnswerRules(), show_author)
    if remiss.description:
        # The questions must reach the official whole; the description gives way to Slack's cap on a
        # message's text (10 long questions and a long description exceed it), pointing to the documents.
        room = min(MESSAGE_TEXT_BUDGET - sum(text_size(b) for b in blocks), SECTION_TEXT_LIMIT)
        description = part("description")
        note = functools.partial(part, "description_cut")
        blocks.insert(description_at, section(cut_slack_text(description, room, lambda n: note(left_out=n))))
    return part("fallback"), blocks


def assignment_message(texts: Texts, row: AssignmentRow, *, sender: str) -> tuple[str, list[Block]]:
    """The recipient's remiss message as its reader sees it now (`row` from answering.answer_context): its state,
    its buttons, who answered when several answer for it, and for whom a stand-in reads it."""
    return remiss_message(
        texts,
        row.remiss,
        sender=sender,
        today=row.today,
        organisation=row.organisation,
        recipient=row.recipient,
        rules=row.rules,
        show_author=row.shared_work,
        stands_in_for=row.stands_in_for,
    )


def _documents(part: _Part, count: int) -> str:
    """As many whole document links as fit one section, then how many more there are."""
    shown = count
    text = part("documents", shown=shown)
    while len(text) > SECTION_TEXT_LIMIT and shown > 1:
        # Each step drops at least one link; usually the first estimate is already right.
        shown = min(shown - 1, shown * SECTION_TEXT_LIMIT // len(text))
        text = part("documents", shown=max(shown, 1))
    return text


def stand_in_mark(texts: Texts, officials: tuple[str, ...], organisation: Organisation | None) -> str:
    """ "Du är ersättare för …": on a stand-in's remiss DM, reminders and App Home."""
    return texts.part("slack/people.j2", "stand_in_mark", officials=officials, organisation=organisation)


def _state_and_actions(
    texts: Texts,
    part: _Part,
    remiss: Remiss,
    recipient: Recipient,
    today: date,
    rules: AnswerRules,
    show_author: bool = False,
) -> list[Block]:
    if remiss.status is RemissStatus.WITHDRAWN:  # no state, no buttons: nothing more is to be done
        return [section(part("withdrawn"))]
    status = recipient.status(today)
    current = recipient.current_response
    blocks: list[Block] = []
    at: datetime | None = None
    by = ""
    if current is not None:
        at, by = current.submitted_at, current.author
    elif recipient.draft is not None:
        at, by = recipient.draft.updated_at, recipient.draft.updated_by
    if status in (RecipientStatus.SUBMITTED, RecipientStatus.DECLINED, RecipientStatus.DRAFTING) and at:
        kind = current.kind.value if current else ""
        state = part(
            "state",
            state=status.value,
            kind=kind,
            at=at,
            planned=recipient.planned_board_date,
            changes_until=recipient.changes_until(rules),
            by=by if show_author else "",
            days_left=(recipient.deadline - today).days,
        )
        blocks.append(context(state))
    if remiss.status is RemissStatus.CLOSED:
        blocks.append(context(part("closed", answered=recipient.is_answered())))
    actions = recipient_actions(texts, remiss, recipient, today, rules)
    return [*blocks, actions] if actions else blocks


def recipient_actions(
    texts: Texts, remiss: Remiss, recipient: Recipient, today: date, rules: AnswerRules, *, in_chat: bool = True
) -> Block | None:
    """The buttons that fit the recipient's state: the same in the DM and on the App Home (which, having no
    thread to answer in, leaves out "Svara här i chatten"). After a preliminary answer, *Ändra svar* stays
    until its final answer is due, and *Begär anstånd* stays too. On a closed remiss an answer is still taken
    (inkom efter avslut): *Svara* (and *Avstå*) while none is given, *Ändra svar* while a final one is awaited."""
    value = ids.RecipientRef(remiss.case_number, recipient.organisation_key).encode()
    if remiss.status is RemissStatus.CLOSED:
        return _after_close_actions(texts, recipient, value)
    if not remiss.is_open:
        return None
    status = recipient.status(today)
    open_for_changes = today <= recipient.deadline
    if status is RecipientStatus.DECLINED:
        undo = confirmation(texts, "undo_decline_confirm_title", "undo_decline_confirm_text", "undo_decline")
        elements = [button(texts, "undo_decline", ids.WITHDRAW, value, confirm=undo)] if open_for_changes else []
    elif status is RecipientStatus.SUBMITTED:
        elements = (
            [button(texts, "change_answer", ids.ANSWER, value)] if today <= recipient.changes_until(rules) else []
        )
        if open_for_changes:  # it opens a modal that asks why, which is its confirmation too
            elements.append(button(texts, "withdraw", ids.WITHDRAW, value))
        if recipient.is_preliminary():
            elements.append(button(texts, "request_extension", ids.REQUEST_EXTENSION, value))
    else:
        elements = _unanswered_buttons(texts, value, in_chat=in_chat)
    if not elements:
        return None
    return {"type": "actions", "block_id": f"actions:{value}"[:255], "elements": elements}


def _unanswered_buttons(texts: Texts, value: str, *, in_chat: bool) -> list[Block]:
    """The buttons of a recipient that has not answered: what every recipient gets with a new remiss (and so
    what the coordinator's preview names)."""
    elements = [button(texts, "answer", ids.ANSWER, value, style="primary")]
    if in_chat:
        elements.append(button(texts, "answer_in_chat", ids.ANSWER_IN_CHAT, value))
    return [
        *elements,
        button(texts, "decline", ids.DECLINE, value),
        button(texts, "hand_over", ids.HAND_OVER, value),
        button(texts, "request_extension", ids.REQUEST_EXTENSION, value),
    ]


def preview_button_labels(texts: Texts) -> list[str]:
    """The labels of the buttons a recipient gets in the remiss DM, in order, from the code that builds them."""
    return [str(b["text"]["text"]) for b in _unanswered_buttons(texts, "preview", in_chat=True)]


def _after_close_actions(texts: Texts, recipient: Recipient, value: str) -> Block | None:
    current = recipient.current_response
    if current is None:
        elements = [
            button(texts, "answer", ids.ANSWER, value, style="primary"),
            button(texts, "decline", ids.DECLINE, value),
        ]
    elif recipient.is_preliminary():
        elements = [button(texts, "change_answer", ids.ANSWER, value)]
    else:
        return None
    return {"type": "actions", "block_id": f"actions:{value}"[:255], "elements": elements}


def resend_select(texts: Texts, overview: RemissOverview) -> Block | None:
    """*Skicka igen till …*: the recipients that have not answered, each sent again once confirmed."""
    rows = [row for row in overview.rows if not row.recipient.is_answered()][:100]
    if not rows:
        return None
    options = [
        {
            "text": blocks.plain_text(row.organisation.name, blocks.OPTION_TEXT_LIMIT),
            "value": ids.RecipientRef(overview.remiss.case_number, row.organisation.key).encode(),
        }
        for row in rows
    ]
    return {
        "type": "static_select",
        "action_id": ids.RESEND_PICK,
        "placeholder": blocks.plain_text(texts.label("resend_pick")),
        "options": options,
        "confirm": confirmation(texts, "resend_confirm_title", "resend_confirm_text", "resend"),
    }


def home_view(
    texts: Texts,
    assignments: list[AssignmentRow],
    overviews: list[RemissOverview] | None,
    drafts: list[blocks.Block] | None = None,
    away_until: date | None = None,
    status_actions: Callable[[RemissOverview], list[Block]] | None = None,
    closed: list[Block] | None = None,
    statistics: list[Block] | None = None,
) -> dict[str, Any]:
    """The App Home: whether I am away (with *Tillbaka nu*), what I have to answer (with the same buttons as
    the DM, and whom I stand in for), and for coordinators their drafts (`drafts`, built by
    handlers/draft_blocks.py), every open remiss recipient by recipient (each with `status_actions`), then the
    `closed` ones; last the coordinators' Svarshistorik (`statistics`, handlers/statistics.py), which is kept
    whole: the lists above it give way to Slack's block limit first."""
    shown: list[blocks.Block] = [blocks.header(texts.part("slack/home.j2", "to_answer_header"))]
    if away_until is not None:
        back = button(texts, "end_away", ids.END_AWAY, away_until.isoformat())
        shown.append({**section(texts.part("slack/people.j2", "home_away", until=away_until)), "accessory": back})
    for row in assignments:
        shown.append(
            blocks.section(
                texts.render(
                    "slack/assignment.j2",
                    remiss=row.remiss,
                    recipient=row.recipient,
                    organisation=row.organisation,
                    status=row.status,
                    days_left=row.days_left,
                )
            )
        )
        if row.stands_in_for:
            shown.append(context(stand_in_mark(texts, row.stands_in_for, row.organisation)))
        actions = recipient_actions(texts, row.remiss, row.recipient, row.today, row.rules, in_chat=False)
        if actions is not None:
            shown.append(actions)
    if not assignments:
        shown.append(blocks.section(texts.part("slack/home.j2", "nothing_to_answer")))
    elif away_until is None:
        shown.append(context(texts.part("slack/people.j2", "home_not_away")))
    shown += drafts or []
    if overviews is not None:
        shown += [blocks.divider(), blocks.header(texts.part("slack/home.j2", "open_header"))]
        if not overviews:
            shown.append(blocks.section(texts.render("slack/no_open_remisses.j2")))
        for overview in overviews:
            shown += blocks.remiss_status_message(texts, overview, short=True)[1]
            case_number = overview.remiss.case_number
            elements = [button(texts, "add_recipient", ids.ADD_RECIPIENT, case_number)]
            pick = resend_select(texts, overview)
            if pick is not None:
                elements.append(pick)
            shown.append({"type": "actions", "block_id": f"home_remiss:{case_number}"[:255], "elements": elements})
            if status_actions is not None:
                shown += status_actions(overview)
            shown.append(blocks.divider())
        shown += closed or []
    tail = statistics or []
    more = texts.part("slack/overflow.j2", "more")
    return {"type": "home", "blocks": [*blocks.fit(shown, blocks.HOME_BLOCK_LIMIT - len(tail), more), *tail]}
