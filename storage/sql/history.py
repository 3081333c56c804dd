"""The statistics' lean read: every recipient of the remisses in some statuses, with its versions' kinds and times,
its anstånd's dates and how many it asked for, in four plain queries and without any answer text."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlmodel import Session, col

from bot.core.domain.remiss import RemissStatus, ResponseKind
from bot.core.domain.statistics import RecipientHistory, VersionFact
from storage.tables import ExtensionRequestRow, ExtensionRow, RecipientRow, RemissRow, ResponseVersionRow


def read_answer_history(
    session: Session,
    statuses: Collection[RemissStatus],
    organisation_keys: Collection[str] | None = None,
    excluding: str | None = None,
) -> list[RecipientHistory]:
    """RemissRepository.statistics_history on SQL: the children are selected by the same condition as a subquery, so
    there is no id list to outgrow a driver's parameter limit, and no query per remiss or recipient. (Only the
    organisation keys asked for, a remiss's recipients, are sent as a list.)"""
    if not statuses or (organisation_keys is not None and not organisation_keys):
        return []
    remisses = col(RemissRow.status).in_([s.value for s in statuses]) & col(RemissRow.sent_at).is_not(None)
    if excluding is not None:
        remisses = remisses & (col(RemissRow.case_number) != excluding)
    keys = list(organisation_keys) if organisation_keys is not None else None
    counted = remisses if keys is None else remisses & col(RecipientRow.organisation_key).in_(keys)
    heads = session.execute(
        select(
            col(RecipientRow.id),
            col(RecipientRow.organisation_key),
            col(RecipientRow.withdrawn_version),
            col(RemissRow.case_number),
            col(RemissRow.sender_key),
            col(RemissRow.status),
            col(RemissRow.sent_at),
            col(RemissRow.deadline),
        )
        .join(RemissRow, col(RemissRow.id) == col(RecipientRow.remiss_id))
        .where(counted)
        .order_by(col(RemissRow.id), col(RecipientRow.id))
    ).all()
    if not heads:
        return []
    recipients = (
        select(col(RecipientRow.id)).join(RemissRow, col(RemissRow.id) == col(RecipientRow.remiss_id)).where(counted)
    ).scalar_subquery()
    versions: dict[int, list[VersionFact]] = defaultdict(list)
    for recipient_id, version, kind, at in session.execute(
        select(
            col(ResponseVersionRow.recipient_id),
            col(ResponseVersionRow.version),
            col(ResponseVersionRow.kind),
            col(ResponseVersionRow.submitted_at),
        )
        .where(col(ResponseVersionRow.recipient_id).in_(recipients))
        .order_by(col(ResponseVersionRow.recipient_id), col(ResponseVersionRow.version))
    ):
        versions[recipient_id].append(VersionFact(version, ResponseKind(kind), at))
    extended: dict[int, list[date]] = defaultdict(list)
    for recipient_id, new_deadline in session.execute(
        select(col(ExtensionRow.recipient_id), col(ExtensionRow.new_deadline))
        .where(col(ExtensionRow.recipient_id).in_(recipients))
        .order_by(col(ExtensionRow.recipient_id), col(ExtensionRow.seq))
    ):
        extended[recipient_id].append(new_deadline)
    cases = select(col(RemissRow.case_number)).where(remisses).scalar_subquery()
    requests: ColumnElement[bool] = col(ExtensionRequestRow.case_number).in_(cases)
    if keys is not None:
        requests = requests & col(ExtensionRequestRow.organisation_key).in_(keys)
    asked = {
        (case_number, key): n
        for case_number, key, n in session.execute(
            select(col(ExtensionRequestRow.case_number), col(ExtensionRequestRow.organisation_key), func.count())
            .where(requests)
            .group_by(col(ExtensionRequestRow.case_number), col(ExtensionRequestRow.organisation_key))
        )
    }
    return [
        RecipientHistory(
            case_number=case_number,
            organisation_key=key,
            sender_key=sender_key,
            status=RemissStatus(status),
            sent_at=sent_at,
            remiss_deadline=deadline,
            extended_to=tuple(extended[recipient_id]),
            versions=tuple(versions[recipient_id]),
            withdrawn_version=withdrawn,
            extension_requests=asked.get((case_number, key), 0),
        )
        for recipient_id, key, withdrawn, case_number, sender_key, status, sent_at, deadline in heads
    ]
