"""Errors the domain refuses with; each has a code the edges turn into a Swedish message."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Why something was refused. The Swedish wording lives in templates/messages.j2."""

    FIELD_REQUIRED = "field_required"
    FIELD_TOO_LONG = "field_too_long"
    SHORT_TITLE_TOO_LONG = "short_title_too_long"
    INVALID_ORG_KEY = "invalid_org_key"
    INVALID_CONTACT = "invalid_contact"
    DUPLICATE_ORG_KEY = "duplicate_org_key"
    UNKNOWN_ORGANISATION = "unknown_organisation"
    INVALID_CASE_NUMBER = "invalid_case_number"
    DUPLICATE_CASE_NUMBER = "duplicate_case_number"
    UNKNOWN_REMISS = "unknown_remiss"
    TOO_FEW_QUESTIONS = "too_few_questions"
    TOO_MANY_QUESTIONS = "too_many_questions"
    NO_RECIPIENTS = "no_recipients"
    INVALID_URL = "invalid_url"
    DEADLINE_IN_PAST = "deadline_in_past"
    REMISS_NOT_DRAFT = "remiss_not_draft"
    REMISS_NOT_OPEN = "remiss_not_open"
    REMISS_NOT_ENDED = "remiss_not_ended"  # archiving a remiss that is not closed or withdrawn
    NOT_COORDINATOR = "not_coordinator"
    OTHER_OFFICE = "other_office"  # a scoped coordinator and a remiss sent from another office
    NOT_A_SENDING_OFFICE = "not_a_sending_office"
    NOT_RECIPIENT_OFFICIAL = "not_recipient_official"
    NOT_A_RECIPIENT = "not_a_recipient"
    UNKNOWN_QUESTION = "unknown_question"
    ANSWER_MISSING = "answer_missing"
    DECISION_INCOMPLETE = "decision_incomplete"
    ALREADY_DECLINED = "already_declined"
    ALREADY_SUBMITTED = "already_submitted"
    NOTHING_TO_WITHDRAW = "nothing_to_withdraw"
    DEADLINE_PASSED = "deadline_passed"
    PLANNED_DATE_IN_PAST = "planned_date_in_past"
    FINAL_ANSWER_TOO_LATE = "final_answer_too_late"
    FINAL_ANSWER_EXPECTED = "final_answer_expected"
    HAND_OVER_TO_SELF = "hand_over_to_self"
    INVALID_EXTENSION = "invalid_extension"
    STORE_UNAVAILABLE = "store_unavailable"
    SNOOZE_AFTER_DEADLINE = "snooze_after_deadline"
    EXTENSION_NOT_LATER = "extension_not_later"
    REQUEST_ALREADY_DECIDED = "request_already_decided"
    EXTENSION_PENDING = "extension_pending"
    UNKNOWN_REQUEST = "unknown_request"
    INVALID_REMINDER_POLICY = "invalid_reminder_policy"
    DOCUMENT_TOO_LARGE = "document_too_large"
    DOCUMENT_TYPE_REFUSED = "document_type_refused"
    DOCUMENT_NOT_FETCHED = "document_not_fetched"
    DOCUMENT_NOT_FROM_SLACK = "document_not_from_slack"
    INVALID_PARAGRAPH = "invalid_paragraph"
    ALREADY_REGISTERED = "already_registered"
    NOT_IN_REGISTRY = "not_in_registry"
    INVALID_REGISTRY = "invalid_registry"
    INVALID_DRAFT_OWNER = "invalid_draft_owner"
    NO_DRAFT_OWNER = "no_draft_owner"
    DRAFT_INCOMPLETE = "draft_incomplete"
    AWAY_NOT_FUTURE = "away_not_future"
    REASSIGN_TO_SAME = "reassign_to_same"
    REASSIGN_TO_DEACTIVATED = "reassign_to_deactivated"
    REASSIGN_TO_BOT = "reassign_to_bot"
    STAND_IN_IS_CONTACT = "stand_in_is_contact"
    ALREADY_A_RECIPIENT = "already_a_recipient"
    ORGANISATION_INACTIVE = "organisation_inactive"
    NO_REACHABLE_CONTACT = "no_reachable_contact"
    ALREADY_SENT_TO_CONTACTS = "already_sent_to_contacts"
    OWN_DEADLINE_BEFORE_REMISS = "own_deadline_before_remiss"
    ALREADY_CLOSED = "already_closed"
    NOT_CLOSED = "not_closed"
    CLOSE_DRAFT = "close_draft"
    REMISS_WITHDRAWN = "remiss_withdrawn"
    WITHDRAW_CLOSED = "withdraw_closed"
    INVALID_PERIOD = "invalid_period"  # statistics from a date after their end date


class DomainError(Exception):
    """A refusal the user can act on.

    `params` fill the Swedish message; `field` names the form field it belongs to, so a modal can show
    the message next to that field.
    """

    def __init__(self, code: ErrorCode, *, field: str | None = None, **params: object) -> None:
        self.code = code
        self.field = field if field is not None else _field_param(params)
        self.params: dict[str, object] = params
        super().__init__(f"{code.value}: {params}" if params else code.value)


def _field_param(params: dict[str, object]) -> str | None:
    value = params.get("field")
    return value if isinstance(value, str) else None
