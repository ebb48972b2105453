"""Scheduled jobs of accountability."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="accountability.tasks.cases_from_occurrences")
def cases_from_occurrences_task() -> int:
    """Every 10 minutes: new occurrences become accountability cases (idempotent)."""
    from .grouping import cases_from_occurrences

    return cases_from_occurrences(now=timezone.now())


@shared_task(name="accountability.tasks.sweep")
def sweep_task() -> dict:
    """Every 10 minutes: late self-examinations and rectifications flagged, decided
    cases past their time to appeal closed (idempotent)."""
    from .decisions import sweep

    return sweep(now=timezone.now())
