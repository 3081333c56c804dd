"""The audit trail, readable: each entry as a row with the person's name and one plain Swedish sentence, and
the same rows as CSV (for Excel) and JSON (for machines and the archive package).

The rows are what `remissbot audit`, Historik in Slack and the archive package show; the sentences come from
templates/audit/sentences.j2, one part per AuditAction (an action without one gets a generic sentence).
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.adapters.dates import strict_iso_date
from bot.adapters.rendering import MissingText, Texts, default_texts
from bot.core.domain.audit import AuditEntry
from bot.core.domain.organisation import Directory, is_slack_user_id
from bot.core.ports.users import UserDirectory
from bot.core.usecases import UseCases
from bot.core.usecases.results import AuditTrail

log = logging.getLogger(__name__)

SENTENCES = "audit/sentences.j2"
FILES = "audit/files.j2"
# Actor ids the bot itself writes (the courier, the scheduler's jobs): no person, "remissbot (automatiskt)".
SYSTEM_ACTORS = ("remissbot", "scheduler", "system")
CLI_PREFIX = "cli:"
# Details that hold Slack user ids, named in the sentences ("Anna lämnade över remissen till Bertil").
PERSON_DETAILS = ("previous", "to", "user", "sent_to", "closed_by")
# The columns of audit.csv, in order; their Swedish headings are the part `csv_header` of templates/audit/files.j2.
CSV_COLUMNS = ("at", "actor_name", "actor_id", "what", "organisation", "action", "details")
# Excel runs a cell that starts with one of these as a formula: such a cell gets a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class AuditRow:
    """One audit entry as people read it: when (Stockholm time), who (name and id), what (one sentence)."""

    at: datetime
    actor_id: str
    actor_name: str
    action: str
    what: str
    organisation_key: str
    organisation: str
    details: dict[str, str] = field(default_factory=dict)


def audit_rows(service: UseCases, texts: Texts, case_number: str) -> list[AuditRow]:
    """Every entry of the remiss's audit trail, oldest first; an unknown remiss raises DomainError."""
    trail = service.queries.audit_record(case_number)
    return rows_of(trail, texts, PeopleNames(service.shared.users, texts), service.config.tz)


def rows_of(
    trail: AuditTrail,
    texts: Texts,
    names: PeopleNames,
    tz: ZoneInfo,
    entries: Iterable[AuditEntry] | None = None,
) -> list[AuditRow]:
    """The rows of `entries` (by default the whole trail), in that order. Historik passes one page of
    entries, so only the people on it are looked up."""
    return [_row(entry, trail.directory, texts, names, tz) for entry in (trail.entries if entries is None else entries)]


def _row(entry: AuditEntry, directory: Directory, texts: Texts, names: PeopleNames, tz: ZoneInfo) -> AuditRow:
    key = entry.organisation_key or ""
    organisation = directory.get(key) if key else None
    org_name = organisation.name if organisation is not None else key
    details = entry.details_dict
    return AuditRow(
        at=entry.at.astimezone(tz),
        actor_id=entry.actor,
        actor_name=names(entry.actor),
        action=entry.action.value,
        what=sentence(texts, entry.action.value, org_name, names(entry.actor), details, names),
        organisation_key=key,
        organisation=org_name,
        details=details,
    )


def sentence(
    texts: Texts, action: str, organisation: str, actor: str, details: dict[str, str], names: PeopleNames
) -> str:
    """The plain Swedish sentence for one entry: the part named after its action, or the generic one."""
    people = {ref: names(ref) for key in PERSON_DETAILS for ref in details.get(key, "").split(",") if ref}
    values = {k: _date_or_text(v) for k, v in details.items()}
    params = {"org": organisation, "actor": actor, "d": values, "names": people}
    try:
        said = texts.part(SENTENCES, action, **params)
    except MissingText:
        said = texts.part(SENTENCES, "other", action=action, org=organisation)
    return " ".join(said.split())  # one line, whatever line breaks a quoted reason had


def _date_or_text(value: str) -> date | str:
    return strict_iso_date(value) or value


class PeopleNames:
    """Names for the ids in the audit trail: a Slack user's name asked of the UserDirectory once each, the bot
    itself and the command line in words; an id nobody knows stays as it is. After Slack fails once, no more
    is asked (the command line may run where Slack cannot be reached): the ids are shown instead."""

    def __init__(self, users: UserDirectory | None, texts: Texts) -> None:
        self.users = users
        self.texts = texts
        self._names: dict[str, str] = {}
        self._unavailable = False

    def __call__(self, actor_id: str) -> str:
        if actor_id not in self._names:
            self._names[actor_id] = self._name(actor_id)
        return self._names[actor_id]

    def _name(self, actor_id: str) -> str:
        if actor_id in SYSTEM_ACTORS or actor_id.startswith(tuple(f"{s}:" for s in SYSTEM_ACTORS)):
            return self.texts.part(SENTENCES, "automatic")
        if actor_id.startswith(CLI_PREFIX):
            return self.texts.part(SENTENCES, "command_line", user=actor_id[len(CLI_PREFIX) :] or "?")
        if not is_slack_user_id(actor_id) or self.users is None or self._unavailable:
            return actor_id
        try:
            person = self.users.person(actor_id)
            return (person.name if person else "") or actor_id
        except Exception:  # Slack unreachable or refusing: the ids are still the truth
            log.warning("Could not ask Slack for the names in the audit trail", exc_info=True)
            self._unavailable = True
            return actor_id


def audit_csv(rows: Sequence[AuditRow]) -> bytes:
    """The rows as CSV for Excel: UTF-8 with a byte-order mark, `;` between fields, CRLF line ends.

    Without the BOM, Excel on Windows reads UTF-8 as Windows-1252 ("MiljÃ¶nÃ¤mnden"); with Swedish regional
    settings it splits on `;` (the comma is the decimal separator there), so a comma-separated file opens in one
    column. Python reads it back with `encoding="utf-8-sig"` and `delimiter=";"`. Times are ISO 8601 with their
    offset; the details are one JSON object per cell (keys sorted). A cell that Excel would run as a formula
    (starting with = + - @) is written with a leading apostrophe, as Excel itself marks text; the JSON file
    keeps every value exactly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(default_texts().part(FILES, "csv_header").split(";"))
    for row in rows:
        writer.writerow(
            _cell(value)
            for value in (
                _iso(row.at),
                row.actor_name,
                row.actor_id,
                row.what,
                row.organisation,
                row.action,
                json.dumps(row.details, ensure_ascii=False, sort_keys=True) if row.details else "",
            )
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def audit_json(rows: Sequence[AuditRow]) -> bytes:
    """The rows as a JSON array, UTF-8, keys in a fixed order (the AuditRow's fields), times ISO 8601 with
    their offset; the same rows give the same bytes."""
    items = [
        {
            "at": _iso(row.at),
            "actor_id": row.actor_id,
            "actor_name": row.actor_name,
            "action": row.action,
            "what": row.what,
            "organisation_key": row.organisation_key,
            "organisation": row.organisation,
            "details": dict(sorted(row.details.items())),
        }
        for row in rows
    ]
    return (json.dumps(items, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="seconds")
