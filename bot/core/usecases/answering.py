"""The official's answer: the form's context, drafts (from the form or written in chat), submitting,
declining, withdrawing, handing over to a colleague, and where the remiss DMs are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot.core.domain.answer_reading import DocumentRead, answer_written_in_chat, with_documents
from bot.core.domain.audit import AuditAction, AuditEntry
from bot.core.domain.documents import StoredDocument
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.outbox import DeliveryState, MessageKind, OutboxMessage, handed_over, to_registry
from bot.core.domain.people import remiss_addressees, stands_in_for
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import (
    Remiss,
    ResponseContent,
    ResponseKind,
    normalise_case_number,
)
from bot.core.ports.store import Transaction
from bot.core.usecases.base import AlreadyHandled, Shared, Then, UseCase
from bot.core.usecases.planning import ReminderPlanner
from bot.core.usecases.results import Actor, AssignmentRow


class AnsweringUseCases(UseCase):
    """What a responsible official (or a stand-in) does with a remiss sent to their organisation."""

    def __init__(self, shared: Shared, planner: ReminderPlanner) -> None:
        super().__init__(shared)
        self.planner = planner

    def answer_context(self, actor: Actor, case_number: str, organisation_key: str) -> AssignmentRow:
        """The recipient an official is about to answer for (its draft and versions), checking they may."""
        today = self.today()
        with self.store.read() as repo:
            # One lean read at every click in the answer form; the refusals below say what is missing.
            remiss, recipient, organisation = self._assignment(repo, actor, case_number, organisation_key)
            stand_ins = self.shared.stand_ins_in(repo, organisation)
        return AssignmentRow(
            remiss,
            recipient,
            organisation,
            recipient.status(today),
            today,
            self.config.answer_rules,
            stands_in_for=stands_in_for(actor.user_id, recipient.officials, stand_ins),
            shared_work=len(remiss_addressees(recipient.officials, stand_ins)) > 1,
        )

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
                answer_written_in_chat(remiss.question(number), text, base.answer_to(number))
                for number, text in answers.items()
            ]
            merged = replace(base, answers=tuple(sorted([*kept, *added], key=lambda a: a.question_number)))
            return recipient.save_draft(remiss, merged, actor.user_id, now)

        try:
            return self._act(actor, case_number, organisation_key, merge, event_id=event_id)
        except AlreadyHandled:
            return None

    def add_documents_to_draft(
        self,
        actor: Actor,
        case_number: str,
        organisation_key: str,
        reads: Sequence[DocumentRead],
        documents: Sequence[Document],
        *,
        event_id: str | None = None,
    ) -> Recipient | None:
        """Documents dropped in the remiss thread join the draft (the one the form edits, else the answer being
        edited), with what was read in them where the draft is empty; their bytes are stored in the same
        transaction. None when an earlier delivery of the Slack event `event_id` added them already."""

        def add(recipient: Recipient, remiss: Remiss, now: datetime) -> AuditEntry:
            base = recipient.draft.content if recipient.draft else None
            current = recipient.current_response
            if base is None and current is not None and current.kind is not ResponseKind.DECLINED:
                base = current.content
            attachments = [read.attachment for read in reads]
            merged = with_documents(
                base or ResponseContent(kind=ResponseKind.YTTRANDE), attachments, reads, remiss.questions
            )
            return recipient.save_draft(remiss, merged, actor.user_id, now)

        try:
            return self._act(actor, case_number, organisation_key, add, then=_storing(documents), event_id=event_id)
        except AlreadyHandled:
            return None

    def record_opened(self, actor: Actor, case_number: str, organisation_key: str) -> None:
        self._act(actor, case_number, organisation_key, lambda r, rem, now: r.open(rem, actor.user_id, now))

    def save_draft(
        self,
        actor: Actor,
        case_number: str,
        organisation_key: str,
        content: ResponseContent,
        documents: Sequence[Document] = (),
    ) -> Recipient:
        """Keep the form's content as the draft, with the bytes of the files it newly carries (`documents`)
        stored in the same transaction; the recipient as stored."""
        return self._act(
            actor,
            case_number,
            organisation_key,
            lambda r, rem, now: r.save_draft(rem, content, actor.user_id, now),
            then=_storing(documents),
        )

    def submit(
        self,
        actor: Actor,
        case_number: str,
        organisation_key: str,
        content: ResponseContent,
        documents: Sequence[Document] = (),
        reason: str = "",
    ) -> Recipient:
        """Submit (or change) the recipient's response; every version is kept, a change with the official's
        `reason` for it. The bytes of the files it newly carries (`documents`) are stored in the same
        transaction: no answer without its files. A final answer refused as too late is kept as the draft (with
        its files), so nothing is lost while the official asks the coordinator."""
        today = self.today()
        store = _storing(documents)

        def then(
            repo: Transaction, remiss: Remiss, recipient: Recipient, previous: tuple[str, ...], e: AuditEntry
        ) -> None:
            if store is not None:
                store(repo, remiss, recipient, previous, e)
            self._plan_final_reminders(repo, remiss, recipient, previous, e)
            self._to_sender_registry(repo, remiss, recipient, previous, e)

        try:
            return self._act(
                actor,
                case_number,
                organisation_key,
                lambda r, rem, now: r.submit(rem, content, actor.user_id, now, today, self.config.answer_rules, reason),
                then=then,
            )
        except DomainError as refused:
            if refused.code is ErrorCode.FINAL_ANSWER_TOO_LATE:
                self.save_draft(actor, case_number, organisation_key, content, documents)
                refused.params["kept"] = True
            raise

    def _plan_final_reminders(
        self, repo: Transaction, remiss: Remiss, recipient: Recipient, _previous: tuple[str, ...], _e: AuditEntry
    ) -> None:
        """A preliminary answer is followed up after its board meeting: plan (or replan) those reminders."""
        if recipient.is_preliminary():
            self.planner.replan(repo, remiss, recipient)

    def check_submission(
        self, actor: Actor, case_number: str, organisation_key: str, content: ResponseContent, reason: str = ""
    ) -> None:
        """Raise the DomainError submitting `content` now would be refused with; changes nothing. Lets the form
        refuse at once, by its field, before the slow fetch of its files."""
        today, now = self.today(), self.now()
        with self.store.read() as repo:
            remiss, recipient, _ = self._assignment(repo, actor, case_number, organisation_key)
        recipient.submit(
            remiss, content, actor.user_id, now, today, self.config.answer_rules, reason
        )  # on a copy read for this: nothing is saved

    def document_content(self, sha256: str) -> bytes | None:
        """The stored bytes of a file attached to an answer."""
        with self.store.read() as repo:
            return repo.documents.content(sha256)

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

    def withdraw(self, actor: Actor, case_number: str, organisation_key: str, reason: str = "") -> Recipient:
        """Dra tillbaka the current answer (or ångra a decline), with the official's reason if given."""
        today = self.today()
        return self._act(
            actor,
            case_number,
            organisation_key,
            lambda r, rem, now: r.withdraw(rem, actor.user_id, now, today, reason),
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
            then=self.tell_about_hand_over,
        )

    def tell_about_hand_over(
        self, repo: Transaction, remiss: Remiss, recipient: Recipient, previous: tuple[str, ...], entry: AuditEntry
    ) -> None:
        """The colleague gets the remiss; whoever had it is told who has it now."""
        for user_id in recipient.officials:
            self._enqueue_remiss(repo, remiss, recipient.organisation_key, user_id, entry.at)
        for user_id in previous:
            repo.outbox.enqueue(handed_over(entry, recipient.organisation_key, user_id))

    def remiss_dms(self, case_number: str, organisation_key: str) -> list[OutboxMessage]:
        """The remiss DMs sent to the recipient's current officials and its stand-ins, where they are in Slack."""
        case = normalise_case_number(case_number)
        with self.store.read() as repo:
            recipient = repo.remisses.get_recipient(case, organisation_key)
            messages = repo.outbox.messages_for(case, organisation_key)
            stand_ins = self.shared.stand_ins_in(repo, self.shared.cached_directory(repo).get(organisation_key))
        officials = set(remiss_addressees(recipient.officials, stand_ins)) if recipient is not None else set()
        return [
            m
            for m in messages
            if m.kind is MessageKind.REMISS
            and m.state is DeliveryState.SENT
            and m.to_user in officials
            and m.channel_id
            and m.ts
        ]


# A file an answer newly carries, as stored: what identifies it, and its bytes.
Document = tuple[StoredDocument, bytes]


def _storing(documents: Sequence[Document]) -> Then | None:
    if not documents:
        return None

    def store(
        repo: Transaction, remiss: Remiss, recipient: Recipient, previous: tuple[str, ...], entry: AuditEntry
    ) -> None:
        for document, content in documents:
            repo.documents.save(document, content)

    return store
