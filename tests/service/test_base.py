"""The shared base: who acts (coordinators by id or by Slack user group), on the injected clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.domain.organisation import Directory
from bot.core.usecases import build_use_cases
from devtools.clocks import FakeClock
from devtools.memory import MemoryStore
from tests.service.support import (
    RecordingUsers,
    directory,
    stk_2023_137,
)


def test_members_of_the_coordinators_user_group_are_coordinators_and_slack_is_asked_once(clock: FakeClock) -> None:
    users = RecordingUsers({}, groups={"S0COORD": frozenset({"UGROUPED"})})
    service = build_use_cases(MemoryStore(), clock, users=users, coordinator_group="S0COORD")
    assert service.actor("UGROUPED").is_coordinator
    assert not service.actor("UOTHER").is_coordinator
    assert users.lookups == ["S0COORD"]


def test_the_coordinators_group_is_asked_again_after_five_minutes_on_the_injected_clock(clock: FakeClock) -> None:
    users = RecordingUsers({}, groups={"S0COORD": frozenset({"UGROUPED"})})
    service = build_use_cases(MemoryStore(), clock, users=users, coordinator_group="S0COORD")
    service.actor("UGROUPED")
    clock.advance(timedelta(minutes=5))
    service.actor("UGROUPED")
    assert users.lookups == ["S0COORD"]
    clock.advance(timedelta(seconds=1))
    users.groups["S0COORD"] = frozenset({"UNEW"})
    assert service.actor("UNEW").is_coordinator
    assert users.lookups == ["S0COORD", "S0COORD"]


def test_another_replicas_directory_change_shows_within_a_minute_on_the_injected_clock(clock: FakeClock) -> None:
    store = MemoryStore()
    here, there = (build_use_cases(store, clock, coordinators=["UMIA"]) for _ in range(2))
    here.directory.seed_directory(directory())
    remiss = here.drafting.create_draft(here.actor("UMIA"), stk_2023_137())
    assert here.directory.sender_name(remiss) == "Stadskontoret"
    sender = directory().require("stadskontoret")
    there.directory.replace_directory(Directory((replace(sender, name="Stadskontoret Malmö"),)))
    assert here.directory.sender_name(remiss) == "Stadskontoret"  # cached
    clock.advance(timedelta(minutes=1))
    assert here.directory.sender_name(remiss) == "Stadskontoret Malmö"
