"""Reminders, the escalation and the digest in Slack: the real app over HTTP against the loopback Slack.

The fake clock walks the round the way the scheduler does (the reminder job every half hour, the courier
draining after it), and every message an official or the coordinator receives is stamped with the local
time at which it reached the loopback Slack.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import Engine

from bot.core.clock import STOCKHOLM
from bot.core.domain.audit import AuditAction
from bot.core.domain.outbox import MessageKind, OutboxMessage
from bot.core.domain.remiss import Answer, QuestionKind, RecipientStatus, ResponseContent, ResponseKind
from bot.core.usecases.results import RemissInput
from devtools.clocks import FakeClock
from devtools.sandbox import Message
from devtools.sandbox.agenda import agenda
from devtools.sandbox.harness import Sandbox, SandboxUser, running_sandbox
from devtools.sandbox.screen import current, elements, ephemeral_after, labels, outbox_key, shown, wait_until_shown
from handlers import ids
from tests.e2e.conftest import COORDINATOR, USERS, load_directory

TN, MN, MKB = "tekniska-namnden", "miljonamnden", "mkb"
OFFICIALS = {
    TN: SandboxUser("U0TN", "tn", "Tove Nilsson", "tove.nilsson@malmo.se"),
    MN: SandboxUser("U0MN", "mn", "Mats Nord", "mats.nord@malmo.se"),
    MKB: SandboxUser("U0MKB", "mkb", "Mona Berg", "mona.berg@malmo.se"),
}
ANNA = "U0ANNA"  # in the workspace, but neither a coordinator nor an official of these recipients
CASE = "STK-2023-137"
QUESTIONS = [
    ("Vilka pågående processer skulle passa in?", QuestionKind.FREE_TEXT),
    ("Finns det särskilda områden?", QuestionKind.FREE_TEXT),
    ("Hur ser er nämnd/bolag på samordningsstrukturen?", QuestionKind.FREE_TEXT),
    ("Vilken nämnd eller bolag bör få den samordnande rollen?", QuestionKind.FREE_TEXT),
]
# Tekniska nämnden meets in time (16 November, ready two weeks before); Miljönämnden's only meeting on file
# is after the deadline, so no meeting fits; MKB, a bolag, has none on file.
MEETINGS = {
    TN: ((date(2023, 10, 19), date(2023, 11, 16), date(2023, 12, 14)), 14),
    MN: ((date(2023, 12, 14),), 14),
}


def stockholm(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(stockholm(2023, 10, 2, 10, 0))


@pytest.fixture
def box(database_url: str, database_engine: Engine, clock: FakeClock) -> Iterator[Sandbox]:
    with running_sandbox(
        database_url=database_url,
        engine=database_engine,
        users=[*USERS, *OFFICIALS.values()],
        coordinators=[COORDINATOR],
        clock=clock,
    ) as sandbox:
        load_directory(
            sandbox,
            {key: (user.id,) for key, user in OFFICIALS.items()},
            lambda o: (
                replace(o, meetings=MEETINGS[o.key][0], submission_lead_days=MEETINGS[o.key][1])
                if o.key in MEETINGS
                else o
            ),
        )
        yield sandbox


def walked_round(box: Sandbox, sent: datetime, deadline: date, until: datetime, *, case: str, title: str) -> Walker:
    """Another round, sent at `sent` to every official with `deadline`, walked until `until`."""
    walker = Walker(box)
    walker.clock.set(sent)
    send(box, deadline, case=case, title=title)
    walker.look()
    walker.walk(until)
    return walker


def send(box: Sandbox, deadline: date, case: str = CASE, title: str = "Områdeslyft") -> None:
    service = box.core.service
    data = RemissInput(
        case_number=case, title=title, questions=QUESTIONS, deadline=deadline, recipient_keys=list(OFFICIALS)
    )
    service.drafting.create_draft(service.actor(COORDINATOR), data)
    service.drafting.send(service.actor(COORDINATOR), case)
    box.courier.drain()


# -- watching what Slack received, and when --------------------------------------------------------------------
@dataclass(frozen=True)
class Seen:
    """A message the bot posted, the local time it reached Slack, and its outbox key."""

    to: str
    at: datetime
    key: str
    message: Message

    @property
    def kind(self) -> str:
        """reminder:{case}:{org}:{kind}:{date}:{user} → kind; reminder-again:… → "again"; else the prefix."""
        parts = self.key.split(":")
        if parts[0] == "reminder":
            return parts[3]
        return "again" if parts[0] == "reminder-again" else parts[0]

    @property
    def when(self) -> tuple[date, time]:
        return self.at.date(), self.at.time()


class Walker:
    """Moves the fake clock as the scheduler would, running the reminder job and the courier at each step.

    A walk visits every half hour, around the clock, but runs the job in full only where it has work: where
    a planned reminder or escalation is due or the outbox has something to claim (both read from the store,
    devtools.sandbox.agenda), or where the job's own digest check offers the morning digest. At every other
    half hour the full run would claim nothing and send nothing, so each message still arrives at the half
    hour that really sends it; one planned or let through at night arrives at night, and is caught.
    """

    def __init__(self, box: Sandbox) -> None:
        self.box = box
        clock = box.core.clock
        assert isinstance(clock, FakeClock)
        self.clock = clock
        self.people = [COORDINATOR, *(u.id for u in OFFICIALS.values())]
        self.seen: list[Seen] = []
        self.ticks: list[datetime] = []  # the moments the job ran in full
        self._known: set[tuple[str, str]] = set()
        self._looked: dict[str, tuple[int, str]] = {}
        self.look()  # what was there before the walk is not news

    def look(self) -> bool:
        """Stamp every bot message not seen before with the current local time; True if there was one."""
        now = self.clock.now().astimezone(STOCKHOLM)
        news = False
        for person in self.people:
            messages = self.box.fake.messages_in(person)
            mark = (len(messages), messages[-1].ts if messages else "")
            if self._looked.get(person) == mark:
                continue
            self._looked[person] = mark
            for m in messages:
                if m.user is not None or (m.channel, m.ts) in self._known:
                    continue
                self._known.add((m.channel, m.ts))
                self.seen.append(Seen(person, now, outbox_key(m), m))
                news = True
        return news

    def tick(self, *, outbox_due: bool = True) -> None:
        """One run of the reminder job; the courier drains when the job recorded something or when
        `outbox_due` (something recorded meanwhile may be waiting)."""
        self.ticks.append(self.clock.now())
        done = self.box.core.service.reminding.remind()
        if outbox_due or done.sent or done.digests:
            self.box.courier.drain()
        self.look()

    def walk(self, until: datetime, step: timedelta = timedelta(minutes=30)) -> None:
        """Every half hour, around the clock (nights too: nothing may arrive outside office hours)."""
        work = agenda(self.box.core.store)
        while self.clock.now() + step <= until:
            now = self.clock.advance(step)
            # Where the run would claim nothing, its digest check alone (the job's own) is asked.
            offered = not work.due(now) and self.box.core.service.reminding.offer_digest() > 0
            if offered or work.due(now):
                self.tick(outbox_due=offered or work.outbox_due(now))
                work = agenda(self.box.core.store)
            elif self.look():  # something arrived without the job (a click's work finishing late)
                work = agenda(self.box.core.store)

    def jump(self, moment: datetime) -> None:
        """The bot was off until `moment` (the round test walks those weeks): one run then sends nothing that
        was due on earlier days, so an outage never ends in a burst of old reminders."""
        before = len(self.seen)
        self.at(moment)
        assert self.seen[before:] == []

    def at(self, moment: datetime) -> None:
        """Set the clock to `moment` (not before now) and run the job once, as its next run would."""
        assert moment >= self.clock.now()
        self.clock.set(moment)
        self.tick()

    def reminders(self, person: str) -> list[Seen]:
        return [s for s in self.seen if s.to == person and s.key.startswith(("reminder:", "reminder-again:"))]

    def of(self, person: str, prefix: str) -> list[Seen]:
        return [s for s in self.seen if s.to == person and s.key.startswith(prefix)]

    def latest_reminder(self, person: str) -> Message:
        return self.reminders(person)[-1].message


def status_of(box: Sandbox, org: str, case: str = CASE) -> RecipientStatus:
    return next(r.status for r in box.core.service.queries.overview(case).rows if r.organisation.key == org)


def draft(answered: list[int]) -> ResponseContent:
    return ResponseContent(ResponseKind.YTTRANDE, tuple(Answer(n, "Utkast.") for n in answered))


def nine(*day: int) -> tuple[date, time]:
    return date(*day), time(9, 0)


# -- STK-2023-137 from 2 October to 4 December -------------------------------------------------------------------
STK_ROUND = [
    (nine(2023, 10, 5), "nudge_unopened"),
    (nine(2023, 11, 16), "before_deadline"),
    (nine(2023, 11, 23), "before_deadline"),
    (nine(2023, 11, 28), "before_deadline"),
    (nine(2023, 11, 30), "deadline_morning"),
    (nine(2023, 12, 1), "overdue"),
]


def test_the_stk_round_reminders_at_nine_the_escalation_on_4_december_and_the_daily_digest(box: Sandbox) -> None:
    send(box, date(2023, 11, 30))
    walker = Walker(box)
    walker.walk(stockholm(2023, 11, 1, 12, 0))
    box.core.service.answering.save_draft(box.core.service.actor(OFFICIALS[MN].id), CASE, MN, draft([1, 2]))
    walker.walk(stockholm(2023, 12, 4, 18, 0))

    # Tekniska nämnden meets 16 November and needs matters 14 days before (2 November): it is also reminded
    # two working days before that inlämningsdag. Miljönämnden's only meeting is after the deadline.
    board = [*STK_ROUND[:1], (nine(2023, 10, 31), "before_submission"), *STK_ROUND[1:]]
    for key, official in OFFICIALS.items():
        expected = board if key == TN else STK_ROUND
        assert [(s.when, s.kind) for s in walker.reminders(official.id)] == expected, official.name
    escalations = walker.of(COORDINATOR, "escalation:")
    assert [s.when for s in escalations] == [nine(2023, 12, 4)]
    # Nobody was pinged outside office hours, and every DM is within Slack's limits.
    assert all(time(8, 0) <= s.at.time() < time(17, 0) for s in walker.seen)
    assert box.fake.warnings == []

    tn = [s.message for s in walker.reminders(OFFICIALS[TN].id)]
    nudge = tn[0]
    assert nudge.text.startswith(
        ":wave: Kommer ni att svara på *STK-2023-137 Områdeslyft*? Sista svarsdatum torsdag 30 november.\n"
    )
    assert "Tekniska nämnden har fått remissen;" in nudge.text
    assert labels(nudge) == ["Vi kommer att svara", "Avstå", "Begär anstånd"]
    advice = (
        "Er sista nämnd före svarsdatum är torsdag 16 november; ärendet ska vara klart för inlämning torsdag 2 november"
    )
    assert advice in nudge.text
    inlamning, tn = tn[1], [tn[0], *tn[2:]]
    assert inlamning.text.startswith(
        ":spiral_calendar_pad: *STK-2023-137 Områdeslyft*: ärendet ska vara klart för inlämning torsdag 2 november.\n"
        "Då hinner det till nämndens sammanträde torsdag 16 november."
    )
    assert "Sista svarsdatum är torsdag 30 november (22 arbetsdagar kvar)." in inlamning.text
    ten_days = tn[1]
    assert (
        "ska besvaras senast torsdag 30 november (10 arbetsdagar kvar).\nNi svarar för Tekniska nämnden."
        in ten_days.text
    )
    assert "Vi har inget svar från er än; remissen har 4 frågor." in ten_days.text
    assert "Er sista nämnd före svarsdatum är i dag, torsdag 16 november; ärendet skulle vara klart" in ten_days.text
    assert labels(ten_days) == ["Svara", "Avstå", "Begär anstånd", "Påminn mig i morgon", "Påminn mig den…"]
    assert "Er sista nämnd före svarsdatum var torsdag 16 november" in tn[2].text
    assert "2 arbetsdagar kvar" in tn[3].text
    # The deadline's morning and the overdue reminder come whatever is asked: no snoozing there.
    assert "I dag är sista svarsdatum" in tn[4].text
    assert labels(tn[4]) == ["Svara", "Avstå", "Begär anstånd"]
    assert "Sista svarsdatum för *STK-2023-137 Områdeslyft* var torsdag 30 november" in tn[5].text
    assert "Er sista nämnd" not in tn[5].text

    mn = [s.message for s in walker.reminders(OFFICIALS[MN].id)]
    assert "Ingen nämnd hinner behandla ärendet före svarsdatum" in mn[0].text  # the nudge
    assert "Ingen nämnd hinner behandla ärendet före svarsdatum" in mn[1].text  # the first reminder after it
    assert "Ingen nämnd" not in mn[2].text
    assert "Fråga 3 och 4 saknar svar." in mn[1].text  # the draft saved on 1 November answers 1 and 2
    assert not any("nämnd före svarsdatum" in s.message.text for s in walker.reminders(OFFICIALS[MKB].id))

    escalation = escalations[0].message
    assert "*STK-2023-137 Områdeslyft*: 3 remissinstanser har inte svarat" in escalation.text
    rows = [b for b in escalation.blocks or [] if str(b.get("block_id", "")).startswith("late:")]
    assert [b["accessory"]["value"] for b in rows] == [f"{key}|{CASE}" for key in (TN, MN, MKB)]
    assert "• *Miljönämnden*: svarsdatum torsdag 30 november; har ett påbörjat utkast." in escalation.text
    assert "• *MKB*: svarsdatum torsdag 30 november; har inte öppnat remissen." in escalation.text

    digests = walker.of(COORDINATOR, "digest:")
    days = [s.at.date() for s in digests]
    # Not on the day it was sent (nothing to report yet); then only on a working day when it says something new:
    # the deadline's week (a draft saved on 1 November changes nothing the digest shows), each of the last
    # two working days before the deadline (REMISSBOT_DIGEST_DEADLINE_DAYS), the deadline, the first day late,
    # and the next week (no deadline in it).
    assert all(s.at.time() == time(8, 30) for s in digests)
    assert days == [
        date(2023, 10, 3),
        date(2023, 11, 27),
        date(2023, 11, 28),
        date(2023, 11, 29),
        date(2023, 11, 30),
        date(2023, 12, 1),
        date(2023, 12, 4),
    ]
    texts = [s.message.text.split("\n", 1)[1] for s in digests]
    assert len(set(texts)) == len(texts)  # never the same twice (the date in the header left out)
    by_day = {s.at.date(): s.message for s in digests}
    deadline_week = by_day[date(2023, 11, 27)]
    assert deadline_week.blocks and deadline_week.blocks[0]["type"] == "header"
    assert "Remisser i dag, måndag 27 november" in shown(deadline_week)
    assert (
        "• torsdag 30 november: *STK-2023-137 Områdeslyft*: 3 av 3 har inte svarat "
        "(Tekniska nämnden, Miljönämnden, MKB)" in deadline_week.text
    )
    assert "svarsdatum torsdag 30 november (2 arbetsdagar kvar)." in by_day[date(2023, 11, 28)].text
    assert "svarsdatum torsdag 30 november (sista dagen i dag)." in by_day[date(2023, 11, 30)].text
    assert "Inga svarsdatum den här veckan." in by_day[date(2023, 12, 4)].text
    monday = by_day[date(2023, 12, 4)]
    assert "*STK-2023-137 Områdeslyft*: 0 av 3 har svarat; svarsdatum torsdag 30 november." in monday.text
    assert "Sena: Tekniska nämnden, Miljönämnden, MKB." in monday.text


# -- the official's buttons --------------------------------------------------------------------------------------
def at_the_reminder_of_16_november(box: Sandbox) -> Walker:
    """STK-2023-137 sent with its deadline on 30 November, the bot off until 16 November and walked to that
    day's reminder at 09:00 (10 working days before), the one the snooze buttons are pressed on."""
    send(box, date(2023, 11, 30))
    walker = Walker(box)
    walker.jump(stockholm(2023, 11, 16, 8, 0))
    walker.walk(stockholm(2023, 11, 16, 9, 0))
    return walker


