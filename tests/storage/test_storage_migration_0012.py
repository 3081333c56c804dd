"""Migration 0012 on a database in use: questions that asked a position (free_text until now) become
ställningstagande questions, answers get an overall position (not stated), and both go back on downgrade."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect

from bot.core.domain.remiss import Position, QuestionKind
from storage import SqlStore, make_engine, upgrade
from storage.migrate import MIGRATIONS_DIR, current_revision, head_revision
from tests.storage.samples import CASE, NOW, TODAY, answer_content, official, org_key, sent_remiss

_POSTGRES = pytest.param("postgres", marks=pytest.mark.postgres)
KINDS = (QuestionKind.POSITION, QuestionKind.FREE_TEXT, QuestionKind.POSITION, QuestionKind.ORGANISATION_CHOICE)


@pytest.fixture(params=["sqlite", _POSTGRES])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A database at the newest schema holding a sent remiss with a question of each kind and one answer with
    an overall position."""
    url_fixture = "fresh_postgres_url" if request.param == "postgres" else "sqlite_url"
    engine = make_engine(request.getfixturevalue(url_fixture))
    upgrade(engine)
    store = SqlStore(engine)
    with store.transaction() as repo:
        stored = sent_remiss(repo, recipients=1)
        marked = replace(
            stored, questions=tuple(replace(q, kind=k) for q, k in zip(stored.questions, KINDS, strict=True))
        )
        repo.remisses.save_remiss(marked)
    with store.transaction() as repo:
        remiss = repo.remisses.get_remiss(CASE)
        recipient = repo.remisses.get_recipient(CASE, org_key(1))
        assert remiss is not None and recipient is not None
        recipient.submit(remiss, answer_content(), official(1), NOW, TODAY)
        repo.remisses.save_recipient(recipient)
    yield engine
    engine.dispose()


def _migrate(engine: Engine, revision: str, *, down: bool) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _stored_kinds(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return [row[0] for row in connection.exec_driver_sql("SELECT kind FROM question ORDER BY number")]


def _response_columns(engine: Engine) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns("response_version")}


def test_the_stored_kinds_and_overall_position_are_what_the_code_wrote(engine: Engine) -> None:
    assert _stored_kinds(engine) == ["position", "free_text", "position", "organisation_choice"]
    with engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT overall_position FROM response_version").scalar_one()
    assert stored == Position.TILLSTYRKER.value


def test_downgrading_asks_a_position_on_every_open_question_again_and_drops_the_overall_position(
    engine: Engine,
) -> None:
    _migrate(engine, "0011", down=True)

    assert current_revision(engine) == "0011"
    # Before 0012 every question that was not an organisation choice asked a position, as free_text.
    assert _stored_kinds(engine) == ["free_text", "free_text", "free_text", "organisation_choice"]
    assert "overall_position" not in _response_columns(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM response_version").scalar_one() == 1


def test_upgrading_keeps_the_meaning_of_questions_that_asked_a_position(engine: Engine) -> None:
    _migrate(engine, "0011", down=True)
    _migrate(engine, "head", down=False)

    assert current_revision(engine) == head_revision()
    store = SqlStore(engine)
    with store.read() as repo:
        remiss = repo.remisses.get_remiss(CASE)
        recipient = repo.remisses.get_recipient(CASE, org_key(1))
    assert remiss is not None and recipient is not None
    assert [q.kind for q in remiss.questions] == [
        QuestionKind.POSITION,
        QuestionKind.POSITION,
        QuestionKind.POSITION,
        QuestionKind.ORGANISATION_CHOICE,
    ]
    # Answers submitted before 0012 stated no overall position; their per-question positions are kept.
    content = recipient.responses[0].content
    assert content.overall_position is Position.NOT_STATED
    assert content.answers[0].position is Position.TILLSTYRKER
