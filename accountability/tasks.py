"""Scheduled jobs of accountability."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="accountability.tasks.cases_from_occurrences")
def cases_from_occurrences_task() -> int:
    """Every 10 minutes: new occurrences become accountability cases (idempotent)."""
    from .grouping import cases_from_occurrences

    return cases_from_occurrences(now=timezone.now())