def test_pamind_mig_i_morgon_brings_the_next_reminder_the_next_working_day(box: Sandbox) -> None:
    walker = at_the_reminder_of_16_november(box)
    tove = OFFICIALS[TN].id
    reminder = walker.latest_reminder(tove)
    assert box.driver.block_action(tove, ids.SNOOZE_TOMORROW, message=reminder).status == 200
    edited = wait_until_shown(box.fake, tove, reminder, "Vi påminner dig fredag 17 november kl. 09.00.")
    assert labels(edited) == ["Svara", "Avstå", "Begär anstånd"]  # the snooze row gave way to the line
    walker.walk(stockholm(2023, 12, 1, 18, 0))
    assert [(s.when, s.kind) for s in walker.reminders(tove)] == [
        (nine(2023, 11, 16), "before_deadline"),
        (nine(2023, 11, 17), "snoozed"),
        (nine(2023, 11, 23), "before_deadline"),
        (nine(2023, 11, 28), "before_deadline"),
        (nine(2023, 11, 30), "deadline_morning"),
        (nine(2023, 12, 1), "overdue"),
    ]
    assert "9 arbetsdagar kvar" in walker.reminders(tove)[1].message.text
    # Nobody else's reminders moved.
    assert [(s.when, s.kind) for s in walker.reminders(OFFICIALS[MN].id)] == STK_ROUND[1:]


