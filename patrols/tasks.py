"""Scheduled jobs of the patrols (R-PATROL-1, R-PATROL-3)."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="patrols.tasks.coverage_check")
def coverage_check_task() -> int:
    """Each day at HALL_PATROL_COVERAGE_CHECK_AT: tell the director what the patrols
    missed today (nothing on a day the hall is closed). Returns the half-days with gaps."""
    from .coverage import coverage_check

    return len(coverage_check(now=timezone.now()))


@shared_task(name="patrols.tasks.weekly_summary")
def weekly_summary_task() -> int:
    """Monday morning: last week's summary to the director and each department head."""
    from .summary import summary_send

    return summary_send(now=timezone.now())
