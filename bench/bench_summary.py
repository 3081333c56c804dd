"""Summary speed and memory: 200 and 400 recipients × 4 questions × 3,000-character answers, all three formats."""

# Run from the repo root: .venv/bin/python bench/bench_summary.py [runs]   (default 7 runs per size)
# Targets: all three formats for 200 recipients in <= 2 s, peak memory <= 300 MB, 400/200 time ratio <= 2.2.

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.adapters.rendering import Texts  # noqa: E402
from bot.adapters.summary import render_docx, render_html, render_markdown  # noqa: E402
from bot.core.domain.organisation import Directory, Organisation, OrgKind  # noqa: E402
from bot.core.domain.recipient import Recipient  # noqa: E402
from bot.core.domain.remiss import (  # noqa: E402
    Answer,
    Position,
    Remiss,
    ResponseContent,
    ResponseKind,
)
from bot.core.domain.summary import Summary  # noqa: E402
from bot.core.domain.summary_check import compile_summary  # noqa: E402
from tests.domain.samples import make_remiss  # noqa: E402

SIZES = (200, 400)
ANSWER_CHARS = 3_000
TARGET_SECONDS = 2.0
TARGET_MB = 300.0
TARGET_RATIO = 2.2
DEADLINE = date(2023, 11, 30)
START = datetime(2023, 10, 2, 8, 0, tzinfo=UTC)
SENTENCE = (
    "Nämnden ser goda möjligheter att samordna det lokala arbetet med trygghet, skola och fritid "
    "i de geografiska områdena, och vill att <samverkan> & dialog fortsätter med *alla* aktörer. "
)


@dataclass
class Round:
    remiss: Remiss
    recipients: list[Recipient]
    directory: Directory