def test_a_snooze_to_a_date_lands_on_a_working_day_and_is_kept_to_the_deadline(box: Sandbox) -> None:
    walker = at_the_reminder_of_16_november(box)
    mats = OFFICIALS[MN].id
    reminder = walker.latest_reminder(mats)
    # A day after the deadline is refused in Swedish, next to nothing broken: the message stays as it was.
    responses = len(box.fake.responses)
    box.driver.block_action(mats, ids.SNOOZE_DATE, message=reminder, selected_date="2023-12-05")
    refusal = ephemeral_after(box.fake, responses)
    assert refusal == (
        "Välj en dag senast sista svarsdatum, torsdag 30 november. Behöver ni mer tid än så, begär anstånd i stället."
    )
    assert "Traceback" not in refusal
    # Saturday 25 November means Monday 27 November; the reminder of 23 November is left out.
    box.driver.block_action(mats, ids.SNOOZE_DATE, message=reminder, selected_date="2023-11-25")
    wait_until_shown(box.fake, mats, reminder, "Vi påminner dig måndag 27 november kl. 09.00.")
    walker.walk(stockholm(2023, 11, 28, 18, 0))
    assert [(s.when, s.kind) for s in walker.reminders(mats)] == [
        (nine(2023, 11, 16), "before_deadline"),
        (nine(2023, 11, 27), "snoozed"),
        (nine(2023, 11, 28), "before_deadline"),
    ]
    # Snoozing someone else's reminder is refused.
    responses = len(box.fake.responses)
    box.driver.block_action(ANNA, ids.SNOOZE_TOMORROW, message=walker.latest_reminder(mats))
    assert "Miljönämnden" in ephemeral_after(box.fake, responses)


