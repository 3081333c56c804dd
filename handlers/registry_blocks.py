"""The registries' messages: a copy of the remiss for a recipient's registry, an incoming answer for the
sender's, each with Registrerad until it is registered, and the modal that asks for the number."""

from __future__ import annotations

from typing import Any

from bot.adapters.rendering import Texts
from bot.core.domain.organisation import Organisation
from bot.core.domain.recipient import Recipient
from bot.core.domain.registry import Registration, RegistryItem, RegistrySubject
from bot.core.domain.remiss import Remiss
from handlers import ids
from handlers.blocks import Block, context, plain_text, section
from handlers.remiss_blocks import button

TEMPLATE = "slack/registry.j2"
NUMBER = "registry_number"
NUMBER_BLOCK = NUMBER  # view_value reads the element whose action_id is its block_id
NUMBER_MAX = 40


def registry_message(
    texts: Texts,
    item: RegistryItem,
    remiss: Remiss,
    *,
    sender: str,
    organisation: Organisation,
    recipient: Recipient | None,
    registration: Registration | None = None,
) -> tuple[str, list[Block]]:
    """The copy as a registry sees it: what to register, then Registrerad, or who registered it and as what."""
    if item.subject is RegistrySubject.REMISS:
        officials = recipient.officials if recipient else ()
        text = texts.part(
            TEMPLATE, "remiss_copy", remiss=remiss, sender=sender, organisation=organisation, officials=officials
        )
    else:
        response = next((r for r in (recipient.responses if recipient else []) if r.version == item.version), None)
        if response is None:
            raise ValueError(f"{item} names no submitted version")
        text = texts.part(TEMPLATE, "answer_copy", remiss=remiss, organisation=organisation, response=response)
    blocks: list[Block] = [section(text)]
    if registration is None:
        register = button(texts, "register", ids.REGISTER, ids.RegistryRef(item).encode(), style="primary")
        blocks.append({"type": "actions", "block_id": "registry_actions", "elements": [register]})
    else:
        blocks.append(context(texts.part(TEMPLATE, "registered", registration=registration)))
    return text, blocks


def register_view(texts: Texts, item: RegistryItem, organisation: str, metadata: str) -> dict[str, Any]:
    """Asks the registrator for the number the remiss or the answer got in their diary."""
    intro = texts.part(
        TEMPLATE, "form_intro", subject=item.subject.value, organisation=organisation, case_number=item.case_number
    )
    element: Block = {
        "type": "plain_text_input",
        "action_id": NUMBER,
        "max_length": NUMBER_MAX,
        "placeholder": plain_text(texts.label("registry_number_placeholder")),
    }
    return {
        "type": "modal",
        "callback_id": ids.REGISTER_VIEW,
        "title": plain_text(texts.label("title_register")),
        "submit": plain_text(texts.label("register_submit")),
        "close": plain_text(texts.label("cancel")),
        "private_metadata": metadata,
        "blocks": [
            section(intro),
            {
                "type": "input",
                "block_id": NUMBER_BLOCK,
                "label": plain_text(texts.label("registry_number")),
                "element": element,
            },
        ],
    }
