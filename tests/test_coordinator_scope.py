"""The scope rule of coordinators (issue 13, item 7) is asked by every coordinator action on a remiss.

A use case that checks `self._require_coordinator(actor)` and takes a remiss (a `case_number`, or a `request_id`
that names one) must also ask the rule with the remiss it loaded: `self._require_coordinator(actor, remiss,
repo)`, or act through `self._act(..., as_coordinator=True)`, which asks it. Otherwise a coordinator scoped to
one office could act on another office's remiss. A failure names the method to adapt.
"""

from __future__ import annotations

import ast
from pathlib import Path

USECASES = Path(__file__).parent.parent / "bot" / "core" / "usecases"
# Parameters that name one remiss (directly, or through what belongs to it).
REMISS_PARAMETERS = {"case_number", "request_id"}


def _self_calls(function: ast.FunctionDef, name: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(function)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == name
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "self"
    ]


def _as_coordinator(call: ast.Call) -> bool:
    return any(
        k.arg == "as_coordinator" and isinstance(k.value, ast.Constant) and k.value.value is True for k in call.keywords
    )


def _coordinator_actions() -> dict[str, bool]:
    """Every use-case method that checks for a coordinator and takes a remiss: whether it asks the scope rule."""
    found: dict[str, bool] = {}
    for path in sorted(USECASES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef) or node.name == "_require_coordinator":
                continue
            checks = _self_calls(node, "_require_coordinator")
            parameters = {a.arg for a in (*node.args.args, *node.args.kwonlyargs)}
            if not checks or not parameters & REMISS_PARAMETERS:
                continue
            scoped = any(len(c.args) >= 2 or c.keywords for c in checks) or any(
                _as_coordinator(c) for c in (*_self_calls(node, "_act"), *_self_calls(node, "_assignment"))
            )
            found[f"{path.name}::{node.name}"] = scoped
    return found


def test_every_coordinator_action_on_a_remiss_asks_whether_the_actor_coordinates_its_office() -> None:
    actions = _coordinator_actions()
    assert {"drafting.py::send", "deadlines.py::change_deadline", "deadlines.py::decide_extension"} <= set(actions)
    unscoped = sorted(name for name, scoped in actions.items() if not scoped)
    assert unscoped == [], (
        "These coordinator actions take a remiss but only ask _require_coordinator(actor): after loading the "
        "remiss, call self._require_coordinator(actor, remiss, repo) (or act through _act(as_coordinator=True))"
    )
