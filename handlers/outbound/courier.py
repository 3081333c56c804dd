"""Sends what the outbox holds: each message once, rendered from the current state, within Slack's limits.

Every process runs one courier. It claims messages (so replicas never send the same one), sends them
with a few threads, honours Retry-After on 429, backs off on 5xx and timeouts, and, when an earlier
attempt may have reached Slack, looks for the message (by its metadata) before sending it again.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.error
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.logs import fresh_context, new_request_id
from bot.adapters.pace import LocalSendBudget
from bot.adapters.precedence import Precedence
from bot.adapters.rendering import Texts
from bot.core.domain.outbox import MessageKind, OutboxMessage, StatusBoard
from bot.core.ports.metrics import Metrics, NoMetrics
from bot.core.ports.pace import SendBudget
from bot.core.usecases import UseCases
from handlers.errors import retry_after
from handlers.outbound.messages import Rendered, refreshed_remiss_message, render, status_message

log = logging.getLogger(__name__)

METADATA_EVENT = "remissbot_outbox"
# Slack documents "several hundred messages per minute" for a workspace and about one per second per channel;
# pacing below that means 429s are rare, and a 429 only delays its own message.
DEFAULT_RATE = 4.0
# When at least half of the last calls (and at least STORM_COUNT) within STORM_SECONDS were 429s, the
# workspace as a whole is limited: then everything waits. A few scattered 429s only delay their own messages.
STORM_COUNT = 3
STORM_SECONDS = 2.0
STORM_SHARE = 0.5
# The shortest sleep between rounds when a status message is about to become due (no busy loop).
MIN_WAIT = 0.05
# Slack refuses the person or the place for good: resending won't help, the coordinator must act.
UNREACHABLE_ERRORS = frozenset(
    {
        "user_disabled",
        "user_not_found",
        "account_inactive",
        "is_archived",
        "channel_not_found",
        "cannot_dm_bot",
        "not_in_channel",
        "user_not_visible",
        "restricted_action",
    }
)
# Slack says our message is wrong: a bug to log loudly, not to retry.
OUR_MISTAKES = frozenset(
    {
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "msg_blocks_too_long",
        "no_text",
        "invalid_arguments",
        "invalid_metadata_format",
        "invalid_auth",
        "not_authed",
        "missing_scope",
    }
)


# Messages that stand on their own (DMs, the escalation and the digest), sent in parallel; the rest are lines
# in a status message's thread, sent one by one in the order they happened.
DIRECT_KINDS = frozenset(
    {
        MessageKind.REMISS,
        MessageKind.HANDED_OVER,
        MessageKind.REMINDER,
        MessageKind.ESCALATION,
        MessageKind.DIGEST,
        MessageKind.EXTENSION_DECIDED,
        MessageKind.DEADLINE_CHANGED,
        MessageKind.REMISS_REFRESH,
        MessageKind.REGISTRY_REMISS,
        MessageKind.REGISTRY_ANSWER,
        MessageKind.REGISTRY_WITHDRAWN,
    }
)


class Courier:
    """Drains the outbox and keeps every remiss's status message current."""

    def __init__(
        self,
        service: UseCases,
        client: WebClient,
        texts: Texts,
        *,
        batch: int = 20,
        workers: int = 4,
        poll_seconds: float = 2.0,
        messages_per_second: float = DEFAULT_RATE,
        metrics: Metrics | None = None,
        budget: SendBudget | None = None,
        precedence: Precedence | None = None,
    ) -> None:
        self.service = service
        # Counts Slack's 429s; what becomes of each message is counted where it is recorded (DeliveryUseCases).
        self._metrics: Metrics = metrics or NoMetrics()
        self.client = client
        self.texts = texts
        self.batch = batch
        self.poll_seconds = poll_seconds
        # The pace Slack allows, shared with every other sender for the workspace (bot/bootstrap.py chooses it);
        # without one, this courier alone, at `messages_per_second`.
        self._pace: SendBudget = budget or LocalSendBudget(messages_per_second)
        self._recent: list[tuple[float, bool]] = []  # (monotonic time, refused with 429) of recent posts
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="remissbot-send")
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._paused_until = 0.0  # monotonic; Slack asked us to wait (429 Retry-After)
        self._pause_lock = threading.Lock()
        # User id -> DM channel id, learnt from chat.postMessage answers (conversations.open is Tier 3).
        self._dm_channels: dict[str, str] = {}
        # Answer forms on their way (bot/bootstrap.py): each round gives way to them, nobody watches it.
        self._precedence = precedence

    # -- running ---------------------------------------------------------------------------------------
    def start(self) -> Courier:
        self.service.on_outbox = self.wake
        self._thread = threading.Thread(target=self._loop, name="remissbot-courier", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._pool.shutdown(wait=True)

    def wake(self) -> None:
        """Something was recorded: look now instead of at the next poll."""
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            if self._precedence is not None:
                self._precedence.give_way()
            try:
                busy = self.run_once()
            except Exception:  # the loop must outlive a bad round (a database blip); the log has the details
                log.exception("The courier's round failed; trying again shortly")
                busy = 0
            if not busy:
                self._wake.wait(self._wait_seconds())
                self._wake.clear()

    def _wait_seconds(self) -> float:
        wait = self.poll_seconds
        # A status message skipped because it was edited a moment ago: come back when it may be edited again.
        try:
            until_edit = self.service.delivery.until_next_status_edit()
        except Exception:  # a database blip: the next poll asks again; the loop must go on
            log.exception("Could not ask when the next status message is due")
            until_edit = None
        if until_edit is not None:
            wait = min(wait, max(until_edit.total_seconds(), MIN_WAIT))
        return max(wait, self._paused_until - time.monotonic())

    def run_once(self) -> int:
        """One round: refresh stale status messages, then send what is due (looking at the status messages again
        between thread lines). Returns how much it handled."""
        if time.monotonic() < self._paused_until:
            return 0
        boards = self._refresh_status_boards()
        messages = self.service.delivery.claim_outgoing(self.batch)
        # DMs go out in parallel; thread lines one by one in the order they happened, as people read them.
        direct = [m for m in messages if m.kind in DIRECT_KINDS]
        list(self._pool.map(self._deliver_logged, direct))
        threaded = (
            MessageKind.STATUS_EVENT,
            MessageKind.SUMMARY_READY,
            MessageKind.EXTENSION_REQUEST,
            MessageKind.RESEND_OFFER,
        )
        for message in sorted((m for m in messages if m.kind in threaded), key=lambda m: m.id or 0):
            self._deliver_logged(message)
            # Thread lines are paced per channel (about one a second): a round of them takes long enough for the
            # status message to fall due again, and it must not wait for the round's end (bench_load saw two
            # edits a minute). The claim returns nothing while the edit interval hasn't passed.
            boards += self._refresh_status_boards()
        return len(boards) + len(messages)

    def _refresh_status_boards(self) -> list[StatusBoard]:
        """Post or edit the status messages that are due now; returns them."""
        try:
            boards = self.service.delivery.claim_status_boards()
        except Exception:  # a database blip: the round's claimed messages still go out; the next look claims it
            log.exception("Could not claim the status messages that are due")
            return []
        for board in boards:
            self._refresh_status(board)
        return boards

    def drain(self, timeout: float = 30.0) -> None:
        """Send until nothing is left that is due now (the demo and tests; production just runs)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.run_once() == 0 and time.monotonic() >= self._paused_until:
                return
            time.sleep(0.01)
        raise TimeoutError("the outbox did not drain in time")

    # -- one message -----------------------------------------------------------------------------------
    def _deliver_logged(self, message: OutboxMessage) -> None:
        """_deliver, with its log lines about the message: its kind, remiss and recipient."""
        with fresh_context(
            request_id=new_request_id(),
            action=f"courier.{message.kind.value}",
            diarienummer=message.case_number,
            user=message.to_user,
        ):
            self._deliver(message)
            log.debug("Handled outbox message %s", message.key)

    def _deliver(self, message: OutboxMessage) -> None:
        channel: str | None = None  # where it was posted to, once it was
        try:
            if message.kind is MessageKind.REMISS_REFRESH:
                self._refresh_remiss_dms(message)
                return
            delivery = self.service.delivery.delivery(message)
            rendered = render(self.texts, delivery)
            if rendered is None:  # its status message isn't posted yet: a thread line waits for it
                self.service.delivery.outgoing_retry(
                    message, "waiting_for_status", after=timedelta(seconds=1), uncertain=False
                )
                return
            if message.uncertain and (found := self._already_in_slack(message, rendered)):
                self.service.delivery.outgoing_sent(message, *found)
                return
            channel = rendered.channel
            self._pace.acquire(channel)
            response = self.client.chat_postMessage(
                channel=rendered.channel,
                text=rendered.text,
                blocks=rendered.blocks,
                thread_ts=rendered.thread_ts,
                metadata={"event_type": METADATA_EVENT, "event_payload": {"key": message.key}},
                unfurl_links=False,
            )
            self._learn(rendered.channel, response)
            self._note(refused=False)
            self.service.delivery.outgoing_sent(message, str(response["channel"]), str(response["ts"]))
        except SlackApiError as error:
            self._refused(message, error, channel)
        except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
            # It may or may not have reached Slack: try again, looking for it first.
            self.service.delivery.outgoing_retry(message, f"network: {error}", after=None, uncertain=True)
        except Exception:
            log.exception("Could not send outbox message %s", message.key)
            self.service.delivery.outgoing_retry(message, "internal_error", after=None, uncertain=True)

    def _refresh_remiss_dms(self, message: OutboxMessage) -> None:
        """Edit each remiss DM of the recipient's officials and stand-ins to show its state now (a new deadline,
        or what one of them did)."""
        d = self.service.delivery.delivery(message)
        dms = self.service.answering.remiss_dms(message.case_number, message.organisation_key or "")
        for dm in dms:
            # The one it was just handed over to keeps the line saying by whom (the refresh follows the hand-over).
            handed = d.event if d.event and d.event.details_dict.get("to") == dm.to_user else None
            text, body = refreshed_remiss_message(self.texts, d, str(dm.to_user), handed_over=handed)
            self._pace.acquire()
            self.client.chat_update(channel=str(dm.channel_id), ts=str(dm.ts), text=text, blocks=body)
        # Recorded where the first edit was, if any: a silent edit leaves no message of its own.
        place = (str(dms[0].channel_id), str(dms[0].ts)) if dms else ("", "")
        self.service.delivery.outgoing_sent(message, *place)

    def _refused(self, message: OutboxMessage, error: SlackApiError, channel: str | None = None) -> None:
        code = str(error.response.get("error", ""))
        status = error.response.status_code
        if status == 429:
            wait = retry_after(error)
            self._note_429(wait, channel)
            self.service.delivery.outgoing_retry(message, "ratelimited", after=timedelta(seconds=wait), uncertain=False)
        elif code in UNREACHABLE_ERRORS:
            self.service.delivery.outgoing_undeliverable(message, code, unreachable=True)
        elif code in OUR_MISTAKES:
            log.error("Slack refused outbox message %s as malformed: %s", message.key, error.response.data)
            self.service.delivery.outgoing_undeliverable(message, code, unreachable=False)
        else:  # 5xx, fatal_error, internal_error, service_unavailable, …: may have been posted
            self.service.delivery.outgoing_retry(message, code or f"http {status}", after=None, uncertain=True)

    def _pause(self, seconds: int) -> None:
        with self._pause_lock:
            self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    def _note(self, *, refused: bool) -> bool:
        """Remember a post's outcome; True when 429s have become a storm (most recent posts refused)."""
        now = time.monotonic()
        with self._pause_lock:
            self._recent = [(t, r) for t, r in self._recent if now - t < STORM_SECONDS] + [(now, refused)]
            refusals = sum(1 for _, r in self._recent if r)
        return refusals >= STORM_COUNT and refusals >= STORM_SHARE * len(self._recent)

    def _note_429(self, retry_after: int, channel: str | None = None) -> None:
        """One 429 delays its message, and its channel for every replica (the channel may be the busy one);
        a storm of them pauses all sending, of this process and, through the shared budget, every other."""
        self._metrics.rate_limited()
        # Slack didn't count the refused call, so neither does the budget (unless senders wait for later slots).
        self._pace.refund()
        if channel is not None:
            self._pace.hold(retry_after, channel)
        if self._note(refused=True):
            self._pause(retry_after)
            self._pace.hold(retry_after)

    def _already_in_slack(self, message: OutboxMessage, rendered: Rendered) -> tuple[str, str] | None:
        """Find a message we may have sent before a crash or timeout, by the key in its metadata."""
        try:
            if rendered.thread_ts:
                # conversations.replies wants the conversation's id: a DM addressed by user id has another.
                found = self.client.conversations_replies(
                    channel=self._dm_channel(rendered.channel),
                    ts=rendered.thread_ts,
                    include_all_metadata=True,
                    limit=200,
                )
            else:
                ts = self._find_recent(rendered.channel, message.key)
                return (self._dm_channel(rendered.channel), ts) if ts else None
        except SlackApiError as error:
            log.warning("Could not look for %s in Slack (%s); sending it", message.key, error.response.get("error"))
            return None
        return _with_key(found, message.key, self._dm_channel(rendered.channel))

    def _find_recent(self, channel: str, key: str) -> str | None:
        """The ts of a recent top-level message of ours in this channel carrying `key`, if Slack has one."""
        try:
            found = self.client.conversations_history(
                channel=self._dm_channel(channel), include_all_metadata=True, limit=100
            )
        except SlackApiError as error:
            log.warning("Could not look for %s in Slack (%s)", key, error.response.get("error"))
            return None
        hit = _with_key(found, key, channel)
        return hit[1] if hit else None

    def _dm_channel(self, channel: str) -> str:
        """chat.update and conversations.history want the DM's channel id, not the user id we post to."""
        if not channel.startswith(("U", "W")):
            return channel
        if channel not in self._dm_channels:
            self._dm_channels[channel] = str(self.client.conversations_open(users=channel)["channel"]["id"])
        return self._dm_channels[channel]

    def _learn(self, posted_to: str, response: Any) -> None:
        if posted_to.startswith(("U", "W")):
            self._dm_channels[posted_to] = str(response["channel"])

    def _refresh_status(self, board: StatusBoard) -> None:
        """Post the status message once, then edit it in place."""
        try:
            overview = self.service.queries.overview(board.case_number)
            text, body = status_message(self.texts, overview)
            key = f"status:{board.case_number}"
            if board.ts is None and (found := self._find_recent(board.channel, key)):
                board = replace(board, ts=found)  # posted before a lost reply or a crash: edit that one
            if board.ts is None:
                self._pace.acquire(board.channel)
                response = self.client.chat_postMessage(
                    channel=board.channel,
                    text=text,
                    blocks=body,
                    metadata={"event_type": METADATA_EVENT, "event_payload": {"key": key}},
                )
                self._learn(board.channel, response)
                self.service.delivery.status_rendered(board, str(response["ts"]))
            else:
                self.client.chat_update(channel=self._dm_channel(board.channel), ts=board.ts, text=text, blocks=body)
                self.service.delivery.status_rendered(board, board.ts)
        except SlackApiError as error:
            if error.response.status_code == 429:
                self._metrics.rate_limited()
                self._pause(retry_after(error))
            log.warning("Status message of %s not updated: %s", board.case_number, error.response.get("error"))
            self.service.delivery.release_status(board)
        except Exception:
            log.exception("Status message of %s not updated", board.case_number)
            self.service.delivery.release_status(board)


def _with_key(found: Any, key: str, channel: str) -> tuple[str, str] | None:
    messages: list[dict[str, Any]] = found.get("messages") or []
    for item in messages:
        payload = (item.get("metadata") or {}).get("event_payload") or {}
        if payload.get("key") == key:
            return channel, str(item["ts"])
    return None