def answer_text(seed: int, named: str = "") -> str:
    """A 3,000-character answer in three paragraphs, different for every recipient and question."""
    head = f"Svar {seed}. {named} "
    body = (SENTENCE * (ANSWER_CHARS // len(SENTENCE) + 2))[: ANSWER_CHARS - len(head)]
    third = len(body) // 3
    return head + body[:third] + "\n\n" + body[third : 2 * third] + "\n\n" + body[2 * third :]


def _made_up_word(number: int) -> str:
    """A distinct pronounceable word per organisation, as real names differ ("Kultur…", "Miljö…")."""
    syllables = ("ka", "lo", "mi", "ne", "ru", "sa", "te", "vi", "bo", "de", "fa", "gu")
    word = ""
    number += len(syllables)
    while number:
        number, digit = divmod(number, len(syllables))
        word += syllables[digit]
    return word.capitalize()


def build_round(size: int) -> Round:
    """`size` recipients: mostly yttranden, some via delegation, preliminary, declined or silent."""
    organisations = tuple(
        Organisation(
            key=f"org-{i:04d}",
            name=f"{_made_up_word(i)}nämnden" if i % 5 else f"{_made_up_word(i)} AB",
            short_name=f"N{i}",
            kind=OrgKind.NAMND if i % 5 else OrgKind.BOLAG,
        )
        for i in range(size)
    )
    directory = Directory((Organisation("stadskontoret", "Stadskontoret", "STK", OrgKind.FORVALTNING), *organisations))
    remiss = make_remiss(created_at=START, today=START.date(), deadline=DEADLINE)
    remiss.mark_sent(START)
    recipients = []
    for i, org in enumerate(organisations):
        recipient = Recipient(remiss.case_number, org.key, (f"U{i:05d}",), DEADLINE)
        at = START + timedelta(days=30 + i % 40, hours=i % 8)
        day = at.date()
        if i % 10 == 9:
            recipient.decline(remiss, f"Ärendet berör inte nämnd {i}.", recipient.officials[0], at)
        elif i % 10 != 8:
            kind = (ResponseKind.YTTRANDE, ResponseKind.DELEGATION, ResponseKind.PRELIMINARY)[i % 3]
            named = f"Vi föreslår {organisations[(i * 7) % size].name}."
            content = ResponseContent(
                kind,
                tuple(
                    Answer(q, answer_text(i * 10 + q, named if q == 4 else ""), Position.TILLSTYRKER)
                    for q in range(1, 5)
                ),
                meeting_date=day - timedelta(days=2),
                paragraph=f"§ {i}",
                decided_by="Förvaltningsdirektör",
                planned_board_date=DEADLINE + timedelta(days=14),
            )
            recipient.submit(remiss, content, recipient.officials[0], at, day)
        recipients.append(recipient)
    return Round(remiss, recipients, directory)


def compile_round(found: Round) -> Summary:
    return compile_summary(found.remiss, found.recipients, found.directory, today=date(2024, 1, 20))


def run_once(found: Round, texts: Texts) -> dict[str, float]:
    """Seconds for each step of one summary: compile and check, then each format."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    summary = compile_round(found)
    timings["compile+check"] = time.perf_counter() - started
    steps: dict[str, Callable[[Summary, Texts], str | bytes]] = {
        "docx": render_docx,
        "html": render_html,
        "md": render_markdown,
    }
    for name, render in steps.items():
        started = time.perf_counter()
        render(summary, texts)
        timings[name] = time.perf_counter() - started
    timings["total"] = sum(timings.values())
    return timings


def measure_memory(size: int) -> dict[str, float]:
    """Peak memory of building and rendering everything once, in a fresh process (so earlier runs don't count)."""
    output = subprocess.run(
        [sys.executable, __file__, "--memory", str(size)], check=True, capture_output=True, text=True
    ).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def _peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the
    parent across fork and exec, so a child would report the benchmark's own peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _memory_child(size: int) -> None:
    import tracemalloc

    baseline = _peak_rss_mb()
    tracemalloc.start()
    found = build_round(size)
    texts = Texts()
    summary = compile_round(found)
    outputs = [render_docx(summary, texts), render_html(summary, texts), render_markdown(summary, texts)]
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    sizes = {"docx": len(outputs[0]), "html": len(outputs[1]), "md": len(outputs[2])}
    result = {"maxrss_mb": _peak_rss_mb(), "baseline_mb": baseline, "traced_peak_mb": traced_peak / 2**20}
    print(json.dumps(result | {f"{k}_bytes": v for k, v in sizes.items()}))


def main(runs: int) -> None:
    texts = Texts()
    medians: dict[int, dict[str, float]] = {}
    for size in SIZES:
        found = build_round(size)
        run_once(found, texts)  # warm up: templates compiled, imports done
        results = [run_once(found, texts) for _ in range(runs)]
        medians[size] = {step: statistics.median(r[step] for r in results) for step in results[0]}
        steps = ", ".join(f"{step} {seconds * 1000:.0f} ms" for step, seconds in medians[size].items())
        print(f"{size} recipients × 4 questions × {ANSWER_CHARS} characters, median of {runs}: {steps}")
    for size in SIZES:
        memory = measure_memory(size)
        print(
            f"{size} recipients, peak memory (fresh process): max RSS {memory['maxrss_mb']:.0f} MB "
            f"(of which {memory['baseline_mb']:.0f} MB interpreter and imports), "
            f"Python allocations {memory['traced_peak_mb']:.0f} MB; files: docx {memory['docx_bytes'] / 1e6:.1f} MB, "
            f"html {memory['html_bytes'] / 1e6:.1f} MB, md {memory['md_bytes'] / 1e6:.1f} MB"
        )
    total_200 = medians[200]["total"]
    ratio = medians[400]["total"] / total_200
    print(f"200 recipients, all three formats: {total_200:.2f} s (target <= {TARGET_SECONDS:.1f} s)")
    print(f"ratio 400/200: {ratio:.2f} (target <= {TARGET_RATIO})")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--memory":
        _memory_child(int(sys.argv[2]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
