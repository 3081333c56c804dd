"""Drafts in Slack: the coordinators' *Utkast* in the App Home (each with Öppna), and the notice offering to
open a draft whose case number is typed into a new remiss form; pure Block Kit builders."""

from __future__ import annotations

from collections.abc import Sequence

from bot.adapters.rendering import Texts
from bot.core.domain.drafts import has_real_owner
from bot.core.domain.remiss import Remiss
from bot.core.usecases.results import DraftRow
from handlers import ids
from handlers.blocks import Block, divider, header, modal, plain_text, section
from handlers.remiss_blocks import button

DRAFT_EXISTS_VIEW = "draft_exists"  # the notice pushed over the new remiss form; it is never submitted


def home_drafts(texts: Texts, drafts: Sequence[DraftRow]) -> list[Block]:
    """Utkast: every draft not yet sent, with Öppna; nothing at all when there is none."""
    if not drafts:
        return []
    shown: list[Block] = [divider(), header(texts.part("slack/home.j2", "drafts_header"))]
    for row in drafts:
        remiss = row.remiss
        text = texts.part(
            "slack/home.j2",
            "draft",
            remiss=remiss,
            names=[o.name for o in row.recipients],
            missing=row.missing,
            owner=remiss.coordinators[0] if has_real_owner(remiss) else "",
        )
        block = section(text)
        block["block_id"] = f"draft:{remiss.case_number}"[:255]
        block["accessory"] = button(texts, "open_draft", ids.OPEN_DRAFT, remiss.case_number)
        shown.append(block)
    return shown


def draft_exists_view(texts: Texts, remiss: Remiss) -> Block:
    """Pushed over the new remiss form when its case number is a draft's: Öppna utkastet, or Tillbaka to the
    form as it was typed (nothing typed is lost)."""
    block = section(texts.part("slack/create_draft.j2", "draft_exists", remiss=remiss))
    block["accessory"] = button(texts, "open_existing_draft", ids.OPEN_DRAFT, remiss.case_number, style="primary")
    view = modal(texts, DRAFT_EXISTS_VIEW, "title_draft_exists", [block], "")
    view["close"] = plain_text(texts.label("back"))
    return view
