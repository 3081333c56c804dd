"""The official's answer: the form's context, drafts (from the form or written in chat), submitting,
declining, withdrawing, handing over to a colleague, and where the remiss DMs are."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.core.domain.outbox import DeliveryState, MessageKind, OutboxMessage, handed_over, to_registry
from bot.core.domain.remiss import (
    Answer,
    AuditAction,
    AuditEntry,
    Recipient,
    Remiss,
    ResponseContent,
    ResponseKind,
    normalise_case_number,
)
from bot.core.ports.store import Transaction
from bot.core.usecases.base import AlreadyHandled, UseCase
from bot.core.usecases.results import Actor, AssignmentRow


class AnsweringUseCases(UseCase):
    """What a responsible official (or a stand-in) does with a remiss sent to their organisation."""

    def answer_context(self, actor: Actor, case_number: str, organisation_key: str) -> AssignmentRow:
        """The recipient an official is about to answer for (its draft and versions), checking they may."""
        today = self.today()
        with self.store.read() as repo:
            # One lean read at every click in the answer form; the refusals below say what is missing.
            remiss, recipient, organisation = self._assignment(repo, actor, case_number, organisation_key)
        return AssignmentRow(remiss, recipient, organisation, recipient.status(today), today)

    def merge_draft_answers(
        self,
        actor: Actor,
        case_number: str,
        organisation_key: str,
        answers: dict[int, str],
        *,
        event_id: str | None = None,
    ) -> Recipient | None:
        """Answers written in chat ("Fråga 2: …") join the same draft the form edits; other answers stay.

        `event_id`, the Slack event that brought them, is marked handled in the same transaction; None (and
        nothing changed) when an earlier delivery of that event stored them already.
        """

        def merge(recipient: Recipient, remiss: Remiss, now: datetime) -> AuditEntry:
            base = recipient.draft.content if recipient.draft else ResponseContent(kind=ResponseKind.YTTRANDE)
            kept = [a for a in base.answers if a.question_number not in answers]
            added = [
                Answer(number, text, (base.answer_to(number) or Answer(number, "")).position)
                for number, text in answers.items()
            ]
            merged = replace(base, answers=tuple(sorted([*kept, *added], key=lambda a: a.question_number)))
            return recipient.save_draft(remiss, merged, actor.user_id, now)

        try:
            return self._act(actor, case_number, organisation_key, merge, event_id=event_id)
        except AlreadyHandled:
            return None

    def record_opened(self, actor: Actor, case_number: str, organisation_key: str) -> None:
        self._act(actor, case_number, organisation_key, lambda r, rem, now: r.open(rem, actor.user_id, now))

    def save_draft(self, actor: Actor, case_number: str, organisation_key: str, content: ResponseContent) -> None:
        self._act(
            actor,
            case_number,
            organisation_key,
            lambda r, rem, now: r.save_draft(rem, content, actor.user_id, now),
        )

    def submit(self, actor: Actor, case_number: str, organisation_key: str, content: ResponseContent) -> Recipient:
        """Submit (or edit) the recipient's response; every version is kept."""
        today = self.today()
        return self._act(
            actor,
            case_number,
            organisation_key,
            lambda r, rem, now: r.submit(rem, content, actor.user_id, now, today),
            then=self._to_sender_registry,
        )

    def _to_sender_registry(
        self, repo: Transaction, remiss: Remiss, recipient: Recipient, _previous: tuple[str, ...], entry: AuditEntry
    ) -> None:
        """Each submitted version goes to the sender's registry, to be registered as an incoming document."""
        if entry.action not in (AuditAction.SUBMITTED, AuditAction.EDITED):
            return  # a decline submitted through the form is no document to register
        sender = self.shared.cached_directory(repo).get(remiss.sender_key)
        version = int(entry.details_dict.get("version", "0"))
        kind = MessageKind.REGISTRY_ANSWER
        registry = sender.registry if sender else ()
        for copy in to_registry(
            kind, remiss.case_number, recipient.organisation_key, registry, entry.at, version=version, audit_id=entry.id
        ):
            repo.outbox.enqueue(copy)

    def decline(self, actor: Actor, case_number: str, organisation_key: str, reason: str = "") -> Recipient:
        return self._act(
            actor,
            case_number,
            organisation_key,
            lambda r, rem, now: r.decline(rem, reason, actor.user_id, now),
        )

    def withdraw(self, actor: Actor, case_number: str, organisation_key: str) -> Recipient:
        today = self.today()
        return self._act(
            actor,
            case_number,
            organisation_key,
            lambda r, rem, now: r.withdraw(rem, actor.user_id, now, today),
        )

    def hand_over(
        self, actor: Actor, case_number: str, organisation_key: str, to_user: str, note: str = ""
    ) -> Recipient:
        """Give the recipient's work to a colleague; the previous officials stay in the audit trail."""
        return self._act(
            actor,
            case_number,
            organisation_key,
            lambda r, rem, now: r.hand_over(rem, to_user, actor.user_id, now, note),
            then=self._tell_about_hand_over,
        )

    def _tell_about_hand_over(
        self, repo: Transaction, remiss: Remiss, recipient: Recipient, previous: tuple[str, ...], entry: AuditEntry
    ) -> None:
        """The colleague gets the remiss; whoever had it is told who has it now."""
        for user_id in recipient.officials:
            self._enqueue_remiss(repo, remiss, recipient.organisation_key, user_id, entry.at)
        for user_id in previous:
            repo.outbox.enqueue(handed_over(entry, recipient.organisation_key, user_id))

    def remiss_dms(self, case_number: str, organisation_key: str) -> list[OutboxMessage]:
        """The remiss DMs sent to the recipient's current officials, where they are in Slack."""
        case = normalise_case_number(case_number)
        with self.store.read() as repo:
            recipient = repo.remisses.get_recipient(case, organisation_key)
            messages = repo.outbox.messages_for(case, organisation_key)
        officials = set(recipient.officials) if recipient is not None else set()
        return [
            m
            for m in messages
            if m.kind is MessageKind.REMISS
            and m.state is DeliveryState.SENT
            and m.to_user in officials
            and m.channel_id
            and m.ts
        ]
