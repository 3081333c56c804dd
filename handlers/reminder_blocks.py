"""The block ids of a reminder's and an escalation's rows, which carry their recipient back to the listeners."""

from __future__ import annotations

from handlers import ids
from handlers.payload import TamperedPayload

# The reminder's snooze row carries its recipient in its block_id: a datepicker has no value of its own.
SNOOZE_BLOCK = "reminder_snooze"
REMINDER_ACTIONS_BLOCK = "reminder_actions"
LATE_ROW_BLOCK = "late"


def snooze_block_id(ref: ids.RecipientRef) -> str:
    return f"{SNOOZE_BLOCK}:{ref.encode()}"[:255]


def late_row_block_id(ref: ids.RecipientRef) -> str:
    return f"{LATE_ROW_BLOCK}:{ref.encode()}"[:255]


def ref_of_block(block_id: object) -> ids.RecipientRef:
    """The recipient a reminder's or an escalation's block is about (`snooze_block_id`, `late_row_block_id`);
    anything else raises TamperedPayload."""
    if not isinstance(block_id, str):
        raise TamperedPayload(f"a block_id is not text: {type(block_id).__name__}")
    _, _, encoded = block_id.partition(":")
    return ids.RecipientRef.decode(encoded)
