"""Scheduled jobs of the complaints app."""

from celery import shared_task

from .sweep import complaints_sweep


@shared_task(name="complaints.tasks.sweep")
def sweep_task() -> dict[str, int]:
    """Every 5 minutes: flag each complaint step and rectification that ran out."""
    return complaints_sweep().flagged
