"""Scheduled jobs of the hall. Each takes ids or nothing and calls a service."""

from __future__ import annotations

import socket

from celery import shared_task
from django.utils import timezone

from . import provisional
from .models import Heartbeat


@shared_task(name="hall.tasks.heartbeat")
def heartbeat() -> str:
    """Records that beat, the broker and a worker all work (shown on the admin home)."""
    host = socket.gethostname()
    Heartbeat.objects.update_or_create(
        name="worker", defaults={"seen_at": timezone.now(), "detail": host}
    )
    return host


@shared_task(name="hall.tasks.recompute_provisional")
def recompute_provisional() -> dict[str, int]:
    """Recompute deadlines that were provisional; harmless to run any number of times."""
    return {r.label: r.recomputed for r in provisional.recompute_all()}


@shared_task(name="hall.tasks.ping")
def ping(value: int) -> dict[str, object]:
    """Answers with the value doubled and the worker's host: proves a real worker ran it."""
    return {"value": value * 2, "host": socket.gethostname()}
