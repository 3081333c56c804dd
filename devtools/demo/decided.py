"""The demo's steps with the decided yttrande and the registries: a board answers with its yttrande as a PDF
(which the demo makes), and the registrators on both sides press Registrerad and enter their numbers."""

from __future__ import annotations

import json

from devtools.demo.forms import answer_form_values, prefilled, view_title
from devtools.demo.scenario import FormAnswer, Step
from devtools.demo.stage import Stage
from devtools.demo.transcript import LINE_WIDTH, answer_lines
from devtools.demo.yttrande import yttrande_lines, yttrande_pdf
from devtools.sandbox.harness import SandboxUser
from devtools.sandbox.screen import nested
from devtools.sandbox.transcript import cut
from devtools.sandbox.workspace import Message, View
from handlers import ids
from handlers.registry_blocks import NUMBER_BLOCK

RECEIPT = "Svaret är inskickat"
REFUSED = "Svaret skickades inte in"


def answer_with_document(stage: Stage, step: Step) -> None:
    """The board's official attaches the decided yttrande (a PDF the demo makes) in the answer form, types no
    answer, and submits; if the bot brings the form back filled in from the document, she checks it and
    submits it as it stands."""
    t, key, yttrande = stage.t, step.organisation, stage.scenario.yttrande
    official = stage.begin(step, "step_document")
    board = stage.service.directory.directory().require(key).name
    data = yttrande_pdf(yttrande, stage.remiss, board)
    lines = [cut(line, LINE_WIDTH) for line in yttrande_lines(yttrande, stage.remiss, board) if line]
    t.saw("saw_document", "\n".join(lines), file=yttrande.file, size=len(data))
    file = stage.box.fake.add_file(yttrande.file, data)
    form = stage.open_answer_form(official, key)
    values = answer_form_values(form, step.entered, [file.to_slack()])
    shown = answer_lines(form, values, t.name_of, questions=())
    t.saw("saw_modal_document", "\n".join(shown), name=official.real_name, title=view_title(form))
    before = form.hash  # the fake updates the view in place
    stage.people.submit(official.id, values)
    after = _after_submission(stage, form.id, before)
    if RECEIPT not in _text_of(after):
        # The bot read the yttrande and brought the form back filled in from it, asking her to check.
        notice = [b for b in after.payload["blocks"] if b.get("type") == "context"][-1:]
        t.saw(
            "saw_form_from_document",
            t.slack(notice),
            name=official.real_name,
            title=view_title(after),
            questions=prefilled(after),
        )
        stage.people.submit(official.id, answer_form_values(after, FormAnswer(kind=step.entered.kind)))
    else:
        t.saw("saw_receipt", t.slack(after.payload["blocks"]), name=official.real_name, title=view_title(after))
    # The remiss message follows the submission on the app's background pool, after the document was read
    # in a child process: give a loaded machine longer than the usual five seconds.
    stage.show_dm_state(official, "Ni har svarat", timeout=20.0)
    stage.deliver()


def _after_submission(stage: Stage, view_id: str, before: str) -> View:
    """The modal once the files are fetched: the receipt, or the answer form again (filled in from the
    document); a refusal stops the demo (it would be a bug)."""

    def settled() -> View | None:
        view = stage.box.fake.view(view_id)
        if view is None or view.hash == before:
            return None
        if REFUSED in _text_of(view):
            raise RuntimeError(f"the app refused the yttrande: {_text_of(view)[:500]}")
        return view if RECEIPT in _text_of(view) or view.callback_id == ids.ANSWER_VIEW else None

    return stage.box.fake.wait_for(settled, timeout=20.0)  # read in a child process: slow on a loaded machine


def _text_of(view: View) -> str:
    return json.dumps(view.payload.get("blocks", []), ensure_ascii=False)


def register_remiss(stage: Stage, step: Step) -> None:
    """The recipient's registrator registers the copy of the remiss that came to her, with their diarienummer."""
    registrator = stage.scenario.registries[step.organisation].people[0]
    stage.walk_to(step.when)
    organisation = stage.service.directory.directory().require(step.organisation).name
    stage.t.step(step.when, "step_register_remiss", name=registrator.real_name, organisation=organisation)
    copy = stage.people.dm_message(registrator.id, _registrable)
    _register(stage, registrator, copy, stage.scenario.typed.remiss_registered_as)


def register_answer(stage: Stage, step: Step) -> None:
    """Stadskontoret's registrator registers an organisation's answer, which came to the registry channel."""
    registry = stage.scenario.registries["stadskontoret"]
    registrator = registry.people[0]
    stage.walk_to(step.when)
    organisation = stage.service.directory.directory().require(step.organisation).name
    stage.t.step(
        step.when,
        "step_register_answer",
        name=registrator.real_name,
        channel=registry.channel_name,
        organisation=organisation,
        registry=stage.service.directory.directory().require("stadskontoret").name,
    )
    copy = stage.box.fake.wait_for(
        lambda: next(
            (m for m in stage.box.fake.messages_in(registry.channel_id) if _registrable(m) and organisation in m.text),
            None,
        )
    )
    _register(stage, registrator, copy, stage.scenario.typed.answer_registered_as)


def _register(stage: Stage, registrator: SandboxUser, copy: Message, number: str) -> None:
    t = stage.t
    t.saw("saw_registry_copy", t.slack(copy.blocks), name=registrator.real_name)
    stage.fill_in(registrator, ids.REGISTER, copy, {NUMBER_BLOCK: number})
    updated = stage.box.fake.wait_for(
        lambda: next(
            (m for m in stage.box.fake.messages_in(copy.channel) if m.ts == copy.ts and not _registrable(m)), None
        )
    )
    t.saw("saw_registry_copy_now", t.slack(updated.blocks[-1:] if updated.blocks else None))
    stage.deliver()


def _registrable(message: Message) -> bool:
    """A registry copy still showing Registrerad."""
    return any(e.get("action_id") == ids.REGISTER for e in nested(message.blocks))
