"""An organisation's meeting dates and inlämningsdag: the last meeting before a deadline and when to be ready."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.core.domain.organisation import Organisation, OrgKind

# Made-up meeting dates around STK-2023-137's deadline, 30 November 2023.
OCT_19, NOV_16, DEC_14 = date(2023, 10, 19), date(2023, 11, 16), date(2023, 12, 14)


def board(meetings: tuple[date, ...] = (), submission_lead_days: int | None = None) -> Organisation:
    return Organisation(
        "tekniska-namnden",
        "Tekniska nämnden",
        "TN",
        OrgKind.NAMND,
        meetings=meetings,
        submission_lead_days=submission_lead_days,
    )


def test_an_organisation_written_before_meetings_existed_has_none_and_no_lead_time() -> None:
    tn = Organisation("tn", "Tekniska nämnden", "TN", OrgKind.NAMND, ("U0TN01",))
    assert (tn.meetings, tn.submission_lead_days) == ((), None)
    assert tn.last_meeting_on_or_before(date(2023, 11, 30)) is None
    assert tn.submission_date(NOV_16) is None


def test_meetings_are_kept_sorted_and_once_each() -> None:
    tn = board((DEC_14, NOV_16, OCT_19, NOV_16))
    assert tn.meetings == (OCT_19, NOV_16, DEC_14)
    assert tn == board((OCT_19, NOV_16, DEC_14))


def test_the_last_meeting_on_or_before_the_deadline_is_the_one_that_can_still_decide() -> None:
    tn = board((OCT_19, NOV_16, DEC_14))
    assert tn.last_meeting_on_or_before(date(2023, 11, 30)) == NOV_16
    assert tn.last_meeting_on_or_before(NOV_16) == NOV_16
    assert tn.last_meeting_on_or_before(date(2023, 11, 15)) == OCT_19
    assert tn.last_meeting_on_or_before(date(2023, 10, 18)) is None


def test_the_next_meeting_is_the_first_on_or_after_the_day() -> None:
    tn = board((OCT_19, NOV_16))
    assert tn.next_meeting(date(2023, 10, 20)) == NOV_16
    assert tn.next_meeting(OCT_19) == OCT_19
    assert tn.next_meeting(date(2023, 11, 17)) is None


def test_the_matter_must_be_ready_the_lead_time_in_calendar_days_before_the_meeting() -> None:
    """Er sista nämnd före svarsdatum är 16 november; ärendet ska vara klart för inlämning 2 november."""
    tn = board((OCT_19, NOV_16, DEC_14), submission_lead_days=14)
    last = tn.last_meeting_on_or_before(date(2023, 11, 30))
    assert last is not None
    assert tn.submission_date(last) == date(2023, 11, 2)
    assert board((NOV_16,), 0).submission_date(NOV_16) == NOV_16
    assert board((NOV_16,), 90).submission_date(NOV_16) == date(2023, 8, 18)


def test_seed_003s_path_to_the_board_is_a_lead_time_of_22_days() -> None:
    """ASN's beslutsplanering: presidieberedning 2020-10-28, arbetsutskott 2020-11-05, nämnd 2020-11-19."""
    asn = board((date(2020, 11, 19),), submission_lead_days=22)
    assert asn.submission_date(date(2020, 11, 19)) == date(2020, 10, 28)


@pytest.mark.parametrize("lead", [-1, 91, 365, True])
def test_a_lead_time_outside_0_to_90_whole_days_is_a_bug_in_the_caller(lead: int) -> None:
    with pytest.raises(ValueError, match="submission_lead_days"):
        board(submission_lead_days=lead)


@pytest.mark.parametrize("meeting", [datetime(2023, 11, 16, 13, 0), "2023-11-16"])
def test_a_meeting_that_is_not_a_plain_date_is_a_bug_in_the_caller(meeting: object) -> None:
    with pytest.raises(ValueError, match="meeting must be a date"):
        board((meeting,))  # type: ignore[arg-type]
