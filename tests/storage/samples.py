"""Sample domain objects for the storage tests: the seed case STK-2023-137 and its recipients."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.core.domain.organisation import Directory, Organisation, OrgKind
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import (
    Answer,
    Attachment,
    DecidingBody,
    DocumentLink,
    Position,
    Remiss,
    ResponseContent,
    ResponseKind,
)
from bot.core.ports.store import Store, Transaction
from tests.domain.samples import QUESTIONS

NOW = datetime(2023, 10, 2, 8, 30, tzinfo=UTC)
TODAY = date(2023, 10, 2)
DEADLINE = date(2023, 11, 30)
CASE = "STK-2023-137"
COORDINATOR = "U0COORD01"
SENDER = Organisation(
    "stadskontoret", "Stadskontoret", "STK", OrgKind.FORVALTNING, aliases=("Kommunstyrelsen",), registry=("C0REGSTK",)
)
# Emoji, Slack's special characters and Swedish letters, 10,000 characters in all.
LONG_ANSWER = ("Nämnden tillstyrker 👍 förslaget <&> men föreslår ändringar i § 3.\r\n" * 160)[:10_000]


def official(n: int) -> str:
    return f"U0OFFICIAL{n:02d}"


def org_key(n: int) -> str:
    return f"namnd-{n}"


def organisation(n: int) -> Organisation:
    return Organisation(
        key=org_key(n),
        name=f"Nämnd {n}",
        short_name=f"N{n}",
        kind=OrgKind.NAMND if n % 4 else OrgKind.BOLAG,
        contacts=(official(n), f"handlaggare{n}@malmo.se"),
        stand_ins=(f"U0STANDIN{n:02d}",),
        aliases=(f"Nämnden nr {n}", f"{n}:e nämnden"),
        registry=(f"U0REG{n:02d}", f"U0REGB{n:02d}"),
    )


def directory(count: int = 15) -> Directory:
    """Stadskontoret and `count` answering organisations, in that order."""
    return Directory((SENDER, *(organisation(n) for n in range(1, count + 1))))


def remiss(case_number: str = CASE, *, deadline: date = DEADLINE) -> Remiss:
    return Remiss.draft(
        case_number=case_number,
        title="Uppdrag budget 2023 – Definiera och starta ett långsiktigt och strategiskt områdeslyft",
        description="Stadskontoret önskar synpunkter <senast> 30 november & gärna tidigare.",
        sender_key=SENDER.key,
        coordinators=(COORDINATOR, "U0COORD02"),
        contact="Mia Idestrom",
        questions=QUESTIONS,
        deadline=deadline,
        created_by=COORDINATOR,
        created_at=NOW,
        today=TODAY,
        documents=(
            DocumentLink("Tjänsteskrivelse", "https://malmo.se/remiss/STK-2023-137.pdf"),
            DocumentLink("Bilaga 1", "https://malmo.se/remiss/bilaga-1.pdf?a=1&b=2"),
        ),
    )


def recipient(n: int, case_number: str = CASE, *, deadline: date = DEADLINE) -> Recipient:
    return Recipient(case_number, org_key(n), (official(n),), deadline)


def answer_content(text: str = "Vi tillstyrker.") -> ResponseContent:
    """A complete yttrande: a board decision with answers to every question and the signed document."""
    return ResponseContent(
        kind=ResponseKind.YTTRANDE,
        answers=(
            Answer(1, text, Position.TILLSTYRKER),
            Answer(2, "Två tjänster.", Position.FORESLAR_ANDRINGAR),
            Answer(3, "", Position.NOT_STATED),
            Answer(4, "Tekniska nämnden", Position.NOT_STATED),
        ),
        meeting_date=date(2023, 11, 19),
        paragraph="§ 214",
        their_case_number="TN-2023-512",
        deciding_body=DecidingBody.ARBETSUTSKOTT,
        decided_by="Tekniska nämndens arbetsutskott",
        attachments=(Attachment("F0123ABC", "Yttrande STK-2023-137.pdf", "https://files.slack.com/F0123ABC"),),
        overall_position=Position.TILLSTYRKER,
    )


def sent_remiss(repo: Transaction, recipients: int = 3, case_number: str = CASE) -> Remiss:
    """A sent remiss with recipients 1..`recipients` (directory loaded if it's empty)."""
    if len(repo.directory.load_directory()) == 0:
        repo.directory.replace_directory(directory(max(15, recipients)))
    stored = repo.remisses.add_remiss(remiss(case_number))
    stored.mark_sent(NOW + timedelta(minutes=5))
    repo.remisses.save_remiss(stored)
    for n in range(1, recipients + 1):
        repo.remisses.add_recipient(recipient(n, case_number))
    return stored


def give_history(added: Recipient, stored: Remiss) -> None:
    """Every kind of history a recipient keeps: opened, answered, withdrawn, answered again by delegation (by
    official 2) and given anstånd to 8 December. `added` must have officials 1 and 2."""
    added.open(stored, official(1), NOW)
    added.submit(stored, answer_content(LONG_ANSWER), official(1), NOW + timedelta(hours=1), TODAY)
    added.withdraw(stored, official(1), NOW + timedelta(hours=2), TODAY)
    delegation = ResponseContent(
        kind=ResponseKind.DELEGATION,
        answers=(Answer(1, "Via delegation: ja.", Position.INGA_SYNPUNKTER),),
        decided_by="Förvaltningsdirektören",
        deciding_body=DecidingBody.DELEGAT,
    )
    added.submit(stored, delegation, official(2), NOW + timedelta(hours=3), TODAY)
    added.extend(stored, date(2023, 12, 8), COORDINATOR, NOW + timedelta(days=1), "Nämndmöte 7/12 <&>")


def submit_answer(store: Store, n: int, text: str, at: datetime = NOW) -> Recipient:
    """Official n submits `text` for organisation n in a transaction of its own, reading the remiss and the
    recipient afresh and recording the audit entry as the answer use case does; returns the recipient as saved.

    One transaction per submission is what the tests of versions and of concurrent writers are about."""
    with store.transaction() as repo:
        stored = repo.remisses.get_remiss(CASE)
        rec = repo.remisses.get_recipient(CASE, org_key(n))
        assert stored is not None
        assert rec is not None
        repo.remisses.append_audit(rec.submit(stored, answer_content(text), official(n), at, TODAY))
        repo.remisses.save_recipient(rec)
    return rec
