"""The demo's last steps: per recipient the reminders remissbot sent and did not send, the summary's three
files written from the database the story filled, and the coordinator closing the round."""

from __future__ import annotations

from typing import Any

from bot.adapters.archive import package_name
from bot.adapters.summary import load_summary, render_problems, sammanfattning, write_case_summary
from bot.core.domain.reminders import ReminderKind, ReminderState
from bot.core.domain.remiss import RecipientStatus, RemissStatus
from bot.core.domain.summary_check import SummaryIncomplete
from devtools.demo.scenario import ScenarioError, Step
from devtools.demo.stage import Stage
from handlers import ids


def reminder_overview(stage: Stage, step: Step) -> None:
    """Per recipient, the reminders its officials got (as the simulated Slack recorded them) and the ones
    remissbot did not send, with why; then what the coordinator got."""
    t, service, walk, case, coordinator = stage.t, stage.service, stage.walk, stage.case, stage.mia.real_name
    t.step(None, "step_reminders", start=stage.scenario.start, end=walk.walked)
    plan = service.reminding.reminder_plan(case)
    rows = {row.organisation.key: row for row in service.queries.overview(case).rows}
    escalations = {item.key.rpartition(":")[2]: item for item in walk.of("escalation")}
    for key in stage.remiss.recipient_keys:
        row = rows[key]
        mine = [p.scheduled for p in plan if p.organisation.key == key]
        kinds = {s.key: s.reminder for s in mine}
        got = [
            {"when": t.when(item.at), "reminder": kinds[item.reminder_key], "to": t.name_of(item.user)}
            for item in walk.of("reminder")
            if item.organisation_key == key
        ]
        escalated = [
            t.when(escalations[s.reminder.local_date.isoformat()].at)
            for s in mine
            if s.reminder.kind is ReminderKind.ESCALATION and s.state is ReminderState.SENT
        ]
        not_sent: dict[str, list[Any]] = {}
        for scheduled in mine:
            if scheduled.state in (ReminderState.SKIPPED, ReminderState.CANCELLED):
                reason = t.words(
                    "skip_reason", reason=scheduled.reason, declined=row.status is RecipientStatus.DECLINED
                )
                not_sent.setdefault(reason, []).append(scheduled.reminder)
        t.note(
            "reminders_of",
            organisation=row.organisation.name,
            officials=[t.name_of(user) for user in row.recipient.officials],
            got=got,
            escalated=escalated,
            not_sent=not_sent,
            coordinator=coordinator,
        )
    digests = walk.of("digest")
    t.note(
        "coordinator_got",
        coordinator=coordinator,
        digests=len(digests),
        since=digests[0].at if digests else None,
        until=digests[-1].at if digests else None,
        escalations=[item.at for item in escalations.values()],
    )
    if digests:
        t.saw("saw_last_digest", t.slack(digests[-1].message.blocks), name=coordinator)


def summary(stage: Stage, step: Step) -> None:
    """Write the summary's three files into the demo's directory; if its completeness check fails, print why
    and leave `stage.written` False."""
    t, service, case = stage.t, stage.service, stage.case
    t.step(None, "step_summary")
    texts = stage.box.core.texts
    people = [stage.mia, *stage.officials.values(), stage.colleague]
    names = {user.id: user.real_name for user in people}
    try:
        paths = write_case_summary(service, texts, case, stage.workdir, names=names)
    except SummaryIncomplete as error:
        t.write(render_problems(error, texts))
        return
    compiled = load_summary(service, case, names)
    tally = next((s.tally for s in compiled.sections if s.tally), None)
    if tally is not None:
        t.note("summary_tally", matched=tally.matched, unmatched=tally.unmatched)
    # The Sammanfattning that opens the document, as Mia pastes it into her tjänsteskrivelse.
    t.saw("saw_sammanfattning", "\n".join(sammanfattning(compiled, texts)), name=stage.mia.real_name)
    for path in paths:
        t.note("summary_file", path=path, size=path.stat().st_size)
    stage.written = True


def close_remiss(stage: Stage, step: Step) -> None:
    """The coordinator closes the round with Avsluta remissen on the status message, as the summary is written:
    the status message says *avslutad*, its thread says so, and `remissbot status` on the database too."""
    t, service, case, mia = stage.t, stage.service, stage.case, stage.mia
    stage.walk_to(step.when)
    t.step(step.when, "step_close", name=mia.real_name)
    status = stage.status_message()
    if status is None:
        raise ScenarioError("the remiss has no status message to close it from")
    stage.people.click(mia.id, ids.CLOSE_REMISS, status)
    stage.box.fake.wait_for(lambda: service.queries.overview(case).remiss.status is RemissStatus.CLOSED or None)
    stage.deliver()
    closed = stage.status_message()
    if closed is not None:
        lines = t.slack(closed.blocks).splitlines()
        t.saw(
            "saw_closed", "\n".join([lines[0], *[line for line in lines if line.startswith("[")]]), name=mia.real_name
        )
    # Closing wrote the archive package (REMISSBOT_ARCHIVE_DIR: the demo's folder), once its PDFs were rendered.
    package = stage.workdir / "arkiv" / package_name(case)
    stage.box.fake.wait_for(lambda: package.is_dir() or None, timeout=120)
    t.note("archive_written", path=package, files=sum(1 for f in package.rglob("*") if f.is_file()))
