"""Who decided an answer, as the form offers it before the official chooses: a bolag's styrelse, a nämnd."""

from __future__ import annotations

import pytest

from bot.core.domain.organisation import Organisation, OrgKind
from bot.core.domain.remiss import DecidingBody, ResponseKind
from handlers.answer_views import default_body

MKB = Organisation("mkb", "MKB", "MKB", OrgKind.BOLAG)
TEKNISKA = Organisation("tekniska-namnden", "Tekniska nämnden", "TN", OrgKind.NAMND)


@pytest.mark.parametrize(
    ("kind", "organisation", "body"),
    [
        (ResponseKind.YTTRANDE, MKB, DecidingBody.STYRELSE),
        (ResponseKind.YTTRANDE, TEKNISKA, DecidingBody.NAMND),
        (ResponseKind.DELEGATION, MKB, DecidingBody.DELEGAT),
        (ResponseKind.DELEGATION, TEKNISKA, DecidingBody.DELEGAT),
        (ResponseKind.PRELIMINARY, MKB, None),
    ],
)
def test_the_form_offers_the_body_that_usually_decides(
    kind: ResponseKind, organisation: Organisation, body: DecidingBody | None
) -> None:
    assert default_body(kind, organisation) is body
