"""Block Kit builders keep within Slack's limits and say what they left out."""

from __future__ import annotations

from handlers.blocks import fit, section, sections_from_lines


def test_blocks_that_fit_are_kept_as_they_are() -> None:
    blocks = [section(f"rad {i}") for i in range(50)]
    assert fit(blocks, 50, "… och fler.") == blocks


def test_one_block_too_many_is_replaced_by_a_line_saying_so() -> None:
    blocks = [section(f"rad {i}") for i in range(51)]
    kept = fit(blocks, 50, "… och fler.")
    assert len(kept) == 50
    assert kept[:49] == blocks[:49]
    assert kept[-1]["elements"][0]["text"] == "… och fler."


def test_the_total_text_budget_is_respected() -> None:
    blocks = [section("x" * 2500) for _ in range(6)]
    kept = fit(blocks, 50, "… och fler.", text_budget=11_000)
    assert len(kept) == 5
    assert sum(len(b["text"]["text"]) for b in kept[:-1]) <= 11_000


def test_lines_are_packed_into_sections_under_the_section_limit() -> None:
    lines = [f"• rad {i} " + "y" * 90 for i in range(100)]
    blocks = sections_from_lines(lines)
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks)
    assert "\n".join(b["text"]["text"] for b in blocks) == "\n".join(lines)
