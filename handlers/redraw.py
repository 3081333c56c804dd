"""Redrawing an open modal with views.update: a rate limit is waited out once, a modal the official closed is no
failure, and what a submission's own work shows is not overwritten by the submission's answer."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.errors import rate_limited, retry_after

log = logging.getLogger(__name__)

# views.update's answers for a modal the official closed, or that was replaced meanwhile: nothing to show it in.
MODAL_GONE = ("not_found", "hash_conflict")
# The longest a redraw waits for Slack's rate limit before trying once more.
REDRAW_WAIT = 5
# The waits, one after the other, for Slack to show the view a submission's answer put in the modal: 3 s in all.
SHOWN_WAITS = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6)


def redraw(client: WebClient, view_id: str, view: Mapping[str, Any], view_hash: str | None = None) -> bool:
    """Show `view` in the open modal (only over the version `view_hash`, when given); False when the official
    closed it or it was replaced meanwhile, which is no failure of theirs. Other refusals are raised.

    A rate limit is waited out once (Retry-After, at most REDRAW_WAIT seconds: the official is looking at the
    modal meanwhile) and the modal redrawn then: unlike views.open, views.update needs no trigger that expires."""
    gone = _update(client, view, view_id=view_id, hash=view_hash)
    if gone is not None:
        log.warning("Modal %s not redrawn: %s", view_id, gone)
    return gone is None


class AnsweredModal:
    """A modal whose submission's answer (the ack) put a view with `external_id` in it ("the files are being
    fetched", say), redrawn by the work after the ack.

    Slack applies that answer when the response reaches it, and the work's views.update is a call of its own that
    may get there first; the answer would then overwrite what the work showed, and the modal would say "fetching"
    for good. So the first redraw addresses the modal by the external_id, which Slack finds only once the answer is
    in the modal: until then it waits and tries again (SHOWN_WAITS, then by the modal's id). The views it draws
    carry no external_id, and the redraws after the first address the modal by its id: they come later."""

    def __init__(self, view_id: str) -> None:
        self.view_id = view_id
        self.external_id = f"remissbot-{view_id}-{secrets.token_hex(6)}"  # unique in the workspace
        self._answer_shown = False

    def redraw(self, client: WebClient, view: Mapping[str, Any]) -> bool:
        """`redraw`, after the answer is in the modal; False when the official closed it."""
        if self._answer_shown:
            return redraw(client, self.view_id, view)
        self._answer_shown = True  # after this first try, the answer has long reached Slack
        for wait in (*SHOWN_WAITS, None):
            gone = _update(client, view, external_id=self.external_id)
            if gone != "not_found":
                break
            if wait is None:
                log.warning("Modal %s did not show its answer in time; redrawn by its id", self.view_id)
                return redraw(client, self.view_id, view)
            time.sleep(wait)
        if gone is not None:
            log.warning("Modal %s not redrawn: %s", self.view_id, gone)
        return gone is None


def _update(client: WebClient, view: Mapping[str, Any], **where: str | None) -> str | None:
    """views.update of the modal `where` names (view_id or external_id, and hash); None when it is shown, else
    the error that says the modal is not there (MODAL_GONE). A rate limit is waited out once; other refusals
    are raised."""
    for waited in (False, True):
        try:
            client.views_update(view=dict(view), **where)
        except SlackApiError as error:
            if rate_limited(error) and not waited:
                time.sleep(min(retry_after(error), REDRAW_WAIT))
                continue
            code = str(error.response.get("error"))
            if code not in MODAL_GONE:
                raise
            return code
        return None
    raise AssertionError("unreachable: the second try returns or raises")
