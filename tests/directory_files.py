"""Directory files as an administrator writes them for `remissbot orgs load`: the organisations several command
tests list in the same words, each an entry of the YAML list, and `directory_file` to put a file together."""

from __future__ import annotations

STADSKONTORET = """\
  - key: stadskontoret
    name: Stadskontoret
    short_name: STK
    kind: förvaltning
"""

# Tekniska nämnden with Anna as its contact.
TEKNISKA_NAMNDEN = """\
  - key: tekniska-namnden
    name: Tekniska nämnden
    kind: nämnd
    contacts: [U0ANNA]
"""

# MKB without a contact: a remiss to it reaches nobody until the directory gives one.
MKB = """\
  - key: mkb
    name: MKB
    kind: bolag
"""


def directory_file(*organisations: str) -> str:
    """The text of a directory file listing `organisations` (entries like the ones above) in that order."""
    return "organisations:\n" + "".join(organisations)
