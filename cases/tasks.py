"""Scheduled jobs of the cases app (N-3)."""

from celery import shared_task

from .sweep import sweep_lights, warning_digest


@shared_task(name="cases.tasks.sweep_lights")
def sweep_lights_task() -> dict[str, int]:
    """Every minute: bring every light up to date. Idempotent, set-based."""
    return sweep_lights().changed


@shared_task(name="cases.tasks.warning_digest")
def warning_digest_task() -> int:
    """Each working morning: tell every window head what is about to turn yellow."""
    return warning_digest()
