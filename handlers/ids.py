"""Block Kit action ids, view callback ids and the values they carry: one place, so listeners and views agree."""

from __future__ import annotations

from dataclasses import dataclass

# Buttons on the remiss message an official receives (value: RecipientRef)
ANSWER = "remiss.answer"
DECLINE = "remiss.decline"
HAND_OVER = "remiss.hand_over"
WITHDRAW = "remiss.withdraw"
ANSWER_IN_CHAT = "remiss.answer_in_chat"
# Buttons the coordinator gets on a saved draft (value: case number)
SEND_DRAFT = "draft.send"
EDIT_DRAFT = "draft.edit"
# The summary (value: case number)
SUMMARY_PREVIEW = "summary.preview"
SUMMARY_PUBLISH = "summary.publish"
# Views and shortcuts
NEW_REMISS_SHORTCUT = "new_remiss"
NEW_REMISS_VIEW = "new_remiss"
PREVIEW_VIEW = "new_remiss_preview"
ANSWER_VIEW = "answer"
DECLINE_VIEW = "decline"
HAND_OVER_VIEW = "hand_over"

_SEPARATOR = "|"  # never in a case number or an organisation key


@dataclass(frozen=True)
class RecipientRef:
    """Which recipient of which remiss a button or view is about; carried in `value`/`private_metadata`."""

    case_number: str
    organisation_key: str

    def encode(self) -> str:
        return f"{self.organisation_key}{_SEPARATOR}{self.case_number}"

    @classmethod
    def decode(cls, value: str) -> RecipientRef:
        organisation_key, separator, case_number = value.partition(_SEPARATOR)
        if not separator or not organisation_key or not case_number:
            raise ValueError(f"not a recipient reference: {value!r}")
        return cls(case_number=case_number, organisation_key=organisation_key)
