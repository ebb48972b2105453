"""Writes of the hall app. Each is one transaction and checks its own rules."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .calendar_import import parse_schedule
from .jobs import enqueue
from .models import CalendarDay, CalendarYear


@transaction.atomic
def calendar_import_year(*, year: int, text: str, user) -> CalendarYear:
    """Load (or reload) a year's official schedule from the notice's text (N-4).

    Replaces every exception of that year, marks the year loaded, and queues the
    recomputation of provisional deadlines once the transaction commits. Each
    deleted and created day is written to history with the user who did it.
    """
    if not (user.is_superuser or user.has_perm("hall.add_calendaryear")):
        raise PermissionDenied(_("Only an administrator may load a year's schedule."))
    if not 2000 <= year <= 2100:
        raise ValidationError(_("The year must lie between 2000 and 2100."))
    entries = parse_schedule(text, year)

    for day in CalendarDay.objects.filter(date__year=year):
        day._history_user = user
        day.delete()
    for entry in entries:
        day = CalendarDay(date=entry.date, kind=entry.kind, name=entry.name)
        day._history_user = user
        day.save()

    calendar_year = CalendarYear.objects.filter(year=year).first() or CalendarYear(year=year)
    calendar_year.source = CalendarYear.Source.IMPORT
    calendar_year.source_text = text
    calendar_year.loaded_by = user
    calendar_year._history_user = user
    calendar_year.save()

    from .tasks import recompute_provisional

    enqueue(recompute_provisional)
    return calendar_year
