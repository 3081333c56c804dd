"""Which remisses may be archived: a case goes to the archive once it has ended (closed or withdrawn)."""

from __future__ import annotations

from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.remiss import Remiss, RemissStatus

ARCHIVABLE = (RemissStatus.CLOSED, RemissStatus.WITHDRAWN)


def require_archivable(remiss: Remiss) -> None:
    """An open (or unsent) remiss can still change, so its package would not be the case as it ended."""
    if remiss.status not in ARCHIVABLE:
        raise DomainError(ErrorCode.REMISS_NOT_ENDED, case_number=remiss.case_number, status=remiss.status)
