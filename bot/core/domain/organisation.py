"""Organisations (nämnder, bolag, förvaltningar) and the directory that lists them."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from bot.core.domain.errors import DomainError, ErrorCode


class OrgKind(StrEnum):
    """What kind of body an organisation is; the value is what storage and directory files use."""

    NAMND = "nämnd"
    BOLAG = "bolag"
    FORVALTNING = "förvaltning"
    OTHER = "annan"


_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_SLACK_USER_RE = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_SLACK_CHANNEL_RE = re.compile(r"^[CG][A-Z0-9]{2,20}$")
_EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
# The inlämningsdag: how many calendar days before a meeting a matter must be ready. A quarter is more
# than any board asks; a bigger number is a typo (a date, a year) rather than a real lead time.
MAX_SUBMISSION_LEAD_DAYS = 90


def is_slack_user_id(ref: str) -> bool:
    """True for a Slack user id such as U012AB3CD (or an Enterprise Grid W… id)."""
    return bool(_SLACK_USER_RE.match(ref))


def is_registry(refs: tuple[str, ...]) -> bool:
    """A registry is one Slack channel (C…, or a private G…) or one or more Slack user ids (U…)."""
    if len(refs) == 1 and _SLACK_CHANNEL_RE.match(refs[0]):
        return True
    return bool(refs) and all(is_slack_user_id(ref) for ref in refs)


def is_email(ref: str) -> bool:
    """True for something shaped like an e-mail address."""
    return bool(_EMAIL_RE.match(ref))


def email_key(email: str) -> str:
    """An e-mail address as it is matched: case-insensitively, as Slack matches it."""
    return email.strip().lower()


def is_contact_ref(ref: str) -> bool:
    """A contact in the directory is written as a Slack user id or an e-mail address."""
    return is_slack_user_id(ref) or is_email(ref)


def is_org_key(key: str) -> bool:
    """Keys are short, lower-case ASCII slugs so they survive URLs, Block Kit ids and files."""
    return bool(_KEY_RE.match(key))


@dataclass(frozen=True)
class Organisation:
    """A body that can send or answer a remiss.

    `contacts` are the responsible officials and `stand_ins` their deputies, each a Slack user id or an
    e-mail address (resolved to a user id when the bot runs). `aliases` are other names people write for
    it (the full company name of "MKB", older names), used when matching free text to the directory.
    `registry` is where its registrators work: one Slack channel id or their user ids (empty: none known).
    `meetings` are its meeting dates (sorted, each once) and `submission_lead_days` how many calendar days
    before a meeting a matter must be ready for it (the inlämningsdag); None while nobody has said.
    """

    key: str
    name: str
    short_name: str
    kind: OrgKind
    contacts: tuple[str, ...] = ()
    stand_ins: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    active: bool = True
    meetings: tuple[date, ...] = ()
    submission_lead_days: int | None = None
    registry: tuple[str, ...] = ()

    @property
    def registry_channel(self) -> str | None:
        """The registry's channel, when it is one (else its users are told in their DMs)."""
        return self.registry[0] if len(self.registry) == 1 and _SLACK_CHANNEL_RE.match(self.registry[0]) else None

    def __post_init__(self) -> None:
        if not is_org_key(self.key):
            raise DomainError(ErrorCode.INVALID_ORG_KEY, key=self.key)
        if not self.name.strip():
            raise DomainError(ErrorCode.FIELD_REQUIRED, field="name")
        for ref in (*self.contacts, *self.stand_ins):
            if not is_contact_ref(ref):
                raise DomainError(ErrorCode.INVALID_CONTACT, contact=ref)
        if self.registry and not is_registry(self.registry):
            raise DomainError(ErrorCode.INVALID_REGISTRY, field="registry", registry=", ".join(self.registry))
        # ValueError, not DomainError: the directory file and the forms check these with their own messages
        # first, so a bad value arriving here is a bug in the caller.
        for meeting in self.meetings:
            # A datetime is a date too, but a meeting is a day: a time of day would break equality and sorting.
            if not isinstance(meeting, date) or isinstance(meeting, datetime):
                raise ValueError(f"{self.key}: a meeting must be a date, not {meeting!r}")
        lead = self.submission_lead_days
        if lead is not None and (
            not isinstance(lead, int) or isinstance(lead, bool) or not 0 <= lead <= MAX_SUBMISSION_LEAD_DAYS
        ):
            raise ValueError(f"{self.key}: submission_lead_days must be 0–{MAX_SUBMISSION_LEAD_DAYS}, not {lead!r}")
        object.__setattr__(self, "meetings", tuple(sorted(set(self.meetings))))

    def last_meeting_on_or_before(self, deadline: date) -> date | None:
        """The last meeting that can still decide before the deadline, or None if there is none."""
        i = bisect.bisect_right(self.meetings, deadline)
        return self.meetings[i - 1] if i else None

    def next_meeting(self, on_or_after: date) -> date | None:
        """The first meeting on or after a day (today, for a listing), or None if none is known."""
        i = bisect.bisect_left(self.meetings, on_or_after)
        return self.meetings[i] if i < len(self.meetings) else None

    def submission_date(self, meeting: date) -> date | None:
        """The day a matter must be ready for a meeting (its inlämningsdag); None if the lead time is unknown."""
        if self.submission_lead_days is None:
            return None
        return meeting - timedelta(days=self.submission_lead_days)

    @property
    def all_names(self) -> tuple[str, ...]:
        """Every name this organisation goes by: name, short name and aliases."""
        return (self.name, self.short_name, *self.aliases)


@dataclass(frozen=True)
class Directory:
    """The organisation directory, in the order the administrator wrote it (the summary's order too)."""

    organisations: tuple[Organisation, ...] = ()
    _by_key: dict[str, Organisation] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key: dict[str, Organisation] = {}
        for org in self.organisations:
            if org.key in by_key:
                raise DomainError(ErrorCode.DUPLICATE_ORG_KEY, key=org.key)
            by_key[org.key] = org
        object.__setattr__(self, "_by_key", by_key)

    def __iter__(self) -> Iterator[Organisation]:
        return iter(self.organisations)

    def __len__(self) -> int:
        return len(self.organisations)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def get(self, key: str) -> Organisation | None:
        """The organisation with this key, or None."""
        return self._by_key.get(key)

    def require(self, key: str) -> Organisation:
        """The organisation with this key; an unknown key is a user-facing error."""
        org = self._by_key.get(key)
        if org is None:
            raise DomainError(ErrorCode.UNKNOWN_ORGANISATION, key=key)
        return org

    def of_kind(self, kind: OrgKind) -> tuple[Organisation, ...]:
        """Active organisations of one kind ("alla nämnder", "alla bolag")."""
        return tuple(o for o in self.organisations if o.kind is kind and o.active)

    def active(self) -> tuple[Organisation, ...]:
        """Organisations that can receive new remisses."""
        return tuple(o for o in self.organisations if o.active)

    def position(self, key: str) -> int:
        """Directory order of an organisation, for sorting recipients; unknown keys sort last."""
        for i, org in enumerate(self.organisations):
            if org.key == key:
                return i
        return len(self.organisations)

    def replaced_by(self, listed: Directory) -> Directory:
        """The directory after an administrator's new list: `listed`, then the organisations it no longer
        lists, made inactive (never deleted: recipients and old remisses name them), in their old order."""
        unlisted = tuple(replace(org, active=False) for org in self.organisations if org.key not in listed)
        return Directory((*listed.organisations, *unlisted))

    def sorted_keys(self, keys: Iterable[str]) -> list[str]:
        """Keys in directory order."""
        return sorted(keys, key=self.position)
