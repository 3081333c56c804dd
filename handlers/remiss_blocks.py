"""The remiss message an official receives, and the coordinator's preview of it: pure Block Kit builders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from bot.domain.organisation import Organisation
from bot.domain.remiss import Recipient, RecipientStatus, Remiss
from bot.rendering import Texts
from handlers import ids
from handlers.blocks import Block, context, divider, header, section

# Renders one named piece of templates/slack/remiss_message.j2.
_Part = Callable[..., str]


def button(texts: Texts, label: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": texts.label(label), "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def remiss_message(
    texts: Texts,
    remiss: Remiss,
    *,
    sender: str,
    today: date,
    organisation: Organisation | None = None,
    recipient: Recipient | None = None,
    preview: bool = False,
) -> tuple[str, list[Block]]:
    """Title, facts, description, documents, questions, deadline and the buttons that fit the recipient's state."""
    deadline = recipient.deadline if recipient else remiss.deadline

    def part(name: str, **extra: object) -> str:
        return texts.render(
            "slack/remiss_message.j2",
            part=name,
            remiss=remiss,
            sender=sender,
            organisation=organisation,
            deadline=deadline,
            days_left=(deadline - today).days,
            extended=deadline != remiss.deadline,
            **extra,
        )

    blocks: list[Block] = [header(part("header")), section(part("title")), section(part("facts"))]
    if remiss.description:
        blocks.append(section(part("description")))
    if remiss.documents:
        blocks.append(section(part("documents")))
    blocks += [header(part("questions_header"))]
    blocks += [section(part("question", question=q)) for q in remiss.questions]
    blocks.append(divider())
    if preview:
        blocks.append(context(part("preview_buttons")))
    elif recipient is not None:
        blocks += _state_and_actions(texts, part, remiss, recipient, today)
    return part("fallback"), blocks


def _state_and_actions(texts: Texts, part: _Part, remiss: Remiss, recipient: Recipient, today: date) -> list[Block]:
    status = recipient.status(today)
    current = recipient.current_response
    blocks: list[Block] = []
    at: datetime | None = None
    if current is not None:
        at = current.submitted_at
    elif recipient.draft is not None:
        at = recipient.draft.updated_at
    if status in (RecipientStatus.SUBMITTED, RecipientStatus.DECLINED, RecipientStatus.DRAFTING) and at:
        kind = current.kind.value if current else ""
        blocks.append(context(part("state", state=status.value, kind=kind, at=at)))
    actions = recipient_actions(texts, remiss, recipient, today)
    return [*blocks, actions] if actions else blocks


def recipient_actions(texts: Texts, remiss: Remiss, recipient: Recipient, today: date) -> Block | None:
    """The buttons that fit the recipient's state: the same in the DM and on the App Home."""
    if not remiss.is_open:
        return None
    value = ids.RecipientRef(remiss.case_number, recipient.organisation_key).encode()
    status = recipient.status(today)
    open_for_changes = today <= recipient.deadline
    if status is RecipientStatus.DECLINED:
        elements = [button(texts, "undo_decline", ids.WITHDRAW, value)] if open_for_changes else []
    elif status is RecipientStatus.SUBMITTED:
        elements = (
            [button(texts, "change_answer", ids.ANSWER, value), button(texts, "withdraw", ids.WITHDRAW, value)]
            if open_for_changes
            else []
        )
    else:
        elements = [
            button(texts, "answer", ids.ANSWER, value, style="primary"),
            button(texts, "answer_in_chat", ids.ANSWER_IN_CHAT, value),
            button(texts, "decline", ids.DECLINE, value),
            button(texts, "hand_over", ids.HAND_OVER, value),
        ]
    if not elements:
        return None
    return {"type": "actions", "block_id": f"actions:{value}"[:255], "elements": elements}
