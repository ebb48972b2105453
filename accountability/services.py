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
