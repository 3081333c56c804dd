"""The demo's story: each kind of step in the scenario (data/scenario.yaml) as what its people do in the
simulated Slack, what they see, and what the coordinator sees; `play` tells the steps in order."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence

from bot.adapters.rendering import moment_as_said
from devtools.demo.decided import answer_with_document, register_answer, register_remiss
from devtools.demo.epilogue import close_remiss, reminder_overview, summary
from devtools.demo.forms import (
    answer_form_values,
    create_form_values,
    modal_values,
    prefilled,
    preview_values,
    question_kind_blocks,
    view_title,
)
from devtools.demo.people import has_header
from devtools.demo.scenario import ScenarioError, Step
from devtools.demo.stage import Stage
from devtools.demo.transcript import LINE_WIDTH, answer_lines, conversation
from devtools.sandbox.screen import outbox_key
from devtools.sandbox.transcript import cut
from handlers import answer, extensions, ids


class Story(Stage):
    """STK-2023-137 told step by step: who does what in Slack, what they see, and what the coordinator sees."""

    def start(self, step: Step) -> None:
        self.t.step(None, "step_start")
        database = self.workdir / "remissbot.db"
        self.t.note("started", slack=self.box.fake.base_url, app=self.box.base_url, database=database)

    def create_and_send(self, step: Step) -> None:
        mia, remiss = self.mia, self.remiss
        self.t.step(self.clock.now(), "step_create", name=mia.real_name)
        form = self.people.open_by_command(mia.id, "ny")
        values = create_form_values(form, remiss, mia.id)
        self.t.saw("saw_create_form", self.entered(form, values), name=mia.real_name, title=view_title(form))
        preview = self.people.submit_until(mia.id, values, ids.PREVIEW_VIEW)
        kinds = preview_values(preview, remiss)
        top = self.t.slack(preview.payload["blocks"][:3])  # the date understood, the kortrubrik, the recipients
        blocks = question_kind_blocks(preview)
        suggested = [b["element"]["initial_option"]["value"] for b in blocks]
        chosen = [next(iter(kinds[b["block_id"]].values()))["selected_option"]["value"] for b in blocks]
        self.t.saw(
            "saw_preview",
            f"{top}\n{self.entered(preview, kinds)}",
            name=mia.real_name,
            title=view_title(preview),
            changed=[n for n, (s, c) in enumerate(zip(suggested, chosen, strict=True), start=1) if s != c],
        )
        self.people.submit(mia.id, kinds)
        draft = self.people.dm_message(mia.id, lambda m: ids.SEND_DRAFT in json.dumps(m.blocks))
        shown = self.t.slack(draft.blocks).splitlines()
        lines = [cut(shown[0], LINE_WIDTH), *[line for line in shown if line.startswith("[")]]
        self.t.saw("saw_draft", "\n".join(lines), name=mia.real_name)
        self.people.click(mia.id, ids.SEND_DRAFT, draft)
        sent = self.people.dm_message(mia.id, lambda m: m.ts == draft.ts and ids.SEND_DRAFT not in json.dumps(m.blocks))
        self.t.saw("saw_sent", self.t.slack(sent.blocks).splitlines()[0], name=mia.real_name)

    def send_out(self, step: Step) -> None:
        self.t.step(self.clock.now(), "step_deliver", count=len(self.remiss.recipient_keys))
        started = time.monotonic()
        self.box.courier.drain()
        fake = self.box.fake
        reached = [
            key
            for key in self.remiss.recipient_keys
            if any(m.user is None and has_header(m.blocks) for m in fake.messages_in(self.officials[key].id))
        ]
        self.t.note("delivered", count=len(reached), seconds=time.monotonic() - started)
        self.t.note("status_explained", coordinator=self.mia.real_name)
        self.deliver()
        first = self.remiss.recipient_keys[0]
        anna = self.officials[first]
        self.t.saw("saw_dm", self.t.slack(self.people.remiss_dm(anna.id).blocks), who=self.who(anna, first))

    def hand_over(self, step: Step) -> None:
        colleague = self.colleague
        fredrik = self.begin(step, "step_hand_over", colleague=colleague.real_name)
        modal = self.people.open_modal(fredrik.id, ids.HAND_OVER, self.people.remiss_dm(fredrik.id))
        values = {
            "colleague": {"colleague": {"type": "users_select", "selected_user": colleague.id}},
            "note": {"note": {"type": "plain_text_input", "value": self.scenario.typed.hand_over_note}},
        }
        self.t.saw("saw_modal", self.entered(modal, values), name=fredrik.real_name, title=view_title(modal))
        self.people.submit(fredrik.id, values)
        self.show_dm_state(fredrik, "lämnade över")
        self.deliver()
        notice = self.people.dm_message(fredrik.id, lambda m: m.thread_ts is None and not has_header(m.blocks))
        self.t.saw("saw_told", self.t.slack(notice.blocks) or notice.text, name=fredrik.real_name)
        got = self.t.slack(self.people.remiss_dm(colleague.id).blocks).splitlines()
        kept = ("lämnade över", "Ni svarar för")
        lines = [got[0], *[line for line in got if any(k in line for k in kept)], got[-1]]
        self.t.saw("saw_handed_over", "\n".join(lines), name=colleague.real_name)

    def decline(self, step: Step) -> None:
        self._with_reason(step, "step_decline", ids.DECLINE, self.scenario.typed.decline_reason, "avstått")

    def withdraw(self, step: Step) -> None:
        """Dra tillbaka svaret: the modal asks why (optional), and the coordinator's thread says it."""
        self._with_reason(step, "step_withdraw", ids.WITHDRAW, self.scenario.typed.withdraw_reason, "Avstå")

    def _with_reason(self, step: Step, part: str, action_id: str, reason: str, shows: str) -> None:
        """The official presses `action_id` on the remiss DM and gives `reason` in its modal; the DM then shows
        `shows`, and the coordinator sees what the courier sends."""
        official = self.begin(step, part)
        self.fill_in(official, action_id, self.people.remiss_dm(official.id), {"reason": reason})
        self.show_dm_state(official, shows)
        self.deliver()

    def only_look(self, step: Step) -> None:
        cecilia = self.begin(step, "step_only_look")
        self.people.close(cecilia.id, self.open_answer_form(cecilia, step.organisation))
        self.deliver()

    def answer_in_chat(self, step: Step) -> None:
        key, submitted = step.organisation, step.submitted or step.when
        elin = self.begin(step, "step_chat")
        dm = self.people.remiss_dm(elin.id)
        reply = self.people.click_for_reply(elin.id, ids.ANSWER_IN_CHAT, dm)
        turns = [("remissbot", self.t.slack(reply.blocks))]
        for text in self.scenario.typed.chat_messages:
            turns.append((elin.real_name, text))
            reply = self.people.write_in_thread(elin.id, dm, text)
            turns.append(("remissbot", self.t.slack(reply.blocks)))
        self.t.saw("saw_thread", conversation(turns, "remissbot"), name=elin.real_name)
        self.walk_to(submitted)
        form = self.open_answer_form(elin, key, reply)
        self.t.note("chat_submit", name=elin.real_name, when=self.t.when(submitted), prefilled=prefilled(form))
        self.answer_with_form(elin, form, step.entered, questions=step.questions)
        self.show_dm_state(elin, "Ni har svarat")
        self.deliver()

    def answer(self, step: Step) -> None:
        """An official (or the colleague who took the remiss over) answers in the form."""
        user = self.begin(step, step.title, self.colleague if step.by_colleague else None)
        form = self.open_answer_form(user, step.organisation)
        self.answer_with_form(user, form, step.entered, step.questions)
        self.show_dm_state(user, "Ni har svarat")
        self.deliver()

    def save_draft(self, step: Step) -> None:
        karin = self.begin(step, "step_draft")
        form = self.open_answer_form(karin, step.organisation)
        values = answer_form_values(form, step.entered)
        saved = self.people.act_in_modal(karin.id, form, answer.SAVE_DRAFT, values)
        shown = answer_lines(form, values, self.t.name_of, step.questions)[:1]
        lines = [*shown, self.t.slack(saved.payload["blocks"][-1:])]
        self.t.saw("saw_modal_draft", "\n".join(lines), name=karin.real_name, title=view_title(form))
        self.people.close(karin.id, saved)
        self.show_dm_state(karin, "utkast")
        self.deliver()

    def snooze(self, step: Step) -> None:
        """The official presses "Påminn mig i morgon" on the reminder she got this morning."""
        cecilia = self.begin(step, "step_snooze")
        reminder = self.walk.latest_reminder(cecilia.id)
        self.people.click(cecilia.id, ids.SNOOZE_TOMORROW, reminder.message)
        # The app edits the reminder in place: the snooze row gives way to a line saying when she hears again.
        edited = self.people.dm_message(
            cecilia.id, lambda m: m.ts == reminder.message.ts and ids.SNOOZE_TOMORROW not in json.dumps(m.blocks)
        )
        self.t.saw("saw_reminder_now", self.t.slack(edited.blocks), name=cecilia.real_name)
        self.deliver()

    def ask_for_extension(self, step: Step) -> None:
        """«Behöver mer tid» on this morning's reminder: the anstånd form, sent to the coordinator."""
        typed = self.scenario.typed
        hassan = self.begin(step, "step_extension")
        modal = self.people.open_modal(hassan.id, ids.REQUEST_EXTENSION, self.walk.latest_reminder(hassan.id).message)
        values = modal_values(
            modal, {extensions.DATE_TEXT: typed.extension_date, extensions.REASON: typed.extension_reason}
        )
        self.t.saw("saw_modal", self.entered(modal, values), name=hassan.real_name, title=view_title(modal))
        before = modal.hash  # the app answers with the form's next state, which the fake shows in its place
        self.people.submit(hassan.id, values)
        done = self.box.fake.wait_for(
            lambda: next((v for v in [self.box.fake.view(modal.id)] if v and v.hash != before), None)
        )
        self.t.saw("saw_modal_now", self.t.slack(done.payload["blocks"]), name=hassan.real_name, title=view_title(done))
        self.deliver()

    def refuse_extension(self, step: Step) -> None:
        """The coordinator presses Avslå on the request in the status thread and writes why."""
        key, when = step.organisation, step.when
        mia, hassan = self.mia, self.officials[key]
        self.walk_to(when)
        self.t.step(
            when, "step_refuse", name=mia.real_name, organisation=self.service.directory.directory().require(key).name
        )
        request = self.people.dm_message(mia.id, lambda m: ids.REFUSE_EXTENSION in json.dumps(m.blocks))
        self.fill_in(mia, ids.REFUSE_EXTENSION, request, {extensions.NOTE: self.scenario.typed.refusal_note})
        self.deliver()
        told = self.people.dm_message(hassan.id, lambda m: outbox_key(m).startswith("extension-decided:"))
        self.t.saw("saw_told", self.t.slack(told.blocks) or told.text, name=hassan.real_name)

    def edit(self, step: Step) -> None:
        greta = self.begin(step, "step_edit")
        form = self.open_answer_form(greta, step.organisation)
        state = next((b for b in form.payload["blocks"] if b.get("type") == "context"), None)
        if state is not None:
            self.t.saw("saw_form_says", self.t.slack([state]), name=greta.real_name, title=view_title(form))
        self.answer_with_form(greta, form, step.entered, questions=step.questions, editing=True)
        stamp = moment_as_said(step.when, step.when.date())  # as the DM says it that day
        self.show_dm_state(greta, stamp)
        self.deliver()

    def last_week(self, step: Step) -> None:
        self.t.step(None, "step_last_week", count=len(step.last_week))
        for answered in step.last_week:
            key, when, entered = answered.organisation, answered.at, answered.entered
            self.walk_to(when)
            user = self.officials[key]
            form = self.open_answer_form(user, key)
            self.people.submit(user.id, answer_form_values(form, entered))
            self.people.remiss_dm_showing(user.id, "Ni har svarat")
            self.t.note(
                "last_week_answer",
                when=self.t.when(when),
                who=self.who(user, key),
                paragraph=entered.paragraph,
                choice=entered.answers[4],
            )
        self.deliver()

    def deadline_passes(self, step: Step) -> None:
        when = step.when
        self.walk_to(when)
        self.t.step(when, "step_deadline", name=self.mia.real_name)
        self.service.drafting.offer_due_summaries()  # what the bot's scheduler runs every morning at 07:45
        self.deliver()
        status = self.status_message()
        if status is not None:
            lines = [line for line in self.t.slack(status.blocks).splitlines() if not line.startswith("•")]
            rows = len(self.remiss.recipient_keys)
            self.t.saw("saw_status", "\n".join(lines), name=self.mia.real_name, rows=rows)

    def final_status(self, step: Step) -> None:
        when = step.when
        self.walk_to(when)
        self.t.step(when, "step_status", name=self.mia.real_name, case=self.case)
        payload = self.people.command(self.mia.id, f"status {self.case}")
        self.t.saw("saw_command", self.t.slack(payload.get("blocks")), name=self.mia.real_name)

    def walk_on(self, step: Step) -> None:
        """The clock walks on to the scenario's end, the reminder job running on the way."""
        until = self.scenario.walk_end
        self.t.step(None, "step_walk_on", until=self.t.when(until))
        self.walk_to(until)
        self.deliver()


