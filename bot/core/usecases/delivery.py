"""The courier's protocol (handlers/outbound/courier.py): claim what to send, read what a message needs as it is now,
and record what became of it; the same for each remiss's status message."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.domain.audit import AuditAction, AuditEntry, audit
from bot.core.domain.calendar import working_days_between
from bot.core.domain.extension import ExtensionRequest
from bot.core.domain.outbox import (
    MAX_ATTEMPTS,
    DeliveryState,
    MessageKind,
    OutboxMessage,
    StatusBoard,
    backoff,
    summary_ready,
)
from bot.core.domain.recipient import Recipient
from bot.core.domain.reminders import ReminderKind, missing_for
from bot.core.domain.remiss import RecipientStatus, Remiss, normalise_case_number
from bot.core.ports.store import Transaction
from bot.core.usecases.base import Shared, UseCase
from bot.core.usecases.queries import overview_of
from bot.core.usecases.reminding import ReminderUseCases
from bot.core.usecases.results import Delivery, ReminderDelivery

# How long a sender may hold a claimed message before another process may take it over.
SEND_LEASE = timedelta(seconds=60)


class DeliveryUseCases(UseCase):
    """Outbox messages and status boards, each claimed by one process, rendered fresh, and settled."""

    def __init__(self, shared: Shared, reminding: ReminderUseCases) -> None:
        super().__init__(shared)
        self.reminding = reminding

    def claim_outgoing(self, limit: int = 20, lease: timedelta = SEND_LEASE) -> list[OutboxMessage]:
        """Messages this process should send now; each is claimed by exactly one process."""
        with self.store.transaction() as repo:
            return repo.outbox.claim_messages(self.now(), lease, limit)

    def delivery(self, message: OutboxMessage) -> Delivery:
        """Everything needed to render a message, read as it is now (the state may have moved on)."""
        if message.kind is MessageKind.DIGEST:
            return self._digest_delivery(message)
        with self.store.read() as repo:
            key = message.organisation_key
            # A message about one recipient (every answer's line in the status thread) reads the remiss and the
            # recipient in one lean read; without it (or with no such recipient) as before.
            found = repo.remisses.get_assignment(normalise_case_number(message.case_number), key) if key else None
            recipient: Recipient | None
            if found is not None:
                remiss, recipient = found.remiss, found.recipient
            else:
                remiss = self._require_remiss(repo, message.case_number)
                recipient = repo.remisses.get_recipient(remiss.case_number, key) if key else None
            directory = self.shared.cached_directory(repo)
            event = None
            if message.audit_id is not None:
                event = repo.remisses.get_audit(remiss.case_number, message.audit_id)
            elif message.kind is MessageKind.REMISS and key is not None:
                # A remiss handed over to this person: the DM says by whom, and their note.
                handed = [
                    e
                    for e in repo.remisses.list_audit(remiss.case_number, key)
                    if e.action is AuditAction.HANDED_OVER and e.details_dict.get("to") == message.to_user
                ]
                event = handed[-1] if handed else None
            return Delivery(
                message=message,
                remiss=remiss,
                sender_name=directory.require(remiss.sender_key).name,
                today=self.today(),
                organisation=directory.get(key) if key else None,
                recipient=recipient,
                event=event,
                status=repo.outbox.get_status(remiss.case_number),
                recipients_answered=message.kind is MessageKind.SUMMARY_READY
                and all(r.is_answered() for r in repo.remisses.list_recipients(remiss.case_number)),
                reminder=self._reminder_delivery(repo, message, remiss)
                if message.kind in (MessageKind.REMINDER, MessageKind.ESCALATION)
                else None,
                request=self._request_of(repo, event) if event is not None else None,
                rules=self.config.answer_rules,
                stand_ins=self.shared.stand_ins_in(repo, directory.get(key) if key else None),
            )

    def _request_of(self, repo: Transaction, event: AuditEntry) -> ExtensionRequest | None:
        request_id = event.details_dict.get("request", "")
        if event.action is AuditAction.EXTENSION_REQUESTED:
            found = repo.remisses.extension_requests(event.case_number, event.organisation_key)
            return next((r for r in found if r.requested_at == event.at and r.requested_by == event.actor), None)
        return repo.remisses.get_extension_request(int(request_id)) if request_id.isdigit() else None

    def _reminder_delivery(self, repo: Transaction, message: OutboxMessage, remiss: Remiss) -> ReminderDelivery | None:
        today = self.today()
        if message.kind is MessageKind.ESCALATION:
            recipients = repo.remisses.list_recipients(remiss.case_number)
            overview = overview_of(remiss, recipients, self.shared.cached_directory(repo), today)
            # Late: no answer after the deadline, or only a preliminary one after its board meeting.
            late = [
                row
                for row in overview.rows
                if row.status is RecipientStatus.OVERDUE or row.recipient.final_overdue(today)
            ]
            return ReminderDelivery(ReminderKind.ESCALATION, -1, remiss.deadline, [], None, late)
        recipient = repo.remisses.get_recipient(remiss.case_number, message.organisation_key or "")
        if recipient is None:
            return None
        planned = next(
            (
                s.reminder
                for s in repo.reminders.reminders_for(remiss.case_number, recipient.organisation_key)
                if message.key.startswith(s.key + ":")
            ),
            None,
        )
        left = working_days_between(self.config.calendar, today, recipient.deadline)
        if planned is not None:
            kind, meeting = planned.kind, planned.meeting
        elif recipient.is_preliminary():  # "påminn igen" from the coordinator, for the board's final answer
            kind = ReminderKind.FINAL_ANSWER
            meeting = None
        else:  # "påminn igen" from the coordinator
            kind = ReminderKind.OVERDUE if today > recipient.deadline else ReminderKind.BEFORE_DEADLINE
            meeting = None
        return ReminderDelivery(kind, left, recipient.deadline, missing_for(recipient, remiss), meeting)

    def _digest_delivery(self, message: OutboxMessage) -> Delivery:
        sender_key = self.config.sender_key
        with self.store.read() as repo:
            sender = self.shared.cached_directory(repo).get(sender_key)
        placeholder = Remiss(
            case_number="",
            title="",
            description="",
            sender_key=sender_key,
            coordinators=(),
            contact="",
            questions=(),
            deadline=self.today(),
            created_by="",
            created_at=message.created_at,
        )
        overviews = self.reminding.digest(message.to_user or "")
        today = self.today()
        near = {o.remiss.case_number: self.reminding.digest_days_left(o, today) for o in overviews}
        return Delivery(
            message=message,
            remiss=placeholder,
            sender_name=sender.name if sender else sender_key,
            today=today,
            digest=overviews,
            closed=self.reminding.recently_closed(message.to_user or ""),
            digest_days_left={case: left for case, left in near.items() if left is not None},
        )

    def outgoing_sent(self, message: OutboxMessage, channel_id: str, ts: str) -> None:
        sent = replace(
            message,
            state=DeliveryState.SENT,
            channel_id=channel_id,
            ts=ts,
            sent_at=self.now(),
            error="",
            uncertain=False,
        )
        offered = False
        with self.store.transaction() as repo:
            repo.outbox.finish_message(sent)
            if message.kind is MessageKind.STATUS_EVENT:
                # Everyone has answered or declined: offer the summary (once: its key sees to that). Each
                # answer's line is recorded in its own transaction, so the line of the last answer to commit
                # is sent after every answer is visible, even when two last answers commit side by side.
                # A share lock only: answers being saved meanwhile (they share it too) need not wait.
                remiss = repo.remisses.get_remiss(message.case_number, shared=True)
                if remiss is not None and remiss.is_open and repo.remisses.unanswered_count(remiss.case_number) == 0:
                    repo.outbox.enqueue(summary_ready(remiss.case_number, self.now()))
                    offered = True
        self.shared.metrics.message_sent(message.kind.value)
        if offered:
            self.shared.on_outbox()

    def outgoing_retry(self, message: OutboxMessage, error: str, *, after: timedelta | None, uncertain: bool) -> None:
        """Try again later: after Slack's Retry-After, or with backoff; give up after MAX_ATTEMPTS and say so."""
        attempts = message.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            self.outgoing_undeliverable(replace(message, attempts=attempts), error, unreachable=False)
            return
        wait = after if after is not None else backoff(attempts)
        retry = replace(
            message,
            state=DeliveryState.PENDING,
            attempts=attempts,
            next_attempt_at=self.now() + wait,
            error=error,
            uncertain=message.uncertain or uncertain,
        )
        with self.store.transaction() as repo:
            repo.outbox.finish_message(retry)
        self.shared.metrics.message_retried(error)

    def outgoing_undeliverable(self, message: OutboxMessage, error: str, *, unreachable: bool) -> None:
        """Slack refused this person for good (or we gave up): record it, and tell the coordinator by name."""
        state = DeliveryState.UNREACHABLE if unreachable else DeliveryState.FAILED
        now = self.now()
        with self.store.transaction() as repo:
            repo.outbox.finish_message(replace(message, state=state, error=error, uncertain=False))
            remiss = repo.remisses.get_remiss(message.case_number)
            to_registry = message.kind in (
                MessageKind.REGISTRY_REMISS,
                MessageKind.REGISTRY_ANSWER,
                MessageKind.REGISTRY_WITHDRAWN,
            )
            if remiss is not None and (message.kind is MessageKind.REMISS or to_registry):
                lost = audit(
                    remiss.case_number,
                    AuditAction.UNREACHABLE,
                    "remissbot",
                    now,
                    message.organisation_key,
                    reason=error,
                    user=message.to_user or "",
                    **({"registry": message.kind.value} if to_registry else {}),
                )
                self._record(repo, remiss, lost)
        self.shared.metrics.message_given_up(state.value)
        self.shared.on_outbox()

    # -- the status message of each remiss -------------------------------------------------------------
    def claim_status_boards(self, limit: int = 10, lease: timedelta = SEND_LEASE) -> list[StatusBoard]:
        """Status messages to post or edit now: stale, and not edited within the configured interval."""
        with self.store.transaction() as repo:
            return repo.outbox.claim_status(self.now(), lease, limit, self.config.status_edit_interval)

    def until_next_status_edit(self) -> timedelta | None:
        """How long until a stale status message may be edited (zero or less: now); None when none waits. The
        courier sleeps no longer, so the last change of a burst shows within the interval."""
        interval = self.config.status_edit_interval
        if interval <= timedelta(0):  # every stale board is claimed in the round; a change wakes the courier
            return None
        now = self.now()
        with self.store.read() as repo:
            at = repo.outbox.next_status_edit(now, interval)
        return None if at is None else at - now

    def status_rendered(self, board: StatusBoard, ts: str) -> None:
        """The status message now shows `board.version` (or later changes are still to come)."""
        rendered = replace(board, ts=ts, rendered_version=board.version, rendered_at=self.now(), claimed_until=None)
        with self.store.transaction() as repo:
            repo.outbox.finish_status(rendered)

    def release_status(self, board: StatusBoard) -> None:
        """Sending the status message failed; let the next round try again."""
        with self.store.transaction() as repo:
            repo.outbox.finish_status(replace(board, claimed_until=None))

    def recipient_of_message(self, channel_id: str, ts: str) -> tuple[str, str] | None:
        """Which (case number, organisation key) a remiss DM at this place in Slack is about."""
        with self.store.read() as repo:
            message = repo.outbox.find_remiss_dm(channel_id, ts)
        if message is None or message.organisation_key is None:
            return None
        return message.case_number, message.organisation_key
