"""Settings from the environment, validated once, with messages that say which variable to fix."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.organisation import is_slack_user_id

_BOT_TOKEN_RE = re.compile(r"^xoxb-[A-Za-z0-9-]+$")
_APP_TOKEN_RE = re.compile(r"^xapp-[A-Za-z0-9-]+$")
_SIGNING_SECRET_RE = re.compile(r"^[0-9a-f]{32}$")


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variables and what to do."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    timezone: ZoneInfo
    coordinators: tuple[str, ...]
    coordinator_group: str | None
    status_channel: str | None
    sender_key: str
    slack_bot_token: str | None
    slack_app_token: str | None
    slack_signing_secret: str | None
    slack_api_url: str | None
    port: int
    auto_migrate: bool

    def require_socket_mode(self) -> tuple[str, str]:
        """Both tokens Socket Mode needs, or a SettingsError naming what is missing or wrong."""
        problems = [
            *_check("SLACK_BOT_TOKEN", self.slack_bot_token, _BOT_TOKEN_RE, "xoxb-"),
            *_check("SLACK_APP_TOKEN", self.slack_app_token, _APP_TOKEN_RE, "xapp-"),
        ]
        if problems or not self.slack_bot_token or not self.slack_app_token:
            raise SettingsError(_explain(problems, "remissbot run (Socket Mode)"))
        return self.slack_bot_token, self.slack_app_token

    def require_http_mode(self) -> tuple[str, str]:
        """The bot token and signing secret HTTP mode needs."""
        problems = [
            *_check("SLACK_BOT_TOKEN", self.slack_bot_token, _BOT_TOKEN_RE, "xoxb-"),
            *_check("SLACK_SIGNING_SECRET", self.slack_signing_secret, _SIGNING_SECRET_RE, None),
        ]
        if problems or not self.slack_bot_token or not self.slack_signing_secret:
            raise SettingsError(_explain(problems, "remissbot serve (HTTP-läge)"))
        return self.slack_bot_token, self.slack_signing_secret


def _check(name: str, value: str | None, pattern: re.Pattern[str], prefix: str | None) -> list[str]:
    if not value:
        return [f"{name} saknas"]
    if not pattern.match(value):
        shape = f"ska börja med {prefix}" if prefix else "ska vara 32 hexadecimala tecken"
        return [f"{name} har fel format ({shape})"]
    return []


def _explain(problems: list[str], mode: str) -> str:
    return (
        f"Kan inte starta {mode}: {'; '.join(problems)}. "
        "Installera Slack-appen från manifest.json (api.slack.com/apps → Create New App → From a manifest), "
        "hämta nycklarna där och sätt dem som miljövariabler. Se README, avsnittet Konfiguration."
    )


def default_database_url(env: Mapping[str, str]) -> str:
    """A SQLite file in the user's data directory (XDG), so the bot works with no configuration at all."""
    if env.get("REMISSBOT_DATA_DIR"):
        directory = Path(env["REMISSBOT_DATA_DIR"])
    elif env.get("XDG_DATA_HOME"):
        directory = Path(env["XDG_DATA_HOME"]) / "remissbot"
    elif env.get("HOME"):
        directory = Path(env["HOME"]) / ".local" / "share" / "remissbot"
    else:
        directory = Path.cwd()
    return f"sqlite:///{directory / 'remissbot.db'}"


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read settings from the environment (os.environ unless given)."""
    env = os.environ if env is None else env
    try:
        timezone = ZoneInfo(env.get("REMISSBOT_TIMEZONE", "Europe/Stockholm"))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(
            f"REMISSBOT_TIMEZONE är ingen känd tidszon: {env.get('REMISSBOT_TIMEZONE')!r} (exempel: Europe/Stockholm)."
        ) from exc
    coordinators = tuple(c.strip() for c in env.get("REMISSBOT_COORDINATORS", "").split(",") if c.strip())
    bad = [c for c in coordinators if not is_slack_user_id(c)]
    if bad:
        raise SettingsError(
            f"REMISSBOT_COORDINATORS ska vara Slack-användar-id åtskilda med komma (U0123ABCD); fel: {', '.join(bad)}."
        )
    port_text = env.get("PORT", "3000")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SettingsError(f"PORT ska vara ett portnummer 1–65535, inte {port_text!r}.")
    return Settings(
        database_url=env.get("DATABASE_URL") or default_database_url(env),
        timezone=timezone,
        coordinators=coordinators,
        coordinator_group=env.get("REMISSBOT_COORDINATOR_GROUP") or None,
        status_channel=env.get("REMISSBOT_CHANNEL") or None,
        sender_key=env.get("REMISSBOT_SENDER", "stadskontoret"),
        slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
        slack_app_token=env.get("SLACK_APP_TOKEN") or None,
        slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
        slack_api_url=env.get("SLACK_API_URL") or None,
        port=int(port_text),
        auto_migrate=env.get("REMISSBOT_AUTO_MIGRATE", "").lower() in ("1", "true", "yes", "ja"),
    )
