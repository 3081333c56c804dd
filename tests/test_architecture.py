"""The dependency rule from STYLE.md, held by reading every module's imports."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The core: the domain and the use cases, with the ports and stand-ins they define.
CORE = [ROOT / "bot" / "core"]
CORE_MAY_IMPORT = {"bot.core"}
IO_LIBRARIES = {"slack_bolt", "slack_sdk", "sqlmodel", "sqlalchemy", "apscheduler", "jinja2", "dateparser", "alembic"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def python_files(*paths: Path) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return files


def test_the_core_imports_only_the_standard_library_and_itself() -> None:
    offenders = []
    for path in python_files(*CORE):
        for module in imported_modules(path):
            top = module.split(".")[0]
            own = any(module == allowed or module.startswith(allowed + ".") for allowed in CORE_MAY_IMPORT)
            if not own and top not in sys.stdlib_module_names and top != "__future__":
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_the_core_names_no_io_library_even_indirectly_through_bot() -> None:
    """bot.core.service may only use bot.core.domain/ports/clock, so no edge module slips an I/O library in."""
    for path in python_files(*CORE):
        imports = imported_modules(path)
        assert not {m.split(".")[0] for m in imports} & IO_LIBRARIES, path


def test_handlers_never_import_storage() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in python_files(ROOT / "handlers")
        for module in imported_modules(path)
        if module == "storage" or module.startswith("storage.")
    ]
    assert offenders == []


def test_storage_knows_nothing_of_slack() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in python_files(ROOT / "storage")
        for module in imported_modules(path)
        if module.split(".")[0] in {"slack_bolt", "slack_sdk", "handlers"}
    ]
    assert offenders == []


def test_importing_the_packages_opens_no_database_or_socket() -> None:
    """Nothing is built at import time: importing every module leaves no engine or socket behind."""
    import socket

    opened: list[object] = []
    original = socket.socket.connect

    def spy(self: socket.socket, address: object) -> None:
        opened.append(address)
        original(self, address)  # type: ignore[arg-type]

    socket.socket.connect = spy  # type: ignore[method-assign,assignment]
    try:
        import importlib

        for path in python_files(ROOT / "bot", ROOT / "handlers", ROOT / "storage"):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            importlib.import_module(module)
    finally:
        socket.socket.connect = original  # type: ignore[method-assign]
    assert opened == []
