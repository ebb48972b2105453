from celery import shared_task
from django.utils import timezone

from .attendance import breaches_check


@shared_task(name="staff.tasks.breaches_check")
def breaches_check_task() -> int:
    """Every 5 minutes: whereabouts signs over the limit become occurrences (R-ORG-7)."""
    return breaches_check(now=timezone.now())


@shared_task(name="staff.tasks.return_check")
def return_check_task() -> int:
    """Each January: tell the director who meets a return rule (R-ORG-5)."""
    from .returns import return_check_notify

    return return_check_notify(now=timezone.now())
