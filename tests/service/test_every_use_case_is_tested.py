"""Every public use case is called by a test in tests/service/ (issue 11); this guard fails naming any that is not.

The use cases are found by introspection, so a new capability or method is covered without editing this file:
each public method (no leading underscore) of each capability class, the fields of `UseCases` typed with a
subclass of `UseCase`. Left out, on purpose:

- `Shared` (`UseCases.shared`), the common base: who acts, the clock, the cached directory. It is plumbing the
  capabilities use; the facade's own helpers (`UseCases.actor`, `now`, `today` and its properties) reach it, and
  tests/service/test_base.py tests it.
- `ReminderPlanner`, an internal collaborator: not on `UseCases`, so no caller outside the core reaches it; its
  plans are tested through the use cases that plan (sending, answering, deadlines, reminding).
- What every capability inherits from `UseCase` (`now`, `today`, `store`, `config`), and properties: no user
  does anything by them.
- A method that takes a `Transaction` (today `AnsweringUseCases.tell_about_hand_over`): a step run inside
  another use case's transaction, which no handler can open; it is tested through the use cases that run it
  (`answering.hand_over`, `people.reassign`).

Called means a call `<anything>.<capability>.<method>(…)` in the syntax tree of a tests/service module, such as
`service.queries.history(actor, case)`: a method named only in a comment or a string does not count, and
neither does one reached only through another use case.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import typing
from collections.abc import Iterator
from pathlib import Path

from bot.core.ports.store import Transaction
from bot.core.usecases import UseCases
from bot.core.usecases.base import UseCase

SERVICE_TESTS = Path(__file__).parent


def capabilities() -> dict[str, type[UseCase]]:
    """The fields of `UseCases` holding a capability, with its class."""
    hints = typing.get_type_hints(UseCases)
    return {
        field.name: hints[field.name]
        for field in dataclasses.fields(UseCases)
        if isinstance(hints[field.name], type) and issubclass(hints[field.name], UseCase)
    }


def public_use_cases(kind: type[UseCase]) -> Iterator[str]:
    """The public methods of a capability class that are use cases (see the module's docstring)."""
    inherited = set(dir(UseCase))
    for name in dir(kind):
        if name.startswith("_") or name in inherited:
            continue
        found = inspect.getattr_static(kind, name)
        method = found.__func__ if isinstance(found, staticmethod | classmethod) else found
        if not inspect.isfunction(method):  # a property or a class attribute
            continue
        if Transaction in typing.get_type_hints(method).values():
            continue
        yield name


def calls_in(source: str) -> set[tuple[str, str]]:
    """(capability, method) of every call `<anything>.<capability>.<method>(…)` in `source`."""
    return {
        (node.func.value.attr, node.func.attr)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Attribute)
    }


def test_every_public_use_case_is_called_by_a_service_test() -> None:
    called: set[tuple[str, str]] = set()
    for path in sorted(SERVICE_TESTS.rglob("*.py")):
        called |= calls_in(path.read_text(encoding="utf-8"))
    untested = [
        f"{kind.__name__}.{method} (service.{name}.{method})"
        for name, kind in capabilities().items()
        for method in public_use_cases(kind)
        if (name, method) not in called
    ]
    assert untested == [], "no test in tests/service/ calls these use cases:\n" + "\n".join(untested)


def test_the_guard_finds_the_capabilities_and_leaves_out_the_base_the_helpers_and_the_steps() -> None:
    found = capabilities()
    assert {"drafting", "answering", "reminding", "queries", "registry", "lifecycle"} <= set(found)
    assert "shared" not in found
    assert {"history", "gauges", "audit_record"} <= set(public_use_cases(found["queries"]))
    answering = set(public_use_cases(found["answering"]))
    assert "check_submission" in answering and "tell_about_hand_over" not in answering  # a step taking a Transaction
    assert not {"now", "today", "store", "config"} & set(public_use_cases(found["drafting"]))


def test_only_a_call_through_the_capability_counts() -> None:
    source = (
        "service.queries.history(actor, case)\n"
        "check = lambda s: s.registry.context(item)\n"
        "# service.queries.gauges()\n"
        "text = 'service.reminding.digest_days_left(o, today)'\n"
        "one.history.extension_requests\n"
        "handler = service.answering.check_submission\n"
    )
    assert calls_in(source) == {("queries", "history"), ("registry", "context")}