# What each step's `do` in the scenario does.
ACTIONS: dict[str, Callable[[Story, Step], None]] = {
    "start": Story.start,
    "create_and_send": Story.create_and_send,
    "send_out": Story.send_out,
    "hand_over": Story.hand_over,
    "decline": Story.decline,
    "withdraw": Story.withdraw,
    "only_look": Story.only_look,
    "answer_in_chat": Story.answer_in_chat,
    "answer": Story.answer,
    "answer_with_document": answer_with_document,
    "register_remiss": register_remiss,
    "register_answer": register_answer,
    "save_draft": Story.save_draft,
    "snooze": Story.snooze,
    "ask_for_extension": Story.ask_for_extension,
    "refuse_extension": Story.refuse_extension,
    "edit": Story.edit,
    "last_week": Story.last_week,
    "deadline_passes": Story.deadline_passes,
    "final_status": Story.final_status,
    "walk_on": Story.walk_on,
    "reminder_overview": reminder_overview,
    "summary": summary,
    "close_remiss": close_remiss,
}


def check(steps: Sequence[Step]) -> None:
    """Every step names something the story can do (checked before the sandbox starts)."""
    unknown = sorted({step.do for step in steps} - ACTIONS.keys())
    if unknown:
        raise ScenarioError(f"the scenario's steps name what the story cannot do: {', '.join(unknown)}")


def play(story: Story, steps: Sequence[Step]) -> None:
    """Tell the steps in order."""
    check(steps)
    for step in steps:
        ACTIONS[step.do](story, step)
