"""Settings from the environment, validated once, with messages (templates/errors/settings.j2) that say which
variable to fix."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.adapters.logs import LOG_FORMATS
from bot.adapters.rendering import default_texts
from bot.core.domain.calendar import SHORT_WINDOW_WORKING_DAYS
from bot.core.domain.organisation import is_org_key, is_slack_user_id
from bot.core.domain.outbox import STATUS_EDIT_INTERVAL
from bot.core.domain.reminders import ReminderPolicy
from bot.core.domain.remiss import FINAL_ANSWER_GRACE_DAYS
from bot.core.usecases.base import AUTO_CLOSE_WORKING_DAYS, DIGEST_DEADLINE_DAYS

_BOT_TOKEN_RE = re.compile(r"^xoxb-[A-Za-z0-9-]+$")
_APP_TOKEN_RE = re.compile(r"^xapp-[A-Za-z0-9-]+$")
_SIGNING_SECRET_RE = re.compile(r"^[0-9a-f]{32}$")


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variables and what to do."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    timezone: ZoneInfo
    coordinators: tuple[str, ...]  # global: they coordinate every office's remisses
    coordinator_group: str | None
    status_channel: str | None
    sender_key: str
    slack_bot_token: str | None
    slack_app_token: str | None
    slack_signing_secret: str | None
    slack_api_url: str | None
    port: int
    auto_migrate: bool
    # The city's reminder policy (a remiss may have its own), the short-window warning and the daily digest.
    reminder_policy: ReminderPolicy = field(default_factory=ReminderPolicy)
    short_window_days: int = SHORT_WINDOW_WORKING_DAYS
    digest_at: time = time(8, 30)
    # The digest on a day nothing changed only while a deadline is this many working days away or less.
    digest_deadline_days: int = DIGEST_DEADLINE_DAYS
    # Working days after a preliminary answer's planned board meeting that its final answer may still come.
    final_answer_grace_days: int = FINAL_ANSWER_GRACE_DAYS
    # The sending offices (directory keys; the first is sender_key, the default sender) and the coordinators
    # scoped to some of them: user id -> the offices whose remisses they coordinate.
    offices: tuple[str, ...] = ("stadskontoret",)
    scoped_coordinators: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Working days after a remiss's last deadline (anstånd included) that it closes by itself; 0 never.
    auto_close_working_days: int = AUTO_CLOSE_WORKING_DAYS
    # Closing a remiss writes its archive package (E-ARK SIP) here; None: only `remissbot archive` writes one.
    archive_dir: Path | None = None
    # A remiss's status message is edited at most once in this many seconds; 0 after every change.
    status_edit_seconds: int = int(STATUS_EDIT_INTERVAL.total_seconds())
    # How log lines look: "text" (plain, the default) or "json" (one object per line; bot/adapters/logs.py).
    log_format: str = "text"

    def require_socket_mode(self) -> tuple[str, str]:
        """Both tokens Socket Mode needs, or a SettingsError naming what is missing or wrong."""
        problems = [
            *_check("SLACK_BOT_TOKEN", self.slack_bot_token, _BOT_TOKEN_RE, "xoxb-"),
            *_check("SLACK_APP_TOKEN", self.slack_app_token, _APP_TOKEN_RE, "xapp-"),
        ]
        if problems or not self.slack_bot_token or not self.slack_app_token:
            raise SettingsError(_says("cannot_start", mode="socket", problems=problems))
        return self.slack_bot_token, self.slack_app_token

    def require_http_mode(self) -> tuple[str, str]:
        """The bot token and signing secret HTTP mode needs."""
        problems = [
            *_check("SLACK_BOT_TOKEN", self.slack_bot_token, _BOT_TOKEN_RE, "xoxb-"),
            *_check("SLACK_SIGNING_SECRET", self.slack_signing_secret, _SIGNING_SECRET_RE, None),
        ]
        if problems or not self.slack_bot_token or not self.slack_signing_secret:
            raise SettingsError(_says("cannot_start", mode="http", problems=problems))
        return self.slack_bot_token, self.slack_signing_secret


def _check(name: str, value: str | None, pattern: re.Pattern[str], prefix: str | None) -> list[str]:
    if not value:
        return [_says("missing", name=name)]
    if not pattern.match(value):
        return [_says("bad_format", name=name, prefix=prefix)]
    return []


def _says(name: str, /, **params: object) -> str:
    """The sentence `name` of templates/errors/settings.j2."""
    return default_texts().part("errors/settings.j2", name, **params)


def default_database_url(env: Mapping[str, str]) -> str:
    """A SQLite file in the user's data directory (XDG), so the bot works with no configuration at all."""
    return f"sqlite:///{data_directory(env) / 'remissbot.db'}"


