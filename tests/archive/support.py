"""What the archive tests share: a closed STK-2023-137 (whole, or three recipients) on any store, and the E-ARK
validator run in-process without a network (as ../shared/eark/validate_offline.py runs it)."""

from __future__ import annotations

import io
import re
import urllib.request
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from bot.adapters.export import pdf_available
from bot.core.domain.audit import AuditAction, AuditEntry, audit
from bot.core.domain.documents import document_of, stored_attachment
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import Attachment, DecidingBody, ResponseKind
from bot.core.ports.store import Store, Transaction
from bot.core.usecases import UseCases, build_use_cases
from devtools.clocks import FakeClock
from tests.summary.round import CASE_NUMBER, COORDINATOR, Round, at, stk_2023_137
from tests.system import missing

VOCABULARIES = Path(__file__).resolve().parents[2] / ".." / "shared" / "eark" / "vocabularies"
CLOSED_AT = at(date(2023, 12, 18))
BUILT_AT = datetime(2023, 12, 20, 9, tzinfo=UTC)
# Miljönämnden's decided yttrande, attached to its answer and stored by the bot.
YTTRANDE = b"%PDF-1.4\n% Miljonamndens yttrande\n%%EOF\n"
ATTACHED_BY = "miljonamnden"
# Where the validator (eark-validator 1.1.3, its CSIP/SIP 2.1.0 schematron) contradicts the published text:
# - CSIP12, CSIP13, CSIP15, CSIP16 are the software agent's rules (TYPE OTHER, OTHERTYPE SOFTWARE, one note
#   typed SOFTWARE VERSION), but the schematron checks them on every agent with ROLE CREATOR. SIP 2.1's
#   submitting agent (SIP15, MUST, 1..1) is also ROLE CREATOR with TYPE ORGANIZATION (SIP16, SIP17, and the
#   SIP text's own examples), so every package that has it fails these four on it.
# - SIP14 is about the archival creator agent (ROLE ARCHIVIST) and its note's @csip:NOTETYPE. The schematron
#   checks an unqualified @NOTETYPE = 'IDENTIFICATIONCODE' on the notes of every agent with ROLE CREATOR, so the
#   software agent's note (CSIP15, CSIP16: typed SOFTWARE VERSION) always fails it; an unqualified NOTETYPE
#   would not even be valid METS (mets:note allows only attributes of other namespaces).
CREATOR_AGENTS = "/mets:mets/mets:metsHdr/mets:agent[@ROLE = 'CREATOR']"
CONTRADICTED = {"CSIP12", "CSIP13", "CSIP15", "CSIP16", "SIP14"}
SMALL = ("tekniska-namnden", "miljonamnden", "funktionsstodsnamnden")  # two versions; an attachment; declined


def require_pdf() -> None:
    if not pdf_available():
        message = "WeasyPrint cannot load Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0): archive not checked"
        missing(message)


def closed_round(*, small: bool) -> Round:
    """STK-2023-137 as the summary tests play it, then closed on 18 December 2023."""
    found = stk_2023_137()
    if small:
        found.recipients = [r for r in found.recipients if r.organisation_key in SMALL]
    found.remiss.close(CLOSED_AT)
    return found


def stored_round(store: Store, found: Round, clock: FakeClock | None = None) -> UseCases:
    """The round in `store` (Miljönämnden's answer with its yttrande stored), as the service sees it."""
    with store.transaction() as repo:
        repo.directory.replace_directory(found.directory)
        repo.remisses.add_remiss(found.remiss)
        for recipient in found.recipients:
            if recipient.organisation_key == ATTACHED_BY:
                attach_yttrande(repo, recipient)
            repo.remisses.add_recipient(recipient)
        for entry in trail(found):
            repo.remisses.append_audit(entry)
    return build_use_cases(store, clock or FakeClock(BUILT_AT))


def trail(found: Round) -> list[AuditEntry]:
    """The audit entries the round would have left: sent, each answer and anstånd, closed."""
    remiss = found.remiss
    assert remiss.sent_at is not None
    entries = [audit(CASE_NUMBER, AuditAction.SENT, COORDINATOR, remiss.sent_at, recipients=len(found.recipients))]
    for recipient in found.recipients:
        key = recipient.organisation_key
        for response in recipient.responses:
            action = AuditAction.DECLINED if response.kind is ResponseKind.DECLINED else AuditAction.SUBMITTED
            entries.append(
                audit(CASE_NUMBER, action, response.author, response.submitted_at, key, version=response.version)
            )
        for extension in recipient.extensions:
            entries.append(
                audit(
                    CASE_NUMBER,
                    AuditAction.EXTENDED,
                    COORDINATOR,
                    extension.granted_at,
                    key,
                    until=extension.new_deadline,
                )
            )
    if remiss.closed_at is not None:
        entries.append(audit(CASE_NUMBER, AuditAction.CLOSED, COORDINATOR, remiss.closed_at))
    return sorted(entries, key=lambda e: e.at)


def attach_yttrande(repo: Transaction, recipient: Recipient) -> None:
    [answer] = recipient.responses
    document = document_of(
        "Yttrande MN.pdf", YTTRANDE, case_number=CASE_NUMBER, organisation_key=ATTACHED_BY, at=answer.submitted_at
    )
    repo.documents.save(document, YTTRANDE)
    content = replace(
        answer.content,
        attachments=(stored_attachment(Attachment("F1", document.name), document),),
        their_case_number="MN-2023-77",
        deciding_body=DecidingBody.ARBETSUTSKOTT,
    )
    recipient.responses[0] = replace(answer, content=content)


def _local_urlopen(url: Any, *args: Any, **kwargs: Any) -> Any:
    name = str(getattr(url, "full_url", url)).rsplit("/", 1)[-1]
    local = VOCABULARIES / name
    if name.startswith("CSIPVocabulary") and local.is_file():
        return io.BytesIO(local.read_bytes())
    raise AssertionError(f"the E-ARK validator asked for {url} (no network in tests)")


@cache
def _package_validator() -> Any:
    """eark_validator's PackageValidator; it downloads four vocabularies when imported: served from disk."""
    real = urllib.request.urlopen
    urllib.request.urlopen = _local_urlopen
    try:
        from eark_validator.packages import PackageValidator
    finally:
        urllib.request.urlopen = real
    return PackageValidator


def validate(package: Path) -> Any:
    """The validator's report on a package folder or zip (eark_validator.model.ValidationReport)."""
    return _package_validator()(package).validation_report


def errors(messages: list[Any]) -> list[tuple[str, str]]:
    """(rule id, location) of each message of severity Error."""
    return [(m.rule_id, m.location) for m in messages if str(m.severity.value).lower() == "error"]


TIMESTAMP = re.compile(rb'(CREATEDATE|LASTMODDATE|CREATED)="[^"]*"')


def masked(data: bytes) -> bytes:
    """METS.xml with its creation timestamps blanked."""
    return TIMESTAMP.sub(rb'\1="*"', data)
