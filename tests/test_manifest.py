"""manifest.json asks Slack for exactly what the app uses."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

from devtools.sandbox.scopes import METHOD_SCOPES
from handlers.context import BOT_EVENTS, BOT_SCOPES, GLOBAL_SHORTCUTS, SLASH_COMMANDS
from tests.system import missing

REPO = Path(__file__).resolve().parents[1]
MANIFEST = REPO / "manifest.json"
# CI clones the repo with shared/ beside it; so does every developer machine.
SLACK_SCHEMAS = REPO.parent / "shared" / "slack"
# slack_sdk's files_upload_v2 is these two Web API methods (and a POST to the upload URL between them).
FILES_UPLOAD_V2 = ("files.getUploadURLExternal", "files.completeUploadExternal")


def manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return data


def test_the_manifest_lists_exactly_the_commands_events_and_scopes_the_handlers_declare() -> None:
    m = manifest()
    assert [c["command"] for c in m["features"]["slash_commands"]] == list(SLASH_COMMANDS)
    assert sorted(m["settings"]["event_subscriptions"]["bot_events"]) == sorted(BOT_EVENTS)
    assert sorted(m["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
    assert [s["callback_id"] for s in m["features"]["shortcuts"]] == list(GLOBAL_SHORTCUTS)
    assert m["settings"]["interactivity"]["is_enabled"] is True


def test_the_manifest_fits_slacks_limits() -> None:
    m = manifest()
    assert len(m["display_information"]["name"]) <= 35
    assert len(m["display_information"]["description"]) <= 140
    assert 175 <= len(m["display_information"]["long_description"]) <= 4000
    for command in m["features"]["slash_commands"]:
        assert len(command["description"]) <= 100
    assert m["settings"]["socket_mode_enabled"] is True


def slack_manifest_schema(major_version: int) -> Draft7Validator:
    """Slack's published app-manifest schema for this major version; CI must have it, a developer is told why."""
    path = SLACK_SCHEMAS / f"manifest.schema.{major_version}.0.0.json"
    if not path.is_file():
        reason = f"{path} is missing: Slack's manifest schemas are cloned beside the repo as shared/slack/"
        missing(reason)
    return Draft7Validator(json.loads(path.read_text(encoding="utf-8")))


def schema_errors(m: dict[str, Any]) -> list[str]:
    # A manifest without _metadata is read as version 1, as Slack does.
    validator = slack_manifest_schema(int(m.get("_metadata", {}).get("major_version", 1)))
    return sorted(f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(m))


def test_the_manifest_is_valid_against_slacks_published_manifest_schema() -> None:
    assert schema_errors(manifest()) == []


def test_the_schema_check_catches_what_slack_would_refuse_in_a_manifest() -> None:
    m = manifest()
    m["features"]["slash_commands"][0]["command"] = "remiss"
    m["oauth_config"]["scopes"]["bots"] = m["oauth_config"]["scopes"].pop("bot")

    errors = schema_errors(m)

    assert len(errors) == 2
    assert errors[0].startswith("/features/slash_commands/0/command: 'remiss' does not match")
    assert errors[1].startswith("/oauth_config/scopes: Additional properties are not allowed ('bots' was unexpected)")


def web_api_methods_the_bot_calls() -> set[str]:
    """Every Web API method called through a WebClient in the app's code (the loopback Slack aside)."""
    sources = [*(REPO / "handlers").rglob("*.py"), *(REPO / "bot").rglob("*.py")]
    calls: set[str] = set()
    for source in sources:
        if "sandbox" not in source.parts:
            calls |= set(re.findall(r"client\.([a-z]+_[A-Za-z_0-9]+)\(", source.read_text(encoding="utf-8")))
    methods = {call.replace("_", ".") for call in calls if call != "files_upload_v2"}
    return methods | (set(FILES_UPLOAD_V2) if "files_upload_v2" in calls else set())


def test_every_web_api_method_the_bot_calls_is_covered_by_the_manifests_scopes() -> None:
    granted = set(manifest()["oauth_config"]["scopes"]["bot"])
    methods = web_api_methods_the_bot_calls()
    assert {"conversations.open", "chat.postMessage", "views.open", *FILES_UPLOAD_V2} <= methods

    needs = {method: METHOD_SCOPES.get(method) for method in methods}
    # A method the loopback Slack does not serve has no known scopes: teach it the method and its scopes first.
    assert [method for method, scopes in needs.items() if scopes is None] == []
    uncovered = {method: scopes for method, scopes in needs.items() if scopes and not granted & set(scopes)}
    assert uncovered == {}
