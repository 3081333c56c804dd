"""A sample remiss for the domain tests (and the benches): STK-2023-137 with its four questions, as a draft."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import QuestionKind, Remiss

T0 = datetime(2023, 10, 2, 8, 0, tzinfo=UTC)
DEADLINE = date(2023, 11, 30)
QUESTIONS = [
    ("Vilka pågående processer skulle passa in?", QuestionKind.POSITION),
    ("Finns det särskilda områden?", QuestionKind.POSITION),
    ("Hur ser ni på samordningsstrukturen?", QuestionKind.POSITION),
    ("Vilken nämnd eller bolag bör få den samordnande rollen?", QuestionKind.ORGANISATION_CHOICE),
]


def make_remiss(**overrides: object) -> Remiss:
    """The draft STK-2023-137 created at T0 (deadline DEADLINE); `overrides` replace any of its fields."""
    fields: dict[str, object] = {
        "case_number": "STK-2023-137",
        "title": "Områdeslyft",
        "description": "",
        "sender_key": "stadskontoret",
        "coordinators": ("UCOORD",),
        "contact": "Mia Idestrom",
        "questions": QUESTIONS,
        "deadline": DEADLINE,
        "created_by": "UCOORD",
        "created_at": T0,
        "today": T0.date(),
    }
    fields.update(overrides)
    return Remiss.draft(**fields)  # type: ignore[arg-type]


def sent_remiss() -> Remiss:
    """The sample remiss, sent at T0."""
    remiss = make_remiss()
    remiss.mark_sent(T0)
    return remiss


def recipient(key: str = "tekniska-namnden") -> Recipient:
    """Tekniska nämnden (or the organisation `key`) as a recipient of the sample remiss, its official UANNA."""
    return Recipient("STK-2023-137", key, ("UANNA",), DEADLINE)