def test_vi_kommer_att_svara_counts_as_opened_and_answers_the_nudge(box: Sandbox) -> None:
    send(box, date(2023, 11, 30))
    walker = Walker(box)
    walker.walk(stockholm(2023, 10, 5, 9, 0))
    tove = OFFICIALS[TN].id
    nudge = walker.latest_reminder(tove)
    assert status_of(box, TN) is RecipientStatus.NOT_OPENED
    assert box.driver.block_action(tove, ids.INTEND_TO_ANSWER, message=nudge).status == 200
    edited = wait_until_shown(box.fake, tove, nudge, "Tack! Vi har noterat att Tekniska nämnden kommer att svara")
    assert labels(edited) == ["Svara"]
    assert status_of(box, TN) is RecipientStatus.OPENED
    intents = [e for e in box.core.service.queries.audit_trail(CASE) if e.action is AuditAction.INTENDS_TO_ANSWER]
    assert [(e.organisation_key, e.actor) for e in intents] == [(TN, tove)]
    # Svara on it opens the existing answer form.
    assert box.driver.block_action(tove, ids.ANSWER, message=current(box.fake, tove, nudge.ts)).status == 200
    form = box.fake.wait_for(lambda: [v for v in box.fake.views_of(tove) if v.callback_id == ids.ANSWER_VIEW])
    assert [v.id for v in box.fake.views_of(tove)] == [form[0].id]


