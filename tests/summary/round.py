"""The STK-2023-137 round as the summary tests see it: 15 recipients answering in every way the domain allows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from bot.adapters.directory_file import parse_directory, shipped_directory_text
from bot.core.domain.organisation import Directory
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import (
    Answer,
    Attachment,
    DecidingBody,
    DocumentLink,
    Position,
    QuestionKind,
    Remiss,
    ResponseContent,
    ResponseKind,
)
from bot.core.ports.store import Transaction
from bot.core.ports.users import UserDirectory
from bot.core.usecases import UseCases, build_use_cases
from devtools.clocks import FakeClock
from devtools.memory import MemoryStore

CASE_NUMBER = "STK-2023-137"
TITLE = (
    "Uppdrag budget 2023 - Definiera och starta ett långsiktigt och strategiskt områdeslyft i Malmös "
    "socioekonomiskt svaga delar med särskilt fokus på barn och ungas uppväxtvillkor"
)
DEADLINE = date(2023, 11, 30)
TODAY = date(2023, 12, 20)
COORDINATOR = "UMIA"
QUESTIONS = [
    (
        "Vilka pågående processer inom er nämnds/bolags ansvarsområde idag skulle passa in i beskrivna "
        "organisering och arbetssätt kring hållbar lokal utveckling respektive kraftsamlande insatser?",
        QuestionKind.POSITION,
    ),
    (
        "Finns det särskilda områden, geografiska eller tematiska, som ni anser vara viktiga för de "
        "kraftsamlande insatserna? Hur kan stadens nämnder/förvaltningar bidra i detta arbete?",
        QuestionKind.POSITION,
    ),
    (
        "Hur ser er nämnd/bolag på möjligheterna i den föreslagna modellen på samordningsstruktur?",
        QuestionKind.POSITION,
    ),
    (
        "Vilken nämnd eller bolag ser ni bör få den samordnande rollen för arbetet med hållbar lokal "
        "utveckling i de 14 geografiska områdena?",
        QuestionKind.ORGANISATION_CHOICE,
    ),
]
# "Beslutet skickas till", in the memo's order (which is also the directory's).
RECIPIENT_KEYS = (
    "tekniska-namnden",
    "miljonamnden",
    "funktionsstodsnamnden",
    "forskolenamnden",
    "grundskolenamnden",
    "gymnasie-och-vuxenutbildningsnamnden",
    "halsa-vard-och-omsorgsnamnden",
    "arbetsmarknads-och-socialnamnden",
    "fritidsnamnden",
    "kulturnamnden",
    "servicenamnden",
    "stadsbyggnadsnamnden",
    "mkb",
    "parkering-malmo",
    "parkeringsovervakning",
)

TRICKY = (
    "Vi ser *stora* möjligheter i <samverkan> & _dialog_ 🌱🏙️ med föreningslivet. "
    "Kostnaden bedöms till < 2 mnkr & > 1 mnkr; se `budget` | tabell 3 och [bilaga](javascript:alert(1)). "
    "{{ 7*7 }} {% if x %}mall{% endif %} <!channel> <@U123>"
)
LONG_WORD = "Områdeslyft" + "samverkansplattformsorganisation" * 9 + "slut"  # 300 characters
LONG_URL = "https://malmo.se/" + "/".join(f"omrade-{i}-hallbar-lokal-utveckling" for i in range(12)) + "?q=1&r=2"
T, A, F, N = Position.TILLSTYRKER, Position.AVSTYRKER, Position.FORESLAR_ANDRINGAR, Position.INGA_SYNPUNKTER
MARKDOWN_LOOKALIKE = (
    "# Inte en rubrik\n> inte ett citat\n- inte en lista\n1. inte numrerad\n    inte kod\n---\n"
    "Slut på raden med två mellanslag  \noch tabb\tinne."
)


def ten_thousand_characters() -> str:
    """A 10,000-character answer in paragraphs, each one different so a lost paragraph is noticed."""
    paragraphs: list[str] = []
    number = 0
    while sum(len(p) + 2 for p in paragraphs) < 10_000:
        number += 1
        paragraphs.append(
            f"Stycke {number}. Grundskolenämnden arbetar redan i dag med trygghetsvandringar, läxhjälp och "
            f"föräldrasamverkan i Rosengård, Holma och Lindängen; stycke {number} beskriver arbetet närmare."
        )
    text = "\n\n".join(paragraphs)[:9_999].rstrip()
    return text + "." * (10_000 - len(text))


@dataclass
class Round:
    """The remiss, its recipients and the directory, as the service would load them."""

    remiss: Remiss
    recipients: list[Recipient]
    directory: Directory

    def recipient(self, key: str) -> Recipient:
        return next(r for r in self.recipients if r.organisation_key == key)


def at(day: date, hour: int = 10) -> datetime:
    """A moment on a day, Stockholm time being UTC+1 in winter (09:00 UTC is 10:00 in Malmö)."""
    return datetime(day.year, day.month, day.day, hour - 1, 0, tzinfo=UTC)


def answers(*items: tuple[str, Position]) -> tuple[Answer, ...]:
    return tuple(Answer(number, text, position) for number, (text, position) in enumerate(items, start=1) if text)


def stk_2023_137() -> Round:
    """Build the round through the domain's own transitions, as officials would have done it in Slack."""
    directory = parse_directory(shipped_directory_text())
    remiss = Remiss.draft(
        case_number=CASE_NUMBER,
        title=TITLE,
        description="Stadskontoret föreslår en organisering för hållbar lokal utveckling.",
        sender_key="stadskontoret",
        coordinators=(COORDINATOR,),
        contact="Mia Idestrom",
        questions=QUESTIONS,
        deadline=DEADLINE,
        created_by=COORDINATOR,
        created_at=at(date(2023, 9, 27)),
        today=date(2023, 9, 27),
        documents=(DocumentLink("Tjänsteskrivelse STK-2023-137", "https://malmo.se/remiss/STK-2023-137.pdf"),),
    )
    remiss.mark_sent(at(date(2023, 10, 2)))
    recipients = [Recipient(CASE_NUMBER, key, (f"U{i:03d}",), DEADLINE) for i, key in enumerate(RECIPIENT_KEYS)]
    found = Round(remiss, recipients, directory)

    def submit(key: str, content: ResponseContent, day: date, hour: int = 10) -> None:
        recipient = found.recipient(key)
        recipient.submit(remiss, content, recipient.officials[0], at(day, hour), day)

    def decline(key: str, reason: str, day: date) -> None:
        recipient = found.recipient(key)
        recipient.decline(remiss, reason, recipient.officials[0], at(day))

    def yttrande(
        items: tuple[Answer, ...], meeting: date, paragraph: str, attachments: tuple[Attachment, ...] = ()
    ) -> ResponseContent:
        return ResponseContent(
            ResponseKind.YTTRANDE, items, meeting_date=meeting, paragraph=paragraph, attachments=attachments
        )

    # Tekniska nämnden: an yttrande, then edited once (two versions, question 2 changed).
    first = answers(
        ("Trygghetsvandringar och belysningsprogrammet i Rosengård passar in.", T),
        ("Tekniska nämnden lyfter Amiralsgatan som tematiskt område.", T),
        ("Modellen är tydlig men behöver en gemensam budget.", F),
        ("Tekniska nämnden föreslår Stadsbyggnadsnämnden som samordnare.", T),
    )
    submit("tekniska-namnden", yttrande(first, date(2023, 11, 16), "§ 312"), date(2023, 11, 20))
    edited = (first[0], Answer(2, "Tekniska nämnden lyfter Amiralsgatan och Sofielund som områden.", T), *first[2:])
    registered = replace(
        yttrande(edited, date(2023, 11, 16), "§ 312"),
        their_case_number="TN-2023-1234",
        deciding_body=DecidingBody.NAMND,
        decided_by="Tekniska nämnden",
    )
    submit("tekniska-namnden", registered, date(2023, 11, 22))

    # Miljönämnden: via delegation, with text that looks like markup, a template and a Slack mention.
    submit(
        "miljonamnden",
        ResponseContent(
            ResponseKind.DELEGATION,
            answers(
                (TRICKY, F),
                ("Miljönämnden ser gröna stråk i Holma som viktiga för barn och unga.", T),
                ("Miljönämnden ser positivt på en strategisk samverkansplattform.", T),
                ("Miljönämnden anser att stadsbyggnadsnämnden ska samordna arbetet.", T),
            ),
            decided_by="Miljödirektör <Katarina> & co",
        ),
        date(2023, 11, 28),
    )

    decline("funktionsstodsnamnden", "Ärendet berör inte nämndens verksamhet i tillräcklig grad.", date(2023, 11, 10))

    # Förskolenämnden: a preliminary answer, the board decides in December.
    submit(
        "forskolenamnden",
        ResponseContent(
            ResponseKind.PRELIMINARY,
            answers(
                ("Förskolenämnden deltar redan i Communities That Care.", T),
                ("Förskolenämnden vill se fokus på de yngsta barnen i Herrgården.", F),
                ("Förskolenämnden har inga synpunkter på samordningsstrukturen.", N),
                ("Förskolenämnden föreslår MKB, som finns på plats i områdena.", T),
            ),
            planned_board_date=date(2023, 12, 14),
        ),
        date(2023, 11, 29),
    )

    # Grundskolenämnden: the 10,000-character answer.
    submit(
        "grundskolenamnden",
        yttrande(
            answers(
                (ten_thousand_characters(), T),
                ("Grundskolenämnden pekar på skolorna i Lindängen som nav för insatserna.", T),
                ("Grundskolenämnden välkomnar modellen men efterfrågar tydligare mandat.", F),
                ("Fritidsnämndens förvaltning", T),
            ),
            date(2023, 11, 21),
            "§ 187",
        ),
        date(2023, 11, 23),
    )

    # Gymnasie- och vuxenutbildningsnämnden: never answers.

    # Hälsa-, vård- och omsorgsnämnden: an extension, then an answer within it (so not late).
    hvon = found.recipient("halsa-vard-och-omsorgsnamnden")
    hvon.extend(remiss, date(2023, 12, 15), COORDINATOR, at(date(2023, 11, 24)), "Nämnden sammanträder 12 december.")
    submit(
        "halsa-vard-och-omsorgsnamnden",
        yttrande(
            answers(
                ("Hälsa-, vård- och omsorgsnämnden har träffpunkter för äldre som passar in.", T),
                ("Hälsa-, vård- och omsorgsnämnden lyfter ensamhet bland äldre som tema.", T),
                ("Hälsa-, vård- och omsorgsnämnden ställer sig positiv till modellen.", T),
                ("en ny stiftelse", F),
            ),
            date(2023, 12, 12),
            "§ 98",
        ),
        date(2023, 12, 13),
    )

    # Arbetsmarknads- och socialnämnden: late, and question 3 left blank.
    submit(
        "arbetsmarknads-och-socialnamnden",
        yttrande(
            answers(
                ("Arbetsmarknads- och socialnämnden driver redan Jobb Malmö lokalt.", T),
                ("Arbetsmarknads- och socialnämnden pekar på Seved och Södra Innerstaden.", T),
                ("", Position.NOT_STATED),
                ("Stadsbyggnadsnämnden, eventuellt tillsammans med MKB.", F),
            ),
            date(2023, 12, 1),
            "§ 201",
        ),
        date(2023, 12, 4),
    )

    # Fritidsnämnden: a 300-character word and a long URL.
    submit(
        "fritidsnamnden",
        yttrande(
            answers(
                (f"Fritidsnämnden nämner {LONG_WORD} som exempel.", T),
                (f"Fritidsnämndens underlag finns på {LONG_URL} för den som vill läsa mer.", T),
                (MARKDOWN_LOOKALIKE, Position.NOT_STATED),
                ("Fritidsnämnden anser att Fritidsnämnden själv passar bäst.", T),
            ),
            date(2023, 11, 15),
            "§ 77",
        ),
        date(2023, 11, 17),
    )

    decline("kulturnamnden", "Ingen <b>kapacitet</b> & *resurser* just_nu 🙏", date(2023, 11, 30))

    # Servicenämnden: an extension into January; no answer yet, and not late on the day of the summary.
    found.recipient("servicenamnden").extend(remiss, date(2024, 1, 15), COORDINATOR, at(date(2023, 11, 27)))

    # Stadsbyggnadsnämnden: via delegation, question 4 in prose.
    submit(
        "stadsbyggnadsnamnden",
        ResponseContent(
            ResponseKind.DELEGATION,
            answers(
                ("Stadsbyggnadsnämnden arbetar med översiktsplanen och fördjupningar för Rosengård.", T),
                ("Stadsbyggnadsnämnden lyfter stationsområdena längs Malmöringen.", T),
                ("Stadsbyggnadsnämnden ser modellen som ett bra stöd för planeringen.", T),
                (
                    "Vi anser att Stadsbyggnadsnämnden bör få den samordnande rollen eftersom nämnden "
                    "har helhetsbilden över stadens fysiska utveckling.",
                    T,
                ),
            ),
            decided_by="Stadsbyggnadsdirektör Hedda Holm",
        ),
        date(2023, 11, 27),
    )

    # MKB: an yttrande from its board, with the signed document attached.
    submit(
        "mkb",
        yttrande(
            answers(
                ("MKB:s områdesvärdar i Rosengård och Holma passar in i modellen.", A),
                ("MKB vill se fokus på trygghet i trapphus och på gårdar.", F),
                ("MKB avstyrker en struktur med ytterligare ett samverkansorgan.", A),
                ("MKB bör samordna arbetet i de områden där bolaget äger bostäder.", T),
            ),
            date(2023, 11, 24),
            "§ 14",
            attachments=(
                Attachment(
                    "F0MKB",
                    "MKB yttrande STK-2023-137 (signerat).pdf",
                    "https://files.slack.com/files-pri/T1-F0MKB/mkb.pdf",
                ),
            ),
        ),
        date(2023, 11, 27),
    )

    # Parkering Malmö: via delegation, no comments, question 4 left blank.
    submit(
        "parkering-malmo",
        ResponseContent(
            ResponseKind.DELEGATION,
            answers(
                ("Parkering Malmö har inga pågående processer som berörs.", N),
                ("Parkering Malmö har inga synpunkter på områdena.", N),
                ("Parkering Malmö har inga synpunkter på samordningsstrukturen.", N),
            ),
            decided_by="VD Lars Lind",
        ),
        date(2023, 11, 30),
        hour=23,
    )

    # Parkeringsövervakning i Malmö AB: never answers.
    return found


def round_service(
    found: Round,
    prepare: Callable[[Transaction, Recipient], None] | None = None,
    users: UserDirectory | None = None,
) -> UseCases:
    """The use cases over an in-memory store holding the round, on 20 December 2023; `prepare` may change
    each recipient (in the store's transaction) before it is stored."""
    store = MemoryStore()
    with store.transaction() as repo:
        repo.directory.replace_directory(found.directory)
        repo.remisses.add_remiss(found.remiss)
        for recipient in found.recipients:
            if prepare is not None:
                prepare(repo, recipient)
            repo.remisses.add_recipient(recipient)
    return build_use_cases(store, FakeClock(datetime(2023, 12, 20, 9, tzinfo=UTC)), users=users)
