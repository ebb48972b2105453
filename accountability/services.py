"""The one way to record an occurrence."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from .models import Occurrence


def occurrence_record(
    *,
    rule: str,
    source,
    occurred_at: dt.datetime,
    window=None,
    person=None,
    acting_for=None,
    detail: str = "",
) -> tuple[Occurrence, bool]:
    """Record that `source` may have broken `rule`; returns (occurrence, created).

    Idempotent: the unique (source, rule) constraint makes a second call, or a
    concurrent one from another worker, return the existing row.
    """
    source_type = ContentType.objects.get_for_model(source)
    lookup = {"source_type": source_type, "source_id": source.pk, "rule": rule}
    existing = Occurrence.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            occurrence = Occurrence.objects.create(
                **lookup,
                occurred_at=occurred_at,
                window=window,
                person=person,
                acting_for=acting_for,
                detail=detail,
            )
    except IntegrityError:
        return Occurrence.objects.get(**lookup), False
    return occurrence, True


def occurrence_record_many(*, rule: str, model, rows: list[dict], occurred_at) -> int:
    """Record many occurrences of one rule at once (the supervision sweep).

    Each row gives `source_id`, `window_id`, `person_id`, `acting_for_id` and `detail`.
    One INSERT per batch; rows whose (source, rule) exists already are skipped by
    the unique constraint, so a sweep run twice, or by two workers, records once.
    Returns how many rows were asked for.
    """
    if not rows:
        return 0
    source_type = ContentType.objects.get_for_model(model)
    Occurrence.objects.bulk_create(
        [
            Occurrence(
                rule=rule,
                source_type=source_type,
                source_id=row["source_id"],
                window_id=row.get("window_id"),
                person_id=row.get("person_id"),
                acting_for_id=row.get("acting_for_id"),
                occurred_at=occurred_at,
                detail=row.get("detail", ""),
            )
            for row in rows
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return len(rows)


def occurrence_withdraw(*, rule: str, source, when, user=None) -> int:
    """Withdraw the occurrence of `rule` on `source` (a card cancelled on appeal)."""
    source_type = ContentType.objects.get_for_model(source)
    withdrawn = 0
    for occurrence in Occurrence.objects.filter(
        source_type=source_type, source_id=source.pk, rule=rule, withdrawn_at__isnull=True
    ):
        occurrence.withdrawn_at = when
        occurrence._history_user = user
        occurrence.save()
        withdrawn += 1
    return withdrawn
