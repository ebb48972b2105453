"""Scheduled jobs of the assessment (R-SCORE-1, -4)."""

from celery import shared_task
from django.utils import timezone


# acks_late + reject_on_worker_lost: a worker killed in the middle gives the task back to
# the broker, which hands it to the next worker (the run is idempotent).
@shared_task(name="assessment.tasks.month_end", acks_late=True, reject_on_worker_lost=True)
def month_end_task() -> str:
    """Every morning: on the first working day of a month, last month's draft scores.
    Idempotent: a rerun replaces the draft, never a published month."""
    from .services import month_end_run

    period = month_end_run(now=timezone.now())
    return period.key if period else ""


@shared_task(name="assessment.tasks.finalise")
def finalise_task() -> int:
    """Every hour: periods whose publicity is over, every objection answered, become final."""
    from .services import finalise_due

    return finalise_due(now=timezone.now())


@shared_task(name="assessment.tasks.report_file", time_limit=600)
def report_file_task(report_file_id: int) -> str:
    """Make a report's PDF or workbook, updating its progress as it goes."""
    from .reports import report_file_make

    return report_file_make(report_file_id)
