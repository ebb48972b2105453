"""The clocks of complaints and rectifications, and the light each shows (R-COMP-2, N-2).

A clock is a due date in working days. Its light is green while there is time,
amber on its last working day, red once it has passed; a finished step has no
light. The sweep (`complaints.sweep`) stores the moment a clock runs out, once.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hall.calendar import add_working_days

GREEN, AMBER, RED = "green", "amber", "red"
LABELS = {GREEN: _("on time"), AMBER: _("due today"), RED: _("overdue")}


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def due_in(moment: dt.datetime, days: int) -> dt.date:
    return add_working_days(local_day(moment), days).date


def light(due: dt.date | None, today: dt.date) -> str:
    if due is None:
        return ""
    if due < today:
        return RED
    if due == today:
        return AMBER
    return GREEN


def step_clock(complaint, now: dt.datetime) -> None:
    """Start the clock of the step the complaint has just entered."""
    from .models import Complaint

    S = Complaint.Status
    days = {
        S.REGISTERED: settings.HALL_COMPLAINT_TRANSFER_DAYS,
        S.PROPOSED: settings.HALL_COMPLAINT_REPLY_DAYS,
        S.REPLIED: settings.HALL_COMPLAINT_CLOSE_DAYS,
    }
    complaint.step_late_at = None
    if complaint.status == S.CONCLUDED:
        complaint.step_due = None
    elif complaint.status == S.TRANSFERRED:
        complaint.step_due = complaint.response_due
    elif complaint.status == S.REINVESTIGATING:
        complaint.step_due = due_in(
            now,
            settings.HALL_COMPLAINT_RESPONSE_DAYS
            if complaint.direct_investigation
            else settings.HALL_COMPLAINT_TRANSFER_DAYS,
        )
    else:
        complaint.step_due = due_in(now, days[complaint.status])
