from celery import shared_task
from django.utils import timezone

from .attendance import breaches_check


@shared_task(name="staff.tasks.breaches_check")
def breaches_check_task() -> int:
    """Every 5 minutes: whereabouts signs over the limit become occurrences (R-ORG-7)."""
    return breaches_check(now=timezone.now())