def test_the_nudge_goes_only_to_recipients_who_have_not_opened_the_remiss(box: Sandbox) -> None:
    send(box, date(2023, 11, 30))
    walker = Walker(box)
    walker.walk(stockholm(2023, 10, 4, 12, 0))
    # Tove opens the answer form from the remiss DM on 4 October: the remiss is opened, no nudge on the 5th.
    tove = OFFICIALS[TN].id
    remiss_dm = box.fake.messages_in(tove)[0]
    assert str((remiss_dm.metadata or {})["event_payload"]["key"]).startswith(f"remiss:{CASE}:{TN}:")
    box.driver.block_action(tove, ids.ANSWER, message=remiss_dm)
    box.fake.wait_for(lambda: status_of(box, TN) is RecipientStatus.OPENED or None)
    walker.walk(stockholm(2023, 10, 5, 18, 0))
    assert walker.reminders(tove) == []
    assert [s.kind for s in walker.reminders(OFFICIALS[MN].id)] == ["nudge_unopened"]


def test_pamind_igen_sends_one_reminder_now_and_only_for_a_coordinator(box: Sandbox) -> None:
    send(box, date(2023, 11, 30))
    walker = Walker(box)
    walker.jump(stockholm(2023, 12, 4, 8, 0))
    walker.walk(stockholm(2023, 12, 4, 9, 0))
    escalation = walker.of(COORDINATOR, "escalation:")[0].message
    mats = OFFICIALS[MN].id
    before = len(walker.reminders(mats))

    responses = len(box.fake.responses)
    box.driver.block_action(ANNA, ids.REMIND_AGAIN, f"{MN}|{CASE}", message=escalation, block_id=f"late:{MN}|{CASE}")
    assert ephemeral_after(box.fake, responses).startswith("Det här kan bara en remissamordnare göra.")

    walker.at(stockholm(2023, 12, 4, 10, 15))
    assert len(walker.reminders(mats)) == before  # Anna's click sent nothing
    click = box.driver.block_action(
        COORDINATOR, ids.REMIND_AGAIN, f"{MN}|{CASE}", message=escalation, block_id=f"late:{MN}|{CASE}"
    )
    assert click.status == 200
    edited = wait_until_shown(
        box.fake, COORDINATOR, escalation, "påminde Miljönämnden igen måndag 4 december kl. 10.15"
    )
    still = [e["value"] for e in elements(edited)]
    assert still == [f"{TN}|{CASE}", f"{MKB}|{CASE}"]
    walker.at(stockholm(2023, 12, 4, 10, 15))
    again = walker.reminders(mats)[before:]
    assert [(s.when, s.kind) for s in again] == [((date(2023, 12, 4), time(10, 15)), "again")]
    assert "Sista svarsdatum för *STK-2023-137 Områdeslyft* var torsdag 30 november." in again[0].message.text
    assert walker.reminders(OFFICIALS[TN].id) == []  # nobody else reminded
    walker.walk(stockholm(2023, 12, 5, 18, 0))
    assert len(walker.reminders(mats)) == before + 1


