"""The demo's transcript as a guard: what `remissbot demo` prints, kept in tests/data/demo_transcript.txt.

The demo prints the same story every run, except where it names where it ran and how long it took: the two
loopback addresses (their ports), the directory it writes to, the seconds the first delivery and the whole run
took. `normalise` puts placeholders there, so two runs compare line by line; tests/test_demo.py compares the
demo's transcript with the kept one, and a change to what the demo prints fails that test with a diff.

When the transcript is meant to change, regenerate the kept one deliberately and commit it with the change:

    PYTHONPATH=. .venv/bin/python -m devtools.demo.golden            # run the demo, show the diff (exit 1 if any)
    PYTHONPATH=. .venv/bin/python -m devtools.demo.golden --update   # run the demo and write the kept transcript
"""

from __future__ import annotations

import argparse
import difflib
import io
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from devtools.demo.run import run_demo

GOLDEN = Path(__file__).resolve().parents[2] / "tests" / "data" / "demo_transcript.txt"
DIRECTORY = "<DEMO_DIR>"
# Narration (Transcript.note) is indented five spaces and wraps onto lines indented seven.
NOTE_INDENT, NOTE_CONTINUED = " " * 5, " " * 7
_VARYING = (
    (re.compile(r"http://127\.0\.0\.1:\d+"), "http://127.0.0.1:<PORT>"),
    (re.compile(r"\(\d+,\d s; "), "(<SECONDS> s; "),
    (re.compile(r"^Klart på \d+ sekunder\.", re.MULTILINE), "Klart på <SECONDS> sekunder."),
    # The Word file links the attached yttrande's Slack permalink, whose port varies; compressed, the file's
    # size varies with it by a byte or so.
    (re.compile(r"(\.docx) \([\d ]+ byte\)"), r"\1 (<SIZE> byte)"),
)


def normalise(printed: str, directory: Path) -> list[str]:
    """The transcript's lines with what varies between runs replaced by placeholders.

    A narration paragraph that names the directory is joined into one line first: how it wraps depends on
    the directory's length, the rest of the transcript does not."""
    lines = _join_paragraphs_naming(printed.splitlines(), _spellings(directory))
    text = "\n".join(lines)
    for spelling in _spellings(directory):
        text = text.replace(spelling, DIRECTORY)
    for pattern, placeholder in _VARYING:
        text = pattern.sub(placeholder, text)
    return text.splitlines()


def _spellings(directory: Path) -> list[str]:
    """The directory as the demo may print it (it resolves the one it is given), longest first."""
    return sorted({str(directory), str(directory.resolve())}, key=len, reverse=True)


def _join_paragraphs_naming(lines: Sequence[str], spellings: Sequence[str]) -> list[str]:
    joined: list[str] = []
    index = 0
    while index < len(lines):
        end = index + 1
        if _is_note(lines[index]):
            while end < len(lines) and lines[end].startswith(NOTE_CONTINUED) and not _is_note(lines[end]):
                end += 1
        paragraph = [lines[index], *(line.strip() for line in lines[index + 1 : end])]
        if end - index > 1 and any(s in " ".join(paragraph) for s in spellings):
            joined.append(" ".join(paragraph))
        else:
            joined.extend(lines[index:end])
        index = end
    return joined


def _is_note(line: str) -> bool:
    return line.startswith(NOTE_INDENT) and not line.startswith(NOTE_INDENT + " ")


def kept() -> list[str]:
    """The kept transcript's lines."""
    return GOLDEN.read_text(encoding="utf-8").splitlines()


def differences(expected: Sequence[str], actual: Sequence[str]) -> list[str]:
    """A unified diff, kept transcript first; empty when they are the same."""
    return list(
        difflib.unified_diff(expected, actual, "tests/data/demo_transcript.txt", "this run's transcript", lineterm="")
    )


def played() -> tuple[int, list[str]]:
    """Run the demo in a new directory; its exit code and normalised transcript."""
    out = io.StringIO()
    with tempfile.TemporaryDirectory(prefix="remissbot-demo-") as directory:
        code = run_demo(out, directory=Path(directory))
        return code, normalise(out.getvalue(), Path(directory))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compare the demo's transcript with the kept one, or update it.")
    parser.add_argument("--update", action="store_true", help=f"write this run's transcript to {GOLDEN}")
    args = parser.parse_args(argv)
    code, lines = played()
    if code != 0:
        print(f"the demo failed (exit {code}); nothing compared or written", file=sys.stderr)
        return code
    if args.update:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {GOLDEN} ({len(lines)} lines)")
        return 0
    diff = differences(kept(), lines)
    print("\n".join(diff) if diff else "the demo's transcript is the kept one")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
