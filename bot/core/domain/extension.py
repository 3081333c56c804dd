"""Anstånd asked for by an official: a request the coordinator grants (perhaps with another date) or refuses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class RequestState(StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"


@dataclass(frozen=True)
class ExtensionRequest:
    """One request for a later deadline for one recipient. Decided once: a second click changes nothing."""

    case_number: str
    organisation_key: str
    requested_by: str
    requested_at: datetime
    requested_deadline: date
    reason: str = ""
    state: RequestState = RequestState.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    granted_deadline: date | None = None
    id: int | None = None

    @property
    def is_pending(self) -> bool:
        return self.state is RequestState.PENDING