def test_an_answer_a_minute_before_the_claim_means_no_reminder(box: Sandbox) -> None:
    send(box, date(2023, 11, 30))
    walker = Walker(box)
    walker.jump(stockholm(2023, 11, 23, 8, 0))
    walker.walk(stockholm(2023, 11, 28, 8, 30))
    mona = OFFICIALS[MKB].id
    walker.clock.set(stockholm(2023, 11, 28, 8, 59))
    # Avstå on the reminder of 23 November: the existing flow, from the reminder.
    assert box.driver.block_action(mona, ids.DECLINE, message=walker.latest_reminder(mona)).status == 200
    box.fake.wait_for(lambda: box.fake.views_of(mona)[-1:])
    box.driver.view_submission(mona, {"reason": {"reason": {"type": "plain_text_input", "value": "Berör inte MKB"}}})
    box.fake.wait_for(lambda: status_of(box, MKB) is RecipientStatus.DECLINED or None)
    walker.at(stockholm(2023, 11, 28, 9, 0))
    assert walker.reminders(mona)[-1].at.date() == date(2023, 11, 23)
    assert [s.when for s in walker.reminders(OFFICIALS[TN].id)][-1] == nine(2023, 11, 28)
    walker.walk(stockholm(2023, 12, 4, 18, 0))
    assert walker.reminders(mona)[-1].at.date() == date(2023, 11, 23)
    escalation = walker.of(COORDINATOR, "escalation:")[0].message
    assert "2 remissinstanser har inte svarat" in escalation.text and "MKB" not in escalation.text


