"""Sending offices: a scoped coordinator coordinates only their offices' remisses; the sender of a new remiss."""

from __future__ import annotations

import pytest

from bot.adapters.rendering import Texts
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.offices import coordinates, named_office, require_coordinates, sender_for, sending_offices_for
from tests.domain.samples import make_remiss

OFFICES = ("stadskontoret", "stadsbyggnadskontoret")


def test_a_global_coordinator_coordinates_every_office_and_a_scoped_one_only_theirs() -> None:
    assert coordinates(frozenset(), "stadsbyggnadskontoret")
    assert coordinates({"stadskontoret"}, "stadskontoret")
    assert not coordinates({"stadskontoret"}, "stadsbyggnadskontoret")
    assert coordinates({"stadskontoret", "stadsbyggnadskontoret"}, "stadsbyggnadskontoret")


def test_another_offices_remiss_is_refused_naming_that_office_and_who_to_ask() -> None:
    remiss = make_remiss(sender_key="stadsbyggnadskontoret", coordinators=("USBK",))
    require_coordinates({"stadsbyggnadskontoret"}, remiss, office="Stadsbyggnadskontoret", ask=("USBK",))
    with pytest.raises(DomainError) as refused:
        require_coordinates(
            {"stadskontoret"},
            remiss,
            office="Stadsbyggnadskontoret",
            ask=("USBK", "cli:root", "USBK", "U0TWO", "U0TRE", "U0FYRA"),
        )
    assert refused.value.code is ErrorCode.OTHER_OFFICE
    # Only Slack users, each once, at most three.
    assert refused.value.params["ask"] == ("USBK", "U0TWO", "U0TRE")
    assert Texts().error(refused.value) == (
        f"{remiss.case_number} skickades av Stadsbyggnadskontoret, och du samordnar inte det kontorets remisser. "
        "Be <@USBK>, <@U0TWO> eller <@U0TRE> om hjälp."
    )


def test_with_nobody_to_name_the_refusal_says_to_ask_the_offices_coordinators() -> None:
    remiss = make_remiss(sender_key="stadsbyggnadskontoret", coordinators=("cli:root",))
    with pytest.raises(DomainError) as refused:
        require_coordinates({"stadskontoret"}, remiss, office="Stadsbyggnadskontoret", ask=())
    assert Texts().error(refused.value).endswith("Be en samordnare på Stadsbyggnadskontoret om hjälp.")


def test_a_new_remiss_is_sent_from_the_chosen_office_or_the_first_the_coordinator_sends_from() -> None:
    assert sending_offices_for(frozenset(), OFFICES) == OFFICES
    assert sending_offices_for({"stadsbyggnadskontoret"}, OFFICES) == ("stadsbyggnadskontoret",)
    assert sender_for(frozenset(), OFFICES, None) == "stadskontoret"
    assert sender_for({"stadsbyggnadskontoret"}, OFFICES, None) == "stadsbyggnadskontoret"
    assert sender_for(frozenset(), OFFICES, "stadsbyggnadskontoret") == "stadsbyggnadskontoret"
    for offices, chosen in (({"stadskontoret"}, "stadsbyggnadskontoret"), (frozenset(), "tekniska-namnden")):
        with pytest.raises(DomainError) as refused:
            sender_for(offices, OFFICES, chosen)
        assert refused.value.code is ErrorCode.NOT_A_SENDING_OFFICE
        assert refused.value.field == "sender"


def test_an_import_gives_the_sender_only_when_it_names_a_sending_office() -> None:
    assert named_office("stadsbyggnadskontoret", OFFICES) == "stadsbyggnadskontoret"
    assert named_office("tekniska-namnden", OFFICES) is None
    assert named_office(None, OFFICES) is None
