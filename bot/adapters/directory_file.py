"""Reads the organisation directory from a YAML file, checking it whole and naming each problem's line."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

import yaml

from bot.adapters.dates import strict_iso_date
from bot.core.domain.errors import DomainError
from bot.core.domain.organisation import (
    MAX_SUBMISSION_LEAD_DAYS,
    Directory,
    Organisation,
    OrgKind,
    is_contact_ref,
    is_org_key,
    is_registry,
)
from bot.core.domain.people import stand_in_conflicts

MAX_FILE_BYTES = 2_000_000
_FIELDS = {
    "key",
    "name",
    "short_name",
    "kind",
    "contacts",
    "stand_ins",
    "aliases",
    "meetings",
    "submission_lead_days",
    "registry",
}
_LIST_FIELDS = ("contacts", "stand_ins", "aliases")
_WHOLE_NUMBER_RE = re.compile(r"^[0-9]{1,3}$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the file: where (1-based line), which field, and a message code with params."""

    line: int
    field: str
    code: str
    value: str = ""


class DirectoryFileError(Exception):
    """The file can't be loaded; nothing was changed. `problems` lists every error found."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: {len(problems)} problem(s)")


def shipped_directory_text() -> str:
    """The Malmö directory that ships with the package."""
    return resources.files("bot").joinpath("data/malmo.yaml").read_text(encoding="utf-8")


@functools.cache
def shipped_directory() -> Directory:
    """The shipped directory, parsed once per process (a Directory is immutable): every start seeds from it."""
    return parse_directory(shipped_directory_text(), "bot/data/malmo.yaml")


def load_directory_file(path: Path) -> Directory:
    """Read and validate a directory file; raises DirectoryFileError listing every problem."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DirectoryFileError(str(path), [Problem(0, "", "file_too_large", str(MAX_FILE_BYTES))])
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DirectoryFileError(str(path), [Problem(0, "", "file_not_found")]) from exc
    except UnicodeDecodeError as exc:
        raise DirectoryFileError(str(path), [Problem(0, "", "not_utf8")]) from exc
    except OSError as exc:
        raise DirectoryFileError(str(path), [Problem(0, "", "unreadable", exc.strerror or "")]) from exc
    return parse_directory(text, str(path))


def parse_directory(text: str, source: str = "<katalog>") -> Directory:
    """Parse directory YAML text; every problem is collected before anything is returned."""
    try:
        root = _compose(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise DirectoryFileError(source, [Problem(line, "", "yaml_syntax", exc.problem or "")]) from exc
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a control character, say)
        line = text.count("\n", 0, exc.position) + 1
        character = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise DirectoryFileError(source, [Problem(line, "", "forbidden_character", character)]) from exc
    entries = _organisation_nodes(root, source)
    problems: list[Problem] = []
    organisations: list[Organisation] = []
    seen: dict[str, int] = {}
    for node in entries:
        org = _organisation(node, problems)
        if org is None:
            continue
        line = node.start_mark.line + 1
        if org.key in seen:
            problems.append(Problem(line, "key", "duplicate_key", f"{org.key} (rad {seen[org.key]})"))
            continue
        seen[org.key] = line
        organisations.append(org)
    if problems:
        raise DirectoryFileError(source, sorted(problems, key=lambda p: p.line))
    if not organisations:
        raise DirectoryFileError(source, [Problem(0, "organisations", "empty")])
    return Directory(tuple(organisations))


# libyaml's parser, when PyYAML was built with it: the pure-Python one takes a noticeable share of every start-up
# (the shipped directory is read each time). Both give the same nodes and lines for a file both accept.
_FAST_LOADER: type[yaml.CSafeLoader] | None = getattr(yaml, "CSafeLoader", None)


def _compose(text: str) -> yaml.Node | None:
    """The file's YAML node tree. A file libyaml refuses is read again by the pure-Python parser, so that the
    problem a user is shown is worded as it always was, at the same line (libyaml words its errors otherwise)."""
    if _FAST_LOADER is not None:
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _organisation_nodes(root: yaml.Node | None, source: str) -> list[yaml.MappingNode]:
    if not isinstance(root, yaml.MappingNode):
        line = root.start_mark.line + 1 if root is not None else 0
        raise DirectoryFileError(source, [Problem(line, "organisations", "no_organisations_list")])
    for key_node, value_node in root.value:
        if key_node.value == "organisations":
            if not isinstance(value_node, yaml.SequenceNode):
                problem = Problem(value_node.start_mark.line + 1, "organisations", "no_organisations_list")
                raise DirectoryFileError(source, [problem])
            bad = [n for n in value_node.value if not isinstance(n, yaml.MappingNode)]
            if bad:
                problems = [Problem(n.start_mark.line + 1, "organisations", "entry_not_mapping") for n in bad]
                raise DirectoryFileError(source, problems)
            return [n for n in value_node.value if isinstance(n, yaml.MappingNode)]
    raise DirectoryFileError(source, [Problem(root.start_mark.line + 1, "organisations", "no_organisations_list")])