# -- the calendar ------------------------------------------------------------------------------------------------
# What a round sends each official who never answers, in order; the tests below give only the days.
ROUND_KINDS = ["nudge_unopened", "before_deadline", "before_deadline", "before_deadline", "deadline_morning", "overdue"]


def test_a_deadline_across_the_october_clock_change_is_reminded_at_nine_local(box: Sandbox) -> None:
    walker = walked_round(
        box,
        stockholm(2023, 10, 16, 10, 0),
        date(2023, 11, 3),
        stockholm(2023, 11, 8, 18, 0),
        case="STK-2023-150",
        title="Vinterväghållning",
    )
    days = [
        date(2023, 10, 19),
        date(2023, 10, 20),
        date(2023, 10, 27),  # summer time: 07:00 UTC
        date(2023, 11, 1),  # winter time: 08:00 UTC
        date(2023, 11, 3),
        date(2023, 11, 6),
    ]
    expected = [((day, time(9, 0)), kind) for day, kind in zip(days, ROUND_KINDS, strict=True)]
    tove = walker.reminders(OFFICIALS[TN].id)
    assert [(s.when, s.kind) for s in tove] == expected
    assert [s.at.astimezone(UTC).hour for s in tove] == [7, 7, 7, 8, 8, 8]
    assert [s.when for s in walker.of(COORDINATOR, "escalation:")] == [nine(2023, 11, 7)]


