"""Block Kit action ids, view callback ids and the values they carry: one place, so listeners and views agree."""

from __future__ import annotations

from dataclasses import dataclass

from bot.adapters.logs import bind
from bot.core.domain.registry import RegistryItem, RegistrySubject
from handlers.payload import TamperedPayload

# Buttons on the remiss message an official receives (value: RecipientRef)
ANSWER = "remiss.answer"
DECLINE = "remiss.decline"
HAND_OVER = "remiss.hand_over"
WITHDRAW = "remiss.withdraw"  # Dra tillbaka svaret (opens a form for the reason) or Ångra avstående (at once)
ANSWER_IN_CHAT = "remiss.answer_in_chat"
USE_DOCUMENT_AS_ANSWER = "remiss.use_document_as_answer"  # under a yttrande dropped in the remiss thread
# Buttons the coordinator gets on a saved draft (value: case number)
SEND_DRAFT = "draft.send"
EDIT_DRAFT = "draft.edit"
OPEN_DRAFT = (
    "draft.open"  # Öppna, beside a draft under Utkast in the App Home, or offered when its number is typed again
)
# The summary (value: case number)
SUMMARY_PREVIEW = "summary.preview"
SUMMARY_PUBLISH = "summary.publish"
STATISTICS_CHART = "statistics.chart"  # Skicka diagram, under Svarshistorik in the App Home (coordinators)
# Reminders and anstånd (value: RecipientRef unless said otherwise)
INTEND_TO_ANSWER = "reminder.intend"  # the nudge's "Vi kommer att svara"
SNOOZE_TOMORROW = "reminder.snooze_tomorrow"
SNOOZE_DATE = "reminder.snooze_date"  # a datepicker in the reminder; its action_id carries no value: block_id does
REQUEST_EXTENSION = "extension.request"  # opens the request form
GRANT_EXTENSION = "extension.grant"  # value: request id
GRANT_OTHER_DATE = "extension.grant_other"  # value: request id; opens a form with a date
REFUSE_EXTENSION = "extension.refuse"  # value: request id
REMIND_AGAIN = "reminder.remind_again"  # on the coordinator's escalation
CHANGE_DEADLINE = "remiss.change_deadline"  # on the status message (value: case number)
REASSIGN = "remiss.reassign"  # Tilldela om, on the status message (value: case number)
END_AWAY = "people.end_away"  # Tillbaka nu, on the App Home (value: the user's last day away)
ADD_RECIPIENT = "remiss.add_recipient"  # on the status message and the App Home (value: case number)
RESEND = "remiss.resend"  # Skicka igen, on a directory's offer in the status thread (value: RecipientRef)
RESEND_PICK = "remiss.resend_pick"  # Skicka igen till …, a select on the status message (option values: RecipientRef)
HISTORY = "remiss.history"  # Historik, on the status message (value: case number): opens the audit trail
# Föregående (newer entries) / Nästa (older ones) in that modal (value: the page to show, from 0)
HISTORY_NEWER = "remiss.history_newer"
HISTORY_OLDER = "remiss.history_older"
CLOSE_REMISS = "remiss.close"  # Avsluta remissen, on the status message and the App Home (value: case number)
REOPEN_REMISS = "remiss.reopen"  # Återöppna (value: case number)
WITHDRAW_REMISS = "remiss.withdraw_remiss"  # Återkalla remissen: opens a form for the reason (value: case number)
REGISTER = "registry.register"  # Registrerad, on a registry's copy (value: RegistryRef)
# Views and shortcuts
NEW_REMISS_SHORTCUT = "new_remiss"
NEW_REMISS_VIEW = "new_remiss"
PREVIEW_VIEW = "new_remiss_preview"
ANSWER_VIEW = "answer"
ANSWER_LOADING_VIEW = "answer_loading"  # opened at once on Svara, inside the trigger's life; the form replaces it
DECLINE_VIEW = "decline"
HAND_OVER_VIEW = "hand_over"
WITHDRAW_ANSWER_VIEW = "withdraw_answer"  # why the answer is withdrawn (private_metadata: the Target)
EXTENSION_REQUEST_VIEW = "extension_request"
GRANT_OTHER_DATE_VIEW = "extension_grant_other"
CHANGE_DEADLINE_VIEW = "change_deadline"
REASSIGN_VIEW = "reassign"  # private_metadata: the case number
ADD_RECIPIENT_VIEW = "add_recipient"  # private_metadata: the case number
WITHDRAW_REMISS_VIEW = "withdraw_remiss"  # the reason (private_metadata: {"case_number": …})
REGISTER_VIEW = "registry.register"  # the number a registrator gives (private_metadata: RegistryRef + message)
MEETINGS_VIEW = "meetings"  # an organisation's board meetings and inlämningsdag (private_metadata: its key)
MEETINGS_ORGANISATION = "meetings.organisation"  # the organisation picker in that modal
HISTORY_VIEW = "history"  # Historik (private_metadata: the case number)

_SEPARATOR = "|"  # never in a case number or an organisation key


@dataclass(frozen=True)
class RecipientRef:
    """Which recipient of which remiss a button or view is about; carried in `value`/`private_metadata`."""

    case_number: str
    organisation_key: str

    def encode(self) -> str:
        return f"{self.organisation_key}{_SEPARATOR}{self.case_number}"

    @classmethod
    def decode(cls, value: object) -> RecipientRef:
        """The reference `encode` wrote; anything else raises TamperedPayload."""
        if not isinstance(value, str):
            raise TamperedPayload(f"a recipient reference is not text: {type(value).__name__}")
        organisation_key, separator, case_number = value.partition(_SEPARATOR)
        if not separator or not organisation_key or not case_number:
            raise TamperedPayload(f"not a recipient reference: {value[:60]!r}")
        bind(diarienummer=case_number)  # what the rest of this request's log lines are about
        return cls(case_number=case_number, organisation_key=organisation_key)


@dataclass(frozen=True)
class RegistryRef:
    """Which item a registry's Registrerad is about: the remiss at a recipient, or one version of its answer."""

    item: RegistryItem

    def encode(self) -> str:
        i = self.item
        return _SEPARATOR.join((i.subject.value, i.organisation_key, str(i.version), i.case_number))

    @classmethod
    def decode(cls, value: object) -> RegistryRef:
        """The reference `encode` wrote; anything else raises TamperedPayload."""
        if not isinstance(value, str):
            raise TamperedPayload(f"a registry reference is not text: {type(value).__name__}")
        parts = value.split(_SEPARATOR, 3)
        subjects = {s.value for s in RegistrySubject}
        if len(parts) != 4 or parts[0] not in subjects or not parts[1] or not parts[2].isdigit() or not parts[3]:
            raise TamperedPayload(f"not a registry reference: {value[:60]!r}")
        subject, organisation_key, version, case_number = parts
        bind(diarienummer=case_number)
        return cls(RegistryItem(RegistrySubject(subject), case_number, organisation_key, int(version)))
