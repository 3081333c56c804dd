"""The audit trail of a remiss as rows, and those rows as CSV and JSON files (for `remissbot audit` and the archive).

A minimal version for the archive package: the audit part of issue 13 owns this module and gives every row
its Swedish wording and the actor's name; the functions' signatures are the same.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.adapters.rendering import Texts
from bot.core.usecases import UseCases

COLUMNS = ("at", "actor_id", "actor_name", "action", "what", "organisation_key", "organisation", "details")


@dataclass(frozen=True)
class AuditRow:
    """One entry of the audit trail as people read it: when, who (id and name), what, on which organisation."""

    at: datetime
    actor_id: str
    actor_name: str
    action: str
    what: str
    organisation_key: str
    organisation: str
    details: dict[str, str] = field(default_factory=dict)


def audit_rows(service: UseCases, texts: Texts, case_number: str) -> list[AuditRow]:
    """Every audit entry of the remiss, oldest first (an unknown case number is a DomainError)."""
    directory = service.directory.directory()
    rows = []
    for entry in service.queries.audit_trail(case_number):
        key = entry.organisation_key or ""
        organisation = directory.get(key) if key else None
        rows.append(
            AuditRow(
                at=entry.at,
                actor_id=entry.actor,
                actor_name=entry.actor,
                action=str(entry.action),
                what=str(entry.action),
                organisation_key=key,
                organisation=organisation.name if organisation is not None else key,
                details=entry.details_dict,
            )
        )
    return sorted(rows, key=lambda r: r.at)


def audit_csv(rows: Sequence[AuditRow]) -> bytes:
    """UTF-8 CSV with a header; the details as one JSON object per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([*_plain(row)[:-1], json.dumps(row.details, ensure_ascii=False, sort_keys=True)])
    return buffer.getvalue().encode("utf-8")


def audit_json(rows: Sequence[AuditRow]) -> bytes:
    """UTF-8 JSON: a list of objects with the CSV's columns, the details as an object."""
    items = [dict(zip(COLUMNS, [*_plain(row)[:-1], dict(sorted(row.details.items()))], strict=True)) for row in rows]
    return (json.dumps(items, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _plain(row: AuditRow) -> list[str]:
    return [
        row.at.isoformat(timespec="seconds"),
        row.actor_id,
        row.actor_name,
        row.action,
        row.what,
        row.organisation_key,
        row.organisation,
        "",
    ]
