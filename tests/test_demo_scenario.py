"""The demo's scenario as data: it loads into typed values, its story's steps exist, and a mistake is named."""

from __future__ import annotations

import copy
from datetime import datetime, time
from typing import Any

import pytest

from bot.core.clock import STOCKHOLM
from bot.core.domain.remiss import Position, ResponseKind
from devtools.demo import DemoRemiss, load_scenario
from devtools.demo.scenario import SCENARIO_FILE, ScenarioError, parse_scenario, read_data
from devtools.demo.story import ACTIONS, check


def raw() -> dict[str, Any]:
    return copy.deepcopy(read_data(SCENARIO_FILE))


def test_the_scenario_loads_into_typed_values() -> None:
    scenario = load_scenario()
    assert scenario.start == datetime(2023, 10, 2, 9, tzinfo=STOCKHOLM)
    assert scenario.tick_times == (time(8, 30), time(9), time(17))
    tekniska = next(step for step in scenario.steps if step.title == "step_long").entered
    assert tekniska.answers[1] == scenario.long_answer and len(scenario.long_answer) > 10_000
    assert tekniska.positions[3] is Position.FORESLAR_ANDRINGAR
    assert next(step for step in scenario.steps if step.title == "step_delegation").entered.kind is (
        ResponseKind.DELEGATION
    )


def test_every_step_is_something_the_story_does_and_every_recipient_has_an_official() -> None:
    scenario = load_scenario()
    check(scenario.steps)
    assert {step.do for step in scenario.steps} == ACTIONS.keys()
    keys = DemoRemiss.load().recipient_keys
    assert len(scenario.officials_for(keys)) == len(keys)


def test_a_step_naming_an_answer_the_scenario_lacks_is_refused_with_its_name() -> None:
    data = raw()
    data["steps"][7]["answer"] = "delegatoin"
    with pytest.raises(ScenarioError, match="delegatoin"):
        parse_scenario(data)


def test_a_step_the_story_cannot_do_is_refused_before_the_demo_starts() -> None:
    data = raw()
    data["steps"].append({"do": "dance"})
    with pytest.raises(ScenarioError, match="dance"):
        check(parse_scenario(data).steps)
