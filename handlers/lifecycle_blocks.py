"""The coordinator's buttons for a remiss's life (Avsluta remissen, Återöppna, Återkalla remissen) and the
withdraw form: pure Block Kit builders, used by the status message and the App Home."""

from __future__ import annotations

import json
from typing import Any

from bot.adapters.rendering import Texts
from bot.core.domain.remiss import RecipientStatus, Remiss, RemissStatus
from bot.core.usecases.results import RemissOverview
from handlers import ids
from handlers.blocks import Block, context, input_block, modal, section
from handlers.remiss_blocks import button, confirmation

TEMPLATE = "slack/lifecycle.j2"
REASON = "withdraw_reason"  # the block id and action id of the reason's input
CLOSE_OFFER = "close_offer"  # the block id of the Avsluta remissen offered after the summary is published
MAX_REASON = 1000


def ready_to_close(overview: RemissOverview) -> bool:
    """Every recipient has answered (a preliminary answer's final one is still to come), or its own deadline
    has passed: closing is what is left to do."""
    return bool(overview.rows) and all(
        (row.recipient.is_answered() and not row.recipient.is_preliminary()) or row.status is RecipientStatus.OVERDUE
        for row in overview.rows
    )


def lifecycle_buttons(texts: Texts, overview: RemissOverview) -> list[Block]:
    """Avsluta remissen (prominent once it is ready to close) and Återkalla remissen while it is open; Återöppna
    once closed; nothing once withdrawn."""
    remiss = overview.remiss
    value = remiss.case_number
    if remiss.status is RemissStatus.CLOSED:
        return [button(texts, "reopen_remiss", ids.REOPEN_REMISS, value)]
    if remiss.status is not RemissStatus.SENT:
        return []
    sure = confirmation(texts, "close_remiss_confirm_title", "close_remiss_confirm_text", "close_remiss")
    style = "primary" if ready_to_close(overview) else None
    return [
        button(texts, "close_remiss", ids.CLOSE_REMISS, value, style=style, confirm=sure),
        button(texts, "withdraw_remiss", ids.WITHDRAW_REMISS, value),
    ]


def close_offer(texts: Texts, remiss: Remiss) -> list[Block]:
    """After the summary is published: Avsluta remissen, offered to the coordinator who published it."""
    sure = confirmation(texts, "close_remiss_confirm_title", "close_remiss_confirm_text", "close_remiss")
    close = button(texts, "close_remiss", ids.CLOSE_REMISS, remiss.case_number, style="primary", confirm=sure)
    return [
        section(texts.part(TEMPLATE, "close_offer", remiss=remiss)),
        {"type": "actions", "block_id": CLOSE_OFFER, "elements": [close]},
    ]


def home_status_actions(texts: Texts, overview: RemissOverview) -> list[Block]:
    """Under a remiss on the coordinator's App Home: the ready-to-close hint and the lifecycle buttons."""
    shown: list[Block] = []
    if overview.remiss.is_open and ready_to_close(overview):
        shown.append(context(texts.part(TEMPLATE, "ready_to_close")))
    elements = lifecycle_buttons(texts, overview)
    if elements:
        block_id = f"lifecycle:{overview.remiss.case_number}"[:255]
        shown.append({"type": "actions", "block_id": block_id, "elements": elements})
    return shown


def closed_blocks(texts: Texts, remisses: list[Remiss]) -> list[Block]:
    """The App Home's *Avslutade remisser*: one line each, with Återöppna."""
    if not remisses:
        return []
    shown: list[Block] = [section(texts.part(TEMPLATE, "closed_header").strip())]
    for remiss in remisses:
        line = section(texts.part(TEMPLATE, "closed_line", remiss=remiss))
        line["accessory"] = button(texts, "reopen_remiss", ids.REOPEN_REMISS, remiss.case_number)
        shown.append(line)
    return shown


def withdraw_view(texts: Texts, remiss: Remiss) -> dict[str, Any]:
    """Återkalla remissen: what it does, and the reason (required), which recipients and registries are told."""
    element: Block = {"type": "plain_text_input", "action_id": REASON, "multiline": True, "max_length": MAX_REASON}
    return modal(
        texts,
        ids.WITHDRAW_REMISS_VIEW,
        "title_withdraw_remiss",
        [
            section(texts.part(TEMPLATE, "withdraw_intro", remiss=remiss)),
            input_block(REASON, texts.label("withdraw_remiss_reason"), element, optional=False),
        ],
        json.dumps({"case_number": remiss.case_number}),
        submit="withdraw_remiss_submit",
    )
