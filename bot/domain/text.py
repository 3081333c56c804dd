"""Text from outside (documents, Slack) made safe to store and show: no control characters."""

from __future__ import annotations

import re

# C0 controls except tab and line feed, DEL, C1 controls, lone surrogates and the two non-characters:
# nothing a person means to write, and ESC or BEL in a terminal, or any of them in Word's XML, do harm.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def without_control_characters(text: str) -> str:
    """`text` with every control character removed except tab and line feed.

    A carriage return, vertical tab or form feed is removed too: turn line breaks into "\\n" first.
    """
    return _CONTROL_CHARACTERS.sub("", text)
