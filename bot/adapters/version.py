"""The version of remissbot that runs: what `remissbot --version` and the server's log say, and what an archive
package records as the software that made it."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def remissbot_version() -> str:
    """The installed package's version; "dev" when it runs from a checkout that is not installed."""
    try:
        return version("remissbot")
    except PackageNotFoundError:
        return "dev"