def _organisation(node: yaml.MappingNode, problems: list[Problem]) -> Organisation | None:
    """Validate one entry field by field, so the user learns every problem in one go."""
    before = len(problems)
    fields: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        name = str(key_node.value)
        if name not in _FIELDS:
            problems.append(Problem(key_node.start_mark.line + 1, name, "unknown_field"))
        else:
            fields[name] = value_node
    line = node.start_mark.line + 1
    scalars = {name: _scalar(fields, name, line, problems) for name in ("key", "name", "short_name", "kind")}
    lists = {name: _string_list(fields, name, problems) for name in _LIST_FIELDS}
    meetings = _meetings(fields, problems)
    submission_lead_days = _lead_days(fields, problems)
    registry = _registry(fields, problems)
    key, name, short_name, kind_text = (scalars[n] for n in ("key", "name", "short_name", "kind"))
    if key and not is_org_key(key):
        problems.append(Problem(_line(fields, "key", line), "key", "invalid_key", key))
    kind: OrgKind | None = None
    if kind_text:
        try:
            kind = OrgKind(kind_text.lower())
        except ValueError:
            problems.append(Problem(_line(fields, "kind", line), "kind", "invalid_kind", kind_text))
    for field_name in ("contacts", "stand_ins"):
        for ref, ref_line in lists[field_name]:
            if not is_contact_ref(ref):
                problems.append(Problem(ref_line, field_name, "invalid_contact", ref))
    contacts = [r for r, _ in lists["contacts"]]
    conflicting = set(stand_in_conflicts(contacts, [r for r, _ in lists["stand_ins"]]))
    for ref, ref_line in lists["stand_ins"]:
        if ref in conflicting:
            problems.append(Problem(ref_line, "stand_ins", "stand_in_is_contact", ref))
    if len(problems) > before or not (key and name and kind):
        return None
    try:
        return Organisation(
            key=key,
            name=name,
            short_name=short_name or name,
            kind=kind,
            contacts=tuple(r for r, _ in lists["contacts"]),
            stand_ins=tuple(r for r, _ in lists["stand_ins"]),
            aliases=tuple(r for r, _ in lists["aliases"]),
            meetings=meetings,
            submission_lead_days=submission_lead_days,
            registry=registry,
        )
    except DomainError as exc:  # a rule the checks above missed; still reported with its line
        problems.append(Problem(line, exc.field or "", exc.code.value))
        return None


def _line(fields: dict[str, yaml.Node], name: str, default: int) -> int:
    node = fields.get(name)
    return node.start_mark.line + 1 if node is not None else default


def _scalar(fields: dict[str, yaml.Node], name: str, line: int, problems: list[Problem]) -> str:
    node = fields.get(name)
    required = name in ("key", "name", "kind")
    if node is None or (isinstance(node, yaml.ScalarNode) and not str(node.value).strip()):
        if required:
            problems.append(Problem(_line(fields, name, line), name, "missing_field"))
        return ""
    if not isinstance(node, yaml.ScalarNode):
        problems.append(Problem(node.start_mark.line + 1, name, "not_text"))
        return ""
    return " ".join(str(node.value).split())


def _string_list(fields: dict[str, yaml.Node], name: str, problems: list[Problem]) -> list[tuple[str, int]]:
    node = fields.get(name)
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"):
        return []
    if not isinstance(node, yaml.SequenceNode):
        problems.append(Problem(node.start_mark.line + 1, name, "not_list"))
        return []
    items: list[tuple[str, int]] = []
    for item in node.value:
        if not isinstance(item, yaml.ScalarNode) or not str(item.value).strip():
            problems.append(Problem(item.start_mark.line + 1, name, "not_text"))
            continue
        items.append((str(item.value).strip(), item.start_mark.line + 1))
    return items


def _registry(fields: dict[str, yaml.Node], problems: list[Problem]) -> tuple[str, ...]:
    """`registry: C0123ABCD` (a channel) or `registry: [U0123ABCD, U0456EFGH]` (the registrators)."""
    node = fields.get("registry")
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"):
        return ()
    if isinstance(node, yaml.ScalarNode):
        refs: tuple[str, ...] = (str(node.value).strip(),)
    else:
        refs = tuple(ref for ref, _ in _string_list(fields, "registry", problems))
    if refs and not is_registry(refs):
        problems.append(Problem(node.start_mark.line + 1, "registry", "invalid_registry", ", ".join(refs)))
        return ()
    return refs


def _meetings(fields: dict[str, yaml.Node], problems: list[Problem]) -> tuple[date, ...]:
    """Meeting dates, written as YAML dates or quoted ÅÅÅÅ-MM-DD; a date listed twice is likely a typo."""
    node = fields.get("meetings")
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"):
        return ()
    if not isinstance(node, yaml.SequenceNode):
        problems.append(Problem(node.start_mark.line + 1, "meetings", "not_date_list"))
        return ()
    seen: dict[date, int] = {}
    for item in node.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.ScalarNode):
            problems.append(Problem(line, "meetings", "not_date_list"))
            continue
        # The composed node keeps the text as written, whether YAML read it as a date or as a string.
        text = str(item.value).strip()
        meeting = strict_iso_date(text)
        if meeting is None:
            problems.append(Problem(line, "meetings", "invalid_date", text))
        elif meeting in seen:
            problems.append(Problem(line, "meetings", "duplicate_date", f"{text} (rad {seen[meeting]})"))
        else:
            seen[meeting] = line
    return tuple(seen)


def _lead_days(fields: dict[str, yaml.Node], problems: list[Problem]) -> int | None:
    node = fields.get("submission_lead_days")
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"):
        return None
    text = str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""
    if not _WHOLE_NUMBER_RE.match(text) or int(text) > MAX_SUBMISSION_LEAD_DAYS:
        problems.append(Problem(node.start_mark.line + 1, "submission_lead_days", "invalid_lead_days", text))
        return None
    return int(text)
