"""The periodic jobs each bot process runs, on APScheduler 3 with its pitfalls set explicitly."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.adapters.logs import fresh_context, new_request_id

if TYPE_CHECKING:
    from datetime import tzinfo

    from bot.core.usecases import UseCases

log = logging.getLogger(__name__)

# How often each process looks for due reminders: a reminder planned for 09:00 goes out by 09:00:30.
REMINDER_TICK_SECONDS = 30

# APScheduler's default grace is 1 second: a job due during a restart would be silently dropped.
MISFIRE_GRACE_SECONDS = 15 * 60


def build_scheduler(service: UseCases, timezone: tzinfo) -> BackgroundScheduler:
    """A scheduler in the configured timezone (not the machine's), with every job registered, not started.

    Job *state* never lives in APScheduler's job store: with several replicas each runs the same jobs,
    so every job must be safe to run in all of them at once.
    """
    scheduler = BackgroundScheduler(
        timezone=timezone,
        job_defaults={"misfire_grace_time": MISFIRE_GRACE_SECONDS, "coalesce": True, "max_instances": 1},
    )

    def add(job_id: str, job: Callable[[], object], trigger: BaseTrigger, name: str, **options: object) -> None:
        """The job under its id, which also names the run in the job's log lines."""
        scheduler.add_job(_logged(job_id, job), trigger, id=job_id, name=name, **options)

    def daily(hour: int, minute: int) -> CronTrigger:
        return CronTrigger(hour=hour, minute=minute, timezone=timezone)

    add(
        "prune-deliveries",
        lambda: prune_deliveries(service),
        daily(3, 17),
        "Forget Slack deliveries older than a week",
    )
    add(
        "offer-summaries",
        service.drafting.offer_due_summaries,
        daily(7, 45),
        "Offer the summary of remisses whose last deadline has passed",
    )
    add(
        "auto-close",
        lambda: auto_close(service),
        daily(7, 40),
        "Close remisses whose last deadline is REMISSBOT_AUTO_CLOSE_WORKING_DAYS working days past",
    )
    add(
        "reminders",
        lambda: remind(service),
        IntervalTrigger(seconds=REMINDER_TICK_SECONDS, timezone=timezone),
        "Send due reminders and the morning digest (claimed atomically, once across replicas)",
        # A tick that missed its moment is simply the next one: never a burst of catch-up runs.
        misfire_grace_time=REMINDER_TICK_SECONDS,
    )
    return scheduler


def _logged(job_id: str, job: Callable[[], object]) -> Callable[[], None]:
    """The job, with its log lines saying which job run they come from (the scheduler's threads are pooled)."""

    def run() -> None:
        with fresh_context(request_id=new_request_id(), action=f"scheduler.{job_id}"):
            job()

    return run


def remind(service: UseCases) -> None:
    """Safe in every replica at once: each due reminder is claimed by one of them."""
    tick = service.reminding.remind()
    if tick.claimed or tick.digests:
        log.info(
            "Reminders: %d due, %d sent, %d skipped; %d digests", tick.claimed, tick.sent, tick.skipped, tick.digests
        )


def auto_close(service: UseCases) -> list[str]:
    """Safe in every replica at once: a remiss is closed once (the second finds it closed and skips it)."""
    closed = service.lifecycle.auto_close()
    if closed:
        log.info("Closed by themselves after the last deadline: %s", ", ".join(closed))
    return closed


def prune_deliveries(service: UseCases) -> int:
    """Idempotent, so every replica may run it."""
    pruned = service.edge.prune_deliveries()
    forms = service.edge.prune_forms()
    log.info("Pruned %d old Slack deliveries and %d expired forms", pruned, forms)
    return pruned