@pytest.mark.parametrize(
    ("start", "deadline", "end", "case", "title", "org", "reminder_days", "escalation", "holidays", "digest_days"),
    [
        pytest.param(
            stockholm(2024, 5, 27, 10, 0),
            date(2024, 6, 24),
            stockholm(2024, 6, 26, 18, 0),
            "STK-2024-40",
            "Sommarlovsaktiviteter",
            MKB,
            [
                date(2024, 5, 30),
                # 10 working days before: 6 June (nationaldagen) and 21 June skipped
                date(2024, 6, 7),
                date(2024, 6, 14),
                date(2024, 6, 19),
                date(2024, 6, 24),
                date(2024, 6, 25),
            ],
            nine(2024, 6, 26),
            {date(2024, 6, 6), date(2024, 6, 21), date(2024, 6, 22)},
            set(),
            id="midsommarafton_is_no_working_day",
        ),
        pytest.param(
            stockholm(2023, 12, 4, 10, 0),
            date(2023, 12, 28),
            stockholm(2024, 1, 3, 18, 0),
            "STK-2023-160",
            "Nyårsfirande",
            TN,
            [
                date(2023, 12, 7),
                date(2023, 12, 12),
                date(2023, 12, 19),
                date(2023, 12, 22),  # 2 working days before 28 December: 27 and 22
                date(2023, 12, 28),
                date(2023, 12, 29),
            ],
            nine(2024, 1, 2),  # the escalation waits for the first working day after nyårsdagen
            {date(2023, 12, 24), date(2023, 12, 25), date(2023, 12, 26), date(2023, 12, 31), date(2024, 1, 1)},
            {date(2023, 12, 27)},
            id="christmas_and_new_year_have_no_reminders",
        ),
    ],
)
def test_holidays_are_no_working_days_for_reminders(
    box: Sandbox,
    start: datetime,
    deadline: date,
    end: datetime,
    case: str,
    title: str,
    org: str,
    reminder_days: list[date],
    escalation: tuple[date, time],
    holidays: set[date],
    digest_days: set[date],
) -> None:
    walker = walked_round(box, start, deadline, end, case=case, title=title)
    assert [(s.when, s.kind) for s in walker.reminders(OFFICIALS[org].id)] == [
        ((day, time(9, 0)), kind) for day, kind in zip(reminder_days, ROUND_KINDS, strict=True)
    ]
    assert [s.when for s in walker.of(COORDINATOR, "escalation:")] == [escalation]
    days = {s.at.date() for s in walker.seen}
    assert not days & holidays
    assert digest_days <= {s.at.date() for s in walker.of(COORDINATOR, "digest:")}


# -- the walk itself -----------------------------------------------------------------------------------------------
def test_the_walk_runs_the_job_whenever_it_has_work_so_a_message_at_night_is_seen_at_night(box: Sandbox) -> None:
    send(box, date(2023, 11, 30))
    walker = Walker(box)
    # A nudge planned for 03:00 (a wrong plan) and a message let out at 02:00 (a wrong send time).
    nudge = next(
        r.scheduled.reminder for r in box.core.service.reminding.reminder_plan(CASE) if r.organisation.key == TN
    )
    night = OutboxMessage(
        key=f"digest:2023-10-03:{COORDINATOR}",
        kind=MessageKind.DIGEST,
        case_number="",
        created_at=walker.clock.now(),
        to_user=COORDINATOR,
        next_attempt_at=stockholm(2023, 10, 3, 2, 0),
    )
    with box.core.store.transaction() as repo:
        repo.reminders.schedule_reminders(
            CASE, TN, [replace(nudge, due_at=stockholm(2023, 10, 5, 3, 0))], walker.clock.now()
        )
        repo.outbox.enqueue(night)
    walker.walk(stockholm(2023, 10, 5, 12, 0))
    assert [s.at for s in walker.of(COORDINATOR, "digest:")][:1] == [stockholm(2023, 10, 3, 2, 0)]
    # The nudge is claimed at 03:00 and waits, run after run, for office hours.
    night_runs = [t for t in walker.ticks if stockholm(2023, 10, 5, 2, 30) <= t <= stockholm(2023, 10, 5, 8, 0)]
    assert night_runs == [stockholm(2023, 10, 5, 3, 0) + timedelta(minutes=30 * n) for n in range(11)]
    assert [s.at for s in walker.reminders(OFFICIALS[TN].id)] == [stockholm(2023, 10, 5, 8, 0)]
    # Otherwise the job ran only for the digests and the reminders due: not every half hour.
    assert len(walker.ticks) < 30
