"""Coverage (R-PATROL-1): every working day a morning and an afternoon round that
together cover every active window.

A half-day is *covered* when the windows checked by its rounds include every active
window, *partial* when some were missed, *missed* when no round was walked. The
daily check at HALL_PATROL_COVERAGE_CHECK_AT tells the director what was missed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.alerts import AlertSpec, alerts_send
from hall.calendar import WorkingCalendar
from hall.roles import Role, role_holders

from .models import Half, Round, WindowCheck
from .services import active_windows


@dataclass
class HalfDay:
    date: dt.date
    half: str
    working: bool
    rounds: list[Round] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)  # window numbers
    needed: int = 0
    pending: bool = False  # today's half-day not over yet, or a future day

    @property
    def status(self) -> str:
        if not self.working:
            return "off"
        if not self.missed:
            return "covered"
        if self.pending:
            return "pending"
        return "partial" if self.rounds else "missed"

    @property
    def unsigned(self) -> bool:
        return any(r.status != Round.Status.SIGNED for r in self.rounds)

    @property
    def half_label(self) -> str:
        return str(Half(self.half).label)


def coverage(first: dt.date, last: dt.date, *, now: dt.datetime) -> list[HalfDay]:
    """Each half-day from `first` to `last`: its rounds and the active windows missed.

    Three queries whatever the span: the windows, the rounds, the (round, window) pairs.
    """
    windows = list(active_windows().values_list("pk", "number"))
    rounds = list(
        Round.objects.filter(date__gte=first, date__lte=last)
        .select_related("started_by", "signed_by")
        .order_by("started_at")
    )
    checked: dict[tuple[dt.date, str], set[int]] = defaultdict(set)
    for date, half, window_id in WindowCheck.objects.filter(
        round__date__gte=first, round__date__lte=last
    ).values_list("round__date", "round__half", "window_id"):
        checked[(date, half)].add(window_id)
    by_half: dict[tuple[dt.date, str], list[Round]] = defaultdict(list)
    for round_ in rounds:
        by_half[(round_.date, round_.half)].append(round_)
    local = timezone.localtime(now)
    calendar_ = WorkingCalendar()
    result = []
    day = first
    while day <= last:
        working = calendar_.is_working_day(day)
        for half in Half.values:
            seen = checked[(day, half)]
            over = day < local.date() or (
                day == local.date() and half == Half.MORNING and local.hour >= 12
            )
            result.append(
                HalfDay(
                    date=day,
                    half=half,
                    working=working,
                    rounds=by_half[(day, half)],
                    missed=[number for pk, number in windows if pk not in seen],
                    needed=len(windows),
                    pending=not over,
                )
            )
        day += dt.timedelta(days=1)
    return result


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def coverage_check(*, now: dt.datetime, day: dt.date | None = None) -> list[HalfDay]:
    """The scheduled check: on a working day, tell each director which half-day was
    not patrolled or which windows a half-day's rounds missed. Once per day and
    director however often it runs; returns the half-days with a gap."""
    day = day or timezone.localdate(now)
    if not WorkingCalendar().is_working_day(day):
        return []
    end_of_day = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))
    gaps = [h for h in coverage(day, day, now=max(now, end_of_day)) if h.missed]
    if not gaps:
        return []
    lines = []
    for gap in gaps:
        if not gap.rounds:
            lines.append(_("%(half)s: no patrol round.") % {"half": gap.half_label})
        else:
            lines.append(
                _("%(half)s: windows not covered: %(windows)s.")
                % {"half": gap.half_label, "windows": "、".join(gap.missed)}
            )
    url = reverse("patrols:coverage") + f"?month={day:%Y-%m}"
    alerts_send(
        [
            AlertSpec(
                user_id=user_id,
                key=f"patrol-coverage:{day.isoformat()}",
                level="warning",
                title=_("Patrols of %(date)s did not cover the hall") % {"date": f"{day:%Y-%m-%d}"},
                body="\n".join(lines),
                url=url,
            )
            for user_id in role_holders(Role.DIRECTOR)
        ],
        now=now,
    )
    return gaps
