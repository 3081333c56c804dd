"""Text as it may leave the program: no control characters a reader cannot see or a file cannot hold."""

from __future__ import annotations

import re

# A vertical tab or form feed is how Word's clipboard writes a manual line or page break, and a lone carriage
# return is an old Mac line end: each becomes a line break (a carriage return on a terminal would also let
# text overwrite the line it is on).
_LINE_BREAK = re.compile("\r\n?|[\x0b\x0c]")
# C0 controls but tab and line feed, DEL, C1 controls (ESC sequences colour or clear a terminal; NUL, BEL and
# the rest show as nothing or as boxes), and what XML 1.0 and UTF-8 cannot hold (Word refuses the file).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def without_control_characters(text: str) -> str:
    """`text` with one kind of line break (\\n), tabs kept, and every other control character removed.

    The one rule for every output (Slack, HTML, Markdown, Word, the command line) and for imported text.
    """
    return _CONTROL.sub("", _LINE_BREAK.sub("\n", text))
