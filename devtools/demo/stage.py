"""What every step of the demo's story shares: the sandbox, the clock walk, the transcript, the scenario's
people, and the moves several steps make (answering in the form, showing the coordinator what followed)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from devtools.clocks import FakeClock
from devtools.demo.forms import answer_form_values, kind_shown, modal_values, view_title
from devtools.demo.people import People
from devtools.demo.scenario import DemoRemiss, FormAnswer, Scenario, Step
from devtools.demo.transcript import Transcript, answer_lines, entered_lines
from devtools.demo.walk import ClockWalk
from devtools.sandbox.harness import Sandbox, SandboxUser
from devtools.sandbox.workspace import Message, View
from handlers import answer, ids


class Stage:
    """The demo's state as the story is told; the story's steps (story.py) act on it."""

    def __init__(
        self,
        box: Sandbox,
        clock: FakeClock,
        t: Transcript,
        scenario: Scenario,
        remiss: DemoRemiss,
        officials: Mapping[str, SandboxUser],
        workdir: Path,
    ) -> None:
        self.box, self.clock, self.t, self.scenario, self.remiss = box, clock, t, scenario, remiss
        self.officials, self.workdir = officials, workdir
        self.case, self.mia, self.colleague = scenario.case, scenario.coordinator, scenario.colleague
        self.people = People(box)
        self.service = box.core.service
        self.thread_lines_shown = 0
        self.status_shown = ""
        self.written = False  # the summary's files, once the last step wrote them
        self.walk = ClockWalk(
            box,
            clock,
            t,
            case=self.case,
            coordinator=self.mia.real_name,
            watched=[self.mia.id, *(user.id for user in officials.values()), self.colleague.id],
            tick_times=scenario.tick_times,
        )

    def walk_to(self, when: datetime) -> None:
        """Move the clock on to `when`, running the reminder job on the way."""
        self.walk.walk_to(when)

    def who(self, user: SandboxUser, key: str) -> str:
        return self.t.words(
            "who", name=user.real_name, organisation=self.service.directory.directory().require(key).name
        )

    def begin(self, step: Step, part: str, user: SandboxUser | None = None, **params: Any) -> SandboxUser:
        """Walk to the step's time and head it in the transcript as done by `user`, the organisation's official
        unless another is given; returns who acts, for the rest of the step."""
        actor = user or self.officials[step.organisation]
        self.walk_to(step.when)
        self.t.step(step.when, part, who=self.who(actor, step.organisation), **params)
        return actor

    def entered(self, view: View, values: Mapping[str, Any]) -> str:
        return "\n".join(entered_lines(view, values, self.t.name_of))

    def fill_in(self, user: SandboxUser, action_id: str, message: Message, typed: Mapping[str, str]) -> None:
        """Click `action_id` on `message`, type `typed` (block id → text) into the modal it opens, show what was
        entered, and submit it."""
        modal = self.people.open_modal(user.id, action_id, message)
        values = modal_values(modal, typed)
        self.t.saw("saw_modal", self.entered(modal, values), name=user.real_name, title=view_title(modal))
        self.people.submit(user.id, values)

    def deliver(self) -> None:
        """The courier sends what the outbox holds; show the coordinator's new thread lines and status."""
        self.box.courier.drain()
        status = self.status_message()
        if status is None:
            return
        lines = [m for m in self.box.fake.messages_in(self.mia.id) if m.thread_ts == status.ts and m.ts != status.ts]
        for line in lines[self.thread_lines_shown :]:
            text = " ".join(self.t.slack(line.blocks).splitlines())
            self.t.followed("thread_line", text=text, coordinator=self.mia.real_name)
        self.thread_lines_shown = len(lines)
        # The deadline part of the counts line never changes; the progress lines leave it out.
        counts = self.status_counts(status).partition(";")[0]
        if counts != self.status_shown:
            self.t.followed("status_now", text=counts, coordinator=self.mia.real_name)
            self.status_shown = counts

    def status_message(self) -> Message | None:
        """The status message in the coordinator's DM (the one message with the counts, edited in place)."""
        messages = self.box.fake.messages_in(self.mia.id)
        return next((m for m in messages if m.thread_ts is None and " har svarat" in m.text), None)

    def status_counts(self, status: Message) -> str:
        return next((line for line in self.t.slack(status.blocks).splitlines() if " har svarat" in line), status.text)

    def show_dm_state(self, user: SandboxUser, phrase: str, timeout: float = 5.0) -> None:
        """What the user's remiss message says once the app has updated it to show `phrase`."""
        message = self.people.remiss_dm_showing(user.id, phrase, timeout)
        self.t.saw("saw_dm_now", self.state_of(message), name=user.real_name)

    def state_of(self, message: Message) -> str:
        """The end of a remiss message: the recipient's state and its buttons."""
        blocks = message.blocks or []
        last_divider = max((i for i, b in enumerate(blocks) if b.get("type") == "divider"), default=-1)
        return self.t.slack(blocks[last_divider + 1 :])

    def open_answer_form(self, user: SandboxUser, key: str, message: Message | None = None) -> View:
        """Press Svara (or Ändra svar, or Skicka in in the chat thread); returns the form once it has replaced
        the light modal the click opened and the app has recorded that the user opened the remiss, so nothing
        of the click is still under way."""
        modal = self.people.open_modal(user.id, ids.ANSWER, message or self.people.remiss_dm(user.id))
        form = self.box.fake.wait_for(lambda: next((v for v in [modal] if v.callback_id == ids.ANSWER_VIEW), None))
        actor = self.service.actor(user.id)
        self.box.fake.wait_for(lambda: self.service.answering.answer_context(actor, self.case, key).recipient.opened_at)
        return form

    def answer_with_form(
        self, user: SandboxUser, form: View, entered: FormAnswer, questions: Sequence[int], *, editing: bool = False
    ) -> None:
        """Fill in the open answer form (choosing the kind of answer first, which reshapes it) and submit."""
        values = answer_form_values(form, entered)
        if kind_shown(form) != entered.kind.value:
            kind = values[answer.KIND_BLOCK][answer.KIND]["selected_option"]
            form = self.people.act_in_modal(user.id, form, answer.KIND, values, selected_option=kind)
            values = answer_form_values(form, entered)

        def others(numbers: list[int], positions: list[str]) -> str:
            return self.t.words("other_answers", numbers=numbers, positions=positions, kept=editing)

        lines = answer_lines(form, values, self.t.name_of, questions, others)
        self.t.saw("saw_modal", "\n".join(lines), name=user.real_name, title=view_title(form))
        self.people.submit(user.id, values)