def default_archive_dir(env: Mapping[str, str]) -> Path | None:
    """Where closing a remiss writes its archive package: REMISSBOT_ARCHIVE_DIR, else `arkiv` in the data
    directory; "av" (or empty) writes none on closing (`remissbot archive` still does)."""
    given = env.get("REMISSBOT_ARCHIVE_DIR")
    if given is None:
        return data_directory(env) / "arkiv"
    return None if given.strip().lower() in ("", "av", "off", "0") else Path(given.strip())


def data_directory(env: Mapping[str, str]) -> Path:
    """REMISSBOT_DATA_DIR, else the user's data directory (XDG), else the working directory."""
    if env.get("REMISSBOT_DATA_DIR"):
        directory = Path(env["REMISSBOT_DATA_DIR"])
    elif env.get("XDG_DATA_HOME"):
        directory = Path(env["XDG_DATA_HOME"]) / "remissbot"
    elif env.get("HOME"):
        directory = Path(env["HOME"]) / ".local" / "share" / "remissbot"
    else:
        directory = Path.cwd()
    return directory


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read settings from the environment (os.environ unless given)."""
    env = os.environ if env is None else env
    try:
        timezone = ZoneInfo(env.get("REMISSBOT_TIMEZONE", "Europe/Stockholm"))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(_says("unknown_timezone", shown=repr(env.get("REMISSBOT_TIMEZONE")))) from exc
    sender_key = env.get("REMISSBOT_SENDER", "stadskontoret").strip()
    offices = _offices(env, sender_key)
    coordinators, scoped = _coordinators(env, offices)
    port_text = env.get("PORT", "3000")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SettingsError(_says("bad_port", shown=repr(port_text)))
    policy, short_window_days, digest_at = _reminder_settings(env)
    return Settings(
        database_url=env.get("DATABASE_URL") or default_database_url(env),
        timezone=timezone,
        coordinators=coordinators,
        coordinator_group=env.get("REMISSBOT_COORDINATOR_GROUP") or None,
        status_channel=env.get("REMISSBOT_CHANNEL") or None,
        sender_key=sender_key,
        slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
        slack_app_token=env.get("SLACK_APP_TOKEN") or None,
        slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
        slack_api_url=env.get("SLACK_API_URL") or None,
        port=int(port_text),
        auto_migrate=env.get("REMISSBOT_AUTO_MIGRATE", "").lower() in ("1", "true", "yes", "ja"),
        reminder_policy=policy,
        short_window_days=short_window_days,
        digest_at=digest_at,
        digest_deadline_days=_count(
            "REMISSBOT_DIGEST_DEADLINE_DAYS",
            (env.get("REMISSBOT_DIGEST_DEADLINE_DAYS") or str(DIGEST_DEADLINE_DAYS)).strip(),
            0,
            60,
            off=False,
        ),
        final_answer_grace_days=_count(
            "REMISSBOT_FINAL_ANSWER_GRACE_DAYS",
            (env.get("REMISSBOT_FINAL_ANSWER_GRACE_DAYS") or str(FINAL_ANSWER_GRACE_DAYS)).strip(),
            0,
            60,
            off=False,
        ),
        offices=offices,
        scoped_coordinators=scoped,
        auto_close_working_days=_auto_close(env),
        archive_dir=default_archive_dir(env),
        status_edit_seconds=_status_edit_seconds(env),
        log_format=log_format(env),
    )


def log_format(env: Mapping[str, str]) -> str:
    """REMISSBOT_LOG_FORMAT: "text" (the default) or "json"; read before anything else, so the CLI can set up
    logging before a command runs."""
    text = (env.get("REMISSBOT_LOG_FORMAT") or "text").strip().lower()
    if text not in LOG_FORMATS:
        raise SettingsError(_says("bad_log_format", shown=repr(env.get("REMISSBOT_LOG_FORMAT")), formats=LOG_FORMATS))
    return text


def secret_values(env: Mapping[str, str]) -> tuple[str, ...]:
    """The configured secrets, which no log line may show: the Slack tokens, the signing secret and the
    database's password."""
    from sqlalchemy.engine import make_url

    values = [env.get(name, "") for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")]
    try:
        password = make_url(env["DATABASE_URL"]).password if env.get("DATABASE_URL") else None
    except Exception:  # a malformed URL is refused with its own message when the database is opened
        password = None
    return tuple(v.strip() for v in [*values, str(password or "")] if v.strip())


def _offices(env: Mapping[str, str], sender_key: str) -> tuple[str, ...]:
    """The sending offices, directory keys; REMISSBOT_SENDER (the default sender) is one of them, first."""
    if not is_org_key(sender_key):
        raise SettingsError(_says("bad_sender", shown=repr(sender_key)))
    listed = [o.strip() for o in (env.get("REMISSBOT_OFFICES") or sender_key).split(",") if o.strip()]
    bad = [o for o in listed if not is_org_key(o)]
    if bad:
        raise SettingsError(_says("bad_offices", bad=bad))
    if sender_key not in listed:
        raise SettingsError(_says("sender_not_an_office", sender=sender_key, offices=listed))
    return (sender_key, *dict.fromkeys(o for o in listed if o != sender_key))


def _coordinators(
    env: Mapping[str, str], offices: tuple[str, ...]
) -> tuple[tuple[str, ...], dict[str, frozenset[str]]]:
    """REMISSBOT_COORDINATORS: `U…` coordinates every office's remisses, `office:U…` only that office's (a
    user may be named for several offices). Every entry is checked; the first bad kind is refused by name."""
    entries = [c.strip() for c in env.get("REMISSBOT_COORDINATORS", "").split(",") if c.strip()]
    global_ids: list[str] = []
    scoped: dict[str, set[str]] = {}
    bad: list[str] = []
    unknown: list[str] = []
    for entry in entries:
        office, colon, user_id = (p.strip() for p in entry.rpartition(":"))
        if not is_slack_user_id(user_id) or (colon and not office):
            bad.append(entry)
        elif not colon:
            global_ids.append(user_id)
        elif office not in offices:
            unknown.append(entry)
        else:
            scoped.setdefault(user_id, set()).add(office)
    if bad:
        raise SettingsError(_says("bad_coordinators", bad=bad))
    if unknown:
        raise SettingsError(_says("unknown_coordinator_office", bad=unknown, offices=offices))
    # A bare id is global: named also for an office, it still coordinates every office.
    return tuple(dict.fromkeys(global_ids)), {
        user: frozenset(keys) for user, keys in scoped.items() if user not in global_ids
    }


_OFF = ("av", "off", "nej", "0")
# How many working days earlier an often-late organisation's first reminder comes, when that is switched on.
EARLIER_FOR_LATE_DAYS = 3


def _auto_close(env: Mapping[str, str]) -> int:
    """REMISSBOT_AUTO_CLOSE_WORKING_DAYS: 1–250 working days, or 0 / "av" for never."""
    text = (env.get("REMISSBOT_AUTO_CLOSE_WORKING_DAYS") or str(AUTO_CLOSE_WORKING_DAYS)).strip()
    if text.lower() in _OFF:
        return 0
    return _count("REMISSBOT_AUTO_CLOSE_WORKING_DAYS", text, 0, 250, off=True)


def _status_edit_seconds(env: Mapping[str, str]) -> int:
    """REMISSBOT_STATUS_EDIT_SECONDS: 0–300 seconds between two edits of a status message; 0 / "av": no wait."""
    name = "REMISSBOT_STATUS_EDIT_SECONDS"
    text = (env.get(name) or str(int(STATUS_EDIT_INTERVAL.total_seconds()))).strip()
    if text.lower() in _OFF:
        return 0
    if not text.isdigit() or int(text) > 300:
        raise SettingsError(_says("bad_seconds", name=name, low=0, high=300, shown=repr(text)))
    return int(text)


def _reminder_settings(env: Mapping[str, str]) -> tuple[ReminderPolicy, int, time]:
    """The global reminder policy, the short-window threshold and the digest time, checked together: a time
    outside office hours would never be sent (or wait all night), so it is refused at start."""
    send_at = _clock("REMISSBOT_REMINDER_TIME", env, "09:00")
    digest_at = _clock("REMISSBOT_DIGEST_TIME", env, "08:30")
    hours_text = (env.get("REMISSBOT_OFFICE_HOURS") or "08:00-17:00").strip()
    start_text, dash, end_text = hours_text.replace("–", "-").partition("-")
    start, end = _parse_clock(start_text), _parse_clock(end_text)
    if not dash or start is None or end is None or not start < end:
        raise SettingsError(_says("bad_office_hours", shown=repr(hours_text)))
    for name, value in (("REMISSBOT_REMINDER_TIME", send_at), ("REMISSBOT_DIGEST_TIME", digest_at)):
        if not start <= value < end:
            raise SettingsError(_says("outside_office_hours", name=name, value=value, start=start, end=end))
    days_text = (env.get("REMISSBOT_REMINDER_DAYS") or "10,5,2").strip()
    if days_text.lower() in _OFF:
        days: tuple[int, ...] = ()
    else:
        parts = [p.strip() for p in days_text.split(",") if p.strip()]
        if not parts or not all(p.isdigit() and 1 <= int(p) <= 60 for p in parts):
            raise SettingsError(_says("bad_reminder_days", shown=repr(days_text)))
        days = tuple(sorted({int(p) for p in parts}, reverse=True))
    nudge_text = (env.get("REMISSBOT_NUDGE_AFTER") or "3").strip()
    nudge = None if nudge_text.lower() in _OFF else _count("REMISSBOT_NUDGE_AFTER", nudge_text, 1, 60, off=True)
    short_text = (env.get("REMISSBOT_SHORT_WINDOW_DAYS") or str(SHORT_WINDOW_WORKING_DAYS)).strip()
    short = _count("REMISSBOT_SHORT_WINDOW_DAYS", short_text, 0, 250, off=False)
    earlier = _earlier_for_late(env)
    try:
        policy = ReminderPolicy(
            nudge_unopened_after=nudge,
            before_deadline=days,
            send_at=send_at,
            office_hours=(start, end),
            earlier_for_late=earlier,
        )
    except ValueError as exc:  # checked above; kept so that a new rule in the policy still stops the start
        raise SettingsError(_says("policy_conflict", reason=exc)) from exc
    return policy, short, digest_at


def _earlier_for_late(env: Mapping[str, str]) -> int | None:
    """REMISSBOT_EARLY_REMINDER_FOR_LATE_ORGS=ja: the first reminder REMISSBOT_EARLY_REMINDER_DAYS (1–20, default
    3) working days earlier for an organisation late in its last two remisses; None when off (the default)."""
    switch = (env.get("REMISSBOT_EARLY_REMINDER_FOR_LATE_ORGS") or "nej").strip()
    if switch.lower() in _OFF or switch.lower() == "no":
        return None
    if switch.lower() not in ("ja", "on", "yes", "1", "true"):
        raise SettingsError(_says("bad_yes_no", name="REMISSBOT_EARLY_REMINDER_FOR_LATE_ORGS", shown=repr(switch)))
    days_text = (env.get("REMISSBOT_EARLY_REMINDER_DAYS") or str(EARLIER_FOR_LATE_DAYS)).strip()
    return _count("REMISSBOT_EARLY_REMINDER_DAYS", days_text, 1, 20, off=False)


def _parse_clock(text: str) -> time | None:
    match = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*", text)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


def _clock(name: str, env: Mapping[str, str], default: str) -> time:
    text = env.get(name) or default
    value = _parse_clock(text)
    if value is None:
        raise SettingsError(_says("bad_clock", name=name, example=default, shown=repr(text)))
    return value


def _count(name: str, text: str, low: int, high: int, *, off: bool) -> int:
    """`text` as a number of working days from `low` to `high`; `off` says that "av" is also allowed."""
    if not text.isdigit() or not low <= int(text) <= high:
        raise SettingsError(_says("bad_count", name=name, low=low, high=high, off=off, shown=repr(text)))
    return int(text)
