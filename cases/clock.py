"""Due dates, working days left and the light of a case (R-CASE-5, R-CASE-6, R-CASE-7, N-3).

Every date comes from the working-day calendar. A suspension pushes both due
dates by the working days it lasted; an approved extension by its days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hall.calendar import WorkingCalendar


@dataclass(frozen=True)
class Dues:
    promised: dt.date
    statutory: dt.date
    provisional: bool


def compute_dues(case, calendar: WorkingCalendar | None = None) -> Dues:
    """The case's due dates from its acceptance day and its item's limits."""
    calendar = calendar or WorkingCalendar()
    item = case.item
    shift = case.suspended_days + case.extension_days
    promised_days = item.promised_limit_days if item.kind == "promised" else 0
    promised = calendar.add_working_days(case.accepted_on, promised_days + shift)
    statutory = calendar.add_working_days(case.accepted_on, item.statutory_limit_days + shift)
    promised_date, provisional = promised.date, promised.provisional or statutory.provisional
    if case.leader_assigned == "urgent":
        # R-CASE-7: urgent leader-assigned items are due the same working day (plus any
        # suspended or extended working days).
        promised_date = case.accepted_on
        if not calendar.is_working_day(promised_date):
            promised_date = calendar.add_working_days(promised_date, 1).date
        if shift:
            promised_date = calendar.add_working_days(promised_date, shift).date
    elif case.leader_assigned == "normal":
        # R-CASE-7: otherwise within one week.
        week = calendar.add_working_days(case.accepted_on, settings.HALL_LEADER_ITEM_DAYS + shift)
        promised_date = min(promised_date, week.date)
        provisional = provisional or week.provisional
    return Dues(promised_date, statutory.date, provisional)


def apply_dues(case, calendar: WorkingCalendar | None = None) -> None:
    dues = compute_dues(case, calendar)
    case.promised_due = dues.promised
    case.statutory_due = dues.statutory
    case.due_provisional = dues.provisional


class Light:
    GREEN = "green"
    WARNING = "warning"
    YELLOW = "yellow"
    RED = "red"
    NONE = ""

    LABELS = {
        GREEN: _("On time"),
        WARNING: _("Warning"),
        YELLOW: _("Yellow card"),
        RED: _("Red card"),
        NONE: "",
    }


def light(case, today: dt.date, calendar: WorkingCalendar | None = None) -> str:
    """N-3: warning from 2 working days before the promised date, yellow once it has
    passed, red once the statutory date has passed. A suspended case keeps the colour it
    had when its clock stopped (the stored one), and so does an approved case waiting
    for pickup; a closed case has none."""
    if case.status in ("suspended", "approved"):
        return case.light  # the clock stands still or has ended: the colour it stopped at
    if case.status not in ("in_progress", "awaiting_supplement") or case.promised_due is None:
        return Light.NONE
    if today > case.statutory_due:
        return Light.RED
    if today > case.promised_due:
        return Light.YELLOW
    calendar = calendar or WorkingCalendar()
    left = calendar.working_days_between(today, case.promised_due).days
    if left <= settings.HALL_WARNING_DAYS:
        return Light.WARNING
    return Light.GREEN


def working_days_left(case, today: dt.date, calendar: WorkingCalendar | None = None) -> int | None:
    """Working days from today to the promised date; once late, minus the working days
    late (the days after the due date up to today)."""
    if case.promised_due is None:
        return None
    calendar = calendar or WorkingCalendar()
    if today > case.promised_due:
        return -calendar.working_days_between(case.promised_due, today).days
    return calendar.working_days_between(today, case.promised_due).days


def suspended_working_days(
    started_on: dt.date,
    ended_on: dt.date,
    calendar: WorkingCalendar | None = None,
    accepted_on: dt.date | None = None,
) -> int:
    """Working days on which the clock stood still: from the first day up to, not
    including, the day it resumed. The acceptance day itself is never on the clock
    (N-1: counting starts the next day), so a suspension from that day counts from the
    next one."""
    calendar = calendar or WorkingCalendar()
    if accepted_on is not None and started_on <= accepted_on:
        started_on = accepted_on + dt.timedelta(days=1)
    if ended_on <= started_on:
        return 0
    one = dt.timedelta(days=1)
    return calendar.working_days_between(started_on - one, ended_on - one).days
