"""Text cut for Slack stays whole (no half entity, no broken link) and says how much the reader does not see."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from bot.adapters.rendering import cut_slack_text, shown_length, slack_escape
from handlers.blocks import plain_text

NOTE = re.compile(r"… \(ytterligare (\d{1,3}(?:\u00a0\d{3})*) tecken visas inte\)$")
ENTITY = re.compile(r"&(?:amp|lt|gt);")


def whole_units(text: str) -> bool:
    """Every & starts a whole entity, every < is closed by a > before the next <, every > closes a <."""
    if "&" in ENTITY.sub("", text):
        return False
    open_link = False
    for char in text:
        if char == "<":
            if open_link:
                return False
            open_link = True
        elif char == ">":
            if not open_link:
                return False
            open_link = False
    return not open_link


words = st.text(alphabet=st.sampled_from("ab &<>|*_ \nåÄ"), max_size=60).map(slack_escape)
links = st.builds(
    lambda path, label: f"<https://malmo.se/{slack_escape(path)}|{slack_escape(label)}>",
    st.text(alphabet=st.sampled_from("abc/?=&-"), max_size=30),
    st.text(alphabet=st.sampled_from("ab &<>|"), min_size=1, max_size=30),
)
mentions = st.sampled_from(["<@U0123ABC>", "<!here>", "<#C0123|allmänt>"])
slack_text = st.lists(st.one_of(words, links, mentions), max_size=60).map("".join)


@given(slack_text, st.integers(min_value=0, max_value=2000))
@example("&lt;" * 1000, 100)
@example("<https://malmo.se/a|" + "b" * 200 + ">", 120)
def test_cut_text_fits_keeps_entities_and_links_whole_and_says_how_much_was_left_out(text: str, limit: int) -> None:
    cut = cut_slack_text(text, limit)
    assert len(cut) <= limit
    assert whole_units(cut)
    if len(text) <= limit:
        assert cut == text
        return
    if limit >= 40:
        note = NOTE.search(cut)
        assert note is not None, cut
        head = cut[: note.start()]
        assert text.startswith(head)
        left_out = int(note.group(1).replace("\u00a0", ""))
        assert left_out == shown_length(text) - shown_length(head) > 0


def test_a_cut_among_escaped_characters_never_shows_half_an_entity() -> None:
    cut = cut_slack_text(slack_escape("<&>" * 2000), 3000)
    assert len(cut) <= 3000 and whole_units(cut)
    assert cut.endswith(" tecken visas inte)")


def test_how_much_was_left_out_is_written_with_a_no_break_space_between_thousands() -> None:
    # U+00A0: "2 032" never breaks across two lines on a phone.
    assert cut_slack_text("x" * 5000, 3000).endswith("x… (ytterligare 2\u00a0039 tecken visas inte)")


def test_a_short_label_cut_to_fit_ends_with_a_bare_ellipsis_not_a_count() -> None:
    name = "Yttrande_över_remiss_Uppdrag_budget_2023_områdeslyft_Tekniska_nämnden_slutlig_version.pdf"

    label = plain_text(name, 75)["text"]

    assert len(label) <= 75 and label.endswith("…") and "tecken" not in label
    assert name.startswith(label.removesuffix("…"))


def test_a_cut_ends_on_a_whole_word_when_one_is_near() -> None:
    cut = cut_slack_text("Stadskontoret föreslår en organisering för hållbar lokal utveckling. " * 100, 200)
    assert cut.split("…")[0].endswith(("Stadskontoret", "föreslår", "en", "organisering", "för", "hållbar", "lokal"))


def test_text_within_the_limit_is_left_as_it_is() -> None:
    assert cut_slack_text("&lt;kort&gt;", 12) == "&lt;kort&gt;"
