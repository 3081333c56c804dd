"""What the use cases take and give back: plain rows and reports, no behaviour beyond derived values."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.core.domain.audit import AuditEntry
from bot.core.domain.calendar import WindowReport
from bot.core.domain.extension import ExtensionRequest
from bot.core.domain.organisation import Directory, Organisation
from bot.core.domain.outbox import DeliveryState, OutboxMessage, StatusBoard
from bot.core.domain.recipient import Recipient
from bot.core.domain.reminders import MeetingAdvice, ReminderKind, ScheduledReminder
from bot.core.domain.remiss import (
    AnswerRules,
    DocumentLink,
    QuestionKind,
    RecipientStatus,
    Remiss,
    ResponseKind,
)
from bot.core.domain.statistics import AnswerStatistics


@dataclass(frozen=True)
class Actor:
    """Who is acting: a Slack user, whether they are a coordinator, and the sending offices whose remisses they
    coordinate (empty: every office's, a global coordinator)."""

    user_id: str
    is_coordinator: bool = False
    offices: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RemissInput:
    """What the create form (or the importer) gives for a new remiss."""

    case_number: str
    title: str
    questions: Sequence[tuple[str, QuestionKind]]
    deadline: date
    recipient_keys: Sequence[str]
    description: str = ""
    contact: str = ""
    documents: Sequence[DocumentLink] = ()
    # The sending office (a directory key); None: the coordinator's default office.
    sender_key: str | None = None
    # The kortrubrik (≤ 60 characters); empty: the one suggested from the title.
    short_title: str = ""


@dataclass(frozen=True)
class RecipientRow:
    """One line of the status table."""

    organisation: Organisation
    recipient: Recipient
    status: RecipientStatus
    response_kind: ResponseKind | None


@dataclass(frozen=True)
class CaseRecord:
    """A remiss as a case: the remiss, every recipient with all its versions, and the directory."""

    remiss: Remiss
    recipients: list[Recipient]
    directory: Directory


@dataclass(frozen=True)
class RemissOverview:
    """A remiss with its recipients' derived status, in directory order, and the counts per status."""

    remiss: Remiss
    rows: list[RecipientRow]
    counts: Counter[RecipientStatus] = field(default_factory=Counter)

    @property
    def answered(self) -> int:
        return self.counts[RecipientStatus.SUBMITTED]

    @property
    def declined(self) -> int:
        return self.counts[RecipientStatus.DECLINED]

    @property
    def preliminary(self) -> int:
        """Of those who have answered, how many only preliminarily ("12 har svarat, varav 3 preliminärt")."""
        return sum(1 for row in self.rows if row.recipient.is_preliminary())

    @property
    def count_names(self) -> dict[str, int]:
        """The counts per status by name, with `preliminary` beside them, as the status templates read them."""
        return {**{status.value: n for status, n in self.counts.items()}, "preliminary": self.preliminary}


@dataclass(frozen=True)
class DraftRow:
    """A draft not yet sent, for the coordinators' list (Utkast): its recipients in directory order, and what
    it still lacks to be sent."""

    remiss: Remiss
    recipients: list[Organisation]
    missing: tuple[str, ...]


@dataclass(frozen=True)
class AssignmentRow:
    """A recipient the user answers for ("Att besvara"), with its derived status and days left."""

    remiss: Remiss
    recipient: Recipient
    organisation: Organisation
    status: RecipientStatus
    today: date
    # How long answers may change (the installation's calendar and grace for a final answer).
    rules: AnswerRules = field(default_factory=AnswerRules)
    # The officials the user stands in for ("Du är ersättare för …"); empty when they are one of them.
    stands_in_for: tuple[str, ...] = ()
    # More than one person answers for the recipient (officials and stand-ins): its state says who did what.
    shared_work: bool = False

    @property
    def days_left(self) -> int:
        """Days until the recipient's own deadline (0 on the day, negative after it)."""
        return (self.recipient.deadline - self.today).days


@dataclass(frozen=True)
class ReminderDelivery:
    """What a reminder says, worked out when it is sent: the recipient as it is then."""

    kind: ReminderKind
    working_days_left: int
    deadline: date
    missing: list[int]
    meeting: MeetingAdvice | None
    late: list[RecipientRow] = field(default_factory=list)  # escalations: everyone late on this remiss


@dataclass(frozen=True)
class Delivery:
    """What the sender needs to render one outbox message, read fresh when it is sent."""

    message: OutboxMessage
    remiss: Remiss
    sender_name: str
    today: date
    organisation: Organisation | None = None
    recipient: Recipient | None = None
    event: AuditEntry | None = None
    status: StatusBoard | None = None
    recipients_answered: bool = False
    reminder: ReminderDelivery | None = None
    request: ExtensionRequest | None = None
    digest: list[RemissOverview] = field(default_factory=list)
    # The digest's remisses closed in the last week (shown under *Avslutade*).
    closed: list[Remiss] = field(default_factory=list)
    # The digest's remisses with a deadline near (working days left, by case number): it says how near.
    digest_days_left: dict[str, int] = field(default_factory=dict)
    rules: AnswerRules = field(default_factory=AnswerRules)
    # The organisation's stand-ins (user ids): a DM to one of them says whom they stand in for.
    stand_ins: tuple[str, ...] = ()


@dataclass(frozen=True)
class SendReport:
    """What sending did: who will get the remiss, who could not be reached (no usable contact), and what
    the coordinator should know about the answering window (short, over Christmas or summer)."""

    remiss: Remiss
    reachable: list[Recipient]
    unreachable: list[Organisation]
    window: WindowReport | None = None


@dataclass(frozen=True)
class ReminderTick:
    """What one run of the periodic reminder job did."""

    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    digests: int = 0


@dataclass(frozen=True)
class Gauges:
    """What the database holds now that monitoring watches: the outbox by state, how long its longest-waiting
    due message and its longest-waiting due reminder have waited, and how many remisses are open."""

    outbox: Mapping[DeliveryState, int]  # the unsent ones, by state
    outbox_waiting_seconds: float
    reminders_waiting_seconds: float
    open_remisses: int


@dataclass(frozen=True)
class PlanRow:
    """One reminder of `remissbot reminders plan`: to which organisation, and what became of it."""

    organisation: Organisation
    scheduled: ScheduledReminder


@dataclass(frozen=True)
class AuditTrail:
    """A remiss's audit trail as it is read (Historik, `remissbot audit`, the archive): the remiss, every entry
    oldest first, and the directory that names the organisations."""

    remiss: Remiss
    entries: list[AuditEntry]
    directory: Directory


@dataclass(frozen=True)
class StatisticsReport:
    """Each organisation's answer history (`remissbot statistik`, the App Home), with the directory that names
    the organisations and the day it was read on (the day outcomes were judged)."""

    statistics: AnswerStatistics
    directory: Directory
    today: date

    def name(self, key: str) -> str:
        """The organisation's name; a key the directory no longer has stays a key."""
        found = self.directory.get(key)
        return found.name if found is not None else key
