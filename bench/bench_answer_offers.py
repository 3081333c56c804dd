"""What reading an answer document's text costs: decision_offers (who answers, the dnr it has and cites, body, date,
§, positions overall and per question, each with where) on the seeds and on a long document, as CPU time (the
figure that stays comparable on a loaded machine).
"""

# Run from the repo root: .venv/bin/python bench/bench_answer_offers.py [runs]   (default 20 runs each)

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from bot.core.domain.answer_document import split_by_question
from bot.core.domain.decision_offers import decision_offers
from bot.core.domain.remiss import Question

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
QUESTIONS = tuple(Question(n, f"Fråga om del {n} av förslaget?") for n in range(1, 5))
TARGET_MS = 300.0  # the whole reading of a typed document, median warm


def documents() -> dict[str, str]:
    found = {path.stem[:3]: path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("00*.txt"))}
    longest = max(found.values(), key=len)
    found["long (x20)"] = "\n".join([longest] * 20)
    return found


def main(runs: int) -> None:
    for name, text in documents().items():
        sections = split_by_question(text, QUESTIONS).sections
        times = []
        for _ in range(runs):
            started = time.process_time()
            decision_offers(text, remiss_case_number="STK-2023-137", sections=sections)
            times.append((time.process_time() - started) * 1000)
        print(f"{name:<12} {len(text):>8,} chars  median {statistics.median(times):7.1f} ms  max {max(times):7.1f} ms")
    print(f"target: the whole reading of a typed document, median <= {TARGET_MS:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
