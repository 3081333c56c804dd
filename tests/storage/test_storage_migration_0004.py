"""Migration 0004 on a database in use: organisations that remisses refer to get meetings, and lose them again."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect

from storage import SqlStore, make_engine, upgrade
from storage.migrate import MIGRATIONS_DIR, current_revision, head_revision

_POSTGRES = pytest.param("postgres", marks=pytest.mark.postgres)


@pytest.fixture(params=["sqlite", _POSTGRES])
def engine_at_0003(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A database at 0003 holding an organisation that a remiss refers to (a foreign key points in)."""
    url_fixture = "fresh_postgres_url" if request.param == "postgres" else "sqlite_url"
    engine = make_engine(request.getfixturevalue(url_fixture))
    upgrade(engine, "0003")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO organisation (key, name, short_name, kind, contacts, stand_ins, aliases, active, position)"
            " VALUES ('tekniska-namnden', 'Tekniska nämnden', 'TN', 'nämnd', '[\"U0TN01\"]', '[]', '[]', true, 0)"
        )
        connection.exec_driver_sql(
            "INSERT INTO remiss (case_number, title, description, sender_key, coordinators, contact, deadline,"
            " status, created_by, created_at) VALUES ('STK-2023-137', 'Områdeslyft', '', 'tekniska-namnden',"
            " '[]', 'Mia Idestrom', '2023-11-30', 'draft', 'U0MIA', '2023-10-02 08:00:00+00:00')"
        )
    yield engine
    engine.dispose()


def organisation_columns(engine: Engine) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns("organisation")}


def test_existing_organisations_get_no_meetings_and_an_unknown_lead_time(engine_at_0003: Engine) -> None:
    upgrade(engine_at_0003)

    assert current_revision(engine_at_0003) == head_revision()
    store = SqlStore(engine_at_0003)
    with store.read() as repo:
        tn = repo.directory.load_directory().require("tekniska-namnden")
        assert repo.remisses.get_remiss("STK-2023-137") is not None
    assert (tn.contacts, tn.meetings, tn.submission_lead_days) == (("U0TN01",), (), None)
    with store.transaction() as repo:
        repo.directory.replace_directory(repo.directory.load_directory())
    assert "meetings" in organisation_columns(engine_at_0003)


def test_downgrading_drops_the_two_columns_and_keeps_the_organisations(engine_at_0003: Engine) -> None:
    upgrade(engine_at_0003, "0004")
    with engine_at_0003.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE organisation SET meetings = '[\"2023-11-16\"]', submission_lead_days = 14"
            " WHERE key = 'tekniska-namnden'"
        )
    # Read as stored at 0004 (the tables module has columns of later migrations, which aren't there yet).
    with engine_at_0003.connect() as connection:
        stored = connection.exec_driver_sql(
            "SELECT meetings, submission_lead_days FROM organisation WHERE key = 'tekniska-namnden'"
        ).one()
    meetings = json.loads(stored[0]) if isinstance(stored[0], str) else stored[0]
    assert (meetings, stored[1]) == (["2023-11-16"], 14)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine_at_0003.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")

    assert current_revision(engine_at_0003) == "0003"
    assert "meetings" not in organisation_columns(engine_at_0003)
    assert "submission_lead_days" not in organisation_columns(engine_at_0003)
    with engine_at_0003.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM remiss").scalar_one() == 1
