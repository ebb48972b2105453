"""Creating and reading in-app alerts (the bell)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from .models import Alert


@dataclass(frozen=True)
class AlertSpec:
    user_id: int
    key: str
    level: str
    title: str
    body: str = ""
    url: str = ""


def alerts_send(specs: Iterable[AlertSpec], *, now: dt.datetime) -> int:
    """Create the alerts that do not exist yet, in bulk; returns how many were new.

    Idempotent: the unique (user, key) constraint drops repeats, also from two
    workers at once.
    """
    specs = list({(s.user_id, s.key): s for s in specs}.values())
    if not specs:
        return 0
    before = Alert.objects.filter(key__in={s.key for s in specs}).count()
    Alert.objects.bulk_create(
        [
            Alert(
                user_id=s.user_id,
                key=s.key,
                level=s.level,
                title=s.title[:200],
                body=s.body,
                url=s.url,
                created_at=now,
            )
            for s in specs
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return Alert.objects.filter(key__in={s.key for s in specs}).count() - before


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Alert.objects.filter(user=user, read_at__isnull=True).count()


@transaction.atomic
def alerts_mark_read(*, user, now: dt.datetime, ids: list[int] | None = None) -> int:
    """Mark the user's own alerts read (all of them when no ids are given)."""
    alerts = Alert.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        alerts = alerts.filter(pk__in=ids)
    return alerts.update(read_at=now)
