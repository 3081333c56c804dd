"""The shared base: who acts (coordinators by id or by Slack user group), on the injected clock."""

from __future__ import annotations

from bot.core.usecases import build_use_cases
from devtools.clocks import FakeClock
from devtools.memory import MemoryStore
from tests.service.support import (
    RecordingUsers,
)


def test_members_of_the_coordinators_user_group_are_coordinators_and_slack_is_asked_once(clock: FakeClock) -> None:
    users = RecordingUsers({}, groups={"S0COORD": frozenset({"UGROUPED"})})
    service = build_use_cases(MemoryStore(), clock, users=users, coordinator_group="S0COORD")
    assert service.actor("UGROUPED").is_coordinator
    assert not service.actor("UOTHER").is_coordinator
    assert users.lookups == ["S0COORD"]
