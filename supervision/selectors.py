"""The hall's figures per window, in a few grouped queries whatever the number of cases.

Open cases are counted through the (status, light) index, today's and this month's
through the received_at and completed_at indexes, so the page does not read the
years of closed cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import timezone

from cases.models import Case, Light
from windows.models import Window

OPEN = Case.OPEN_STATUSES


@dataclass
class WindowFigures:
    window: Window
    lights: dict[str, int] = field(default_factory=dict)
    open: int = 0
    taken_today: int = 0
    completed_today: int = 0
    completed_month: int = 0
    on_time_month: int = 0

    @property
    def on_time_rate(self) -> float | None:
        if not self.completed_month:
            return None
        return 100.0 * self.on_time_month / self.completed_month


@dataclass
class HallFigures:
    rows: list[WindowFigures]

    def total(self, attribute: str) -> int:
        return sum(getattr(r, attribute) for r in self.rows)

    def light_total(self, light: str) -> int:
        return sum(r.lights.get(light, 0) for r in self.rows)

    @property
    def on_time_rate(self) -> float | None:
        done = self.total("completed_month")
        return 100.0 * self.total("on_time_month") / done if done else None


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def hall_figures(windows, *, now: dt.datetime | None = None) -> HallFigures:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    today_start = _day_start(today)
    month_start = _day_start(today.replace(day=1))
    windows = list(windows.select_related("department").order_by("floor", "floor_order", "number"))
    rows = {w.pk: WindowFigures(w, dict.fromkeys(Light.values, 0)) for w in windows}
    ids = list(rows)
    for r in (
        Case.objects.filter(status__in=OPEN, window_id__in=ids)
        .values("window_id", "light")
        .annotate(n=Count("id"))
    ):
        figures = rows[r["window_id"]]
        figures.open += r["n"]
        if r["light"]:
            figures.lights[r["light"]] = figures.lights.get(r["light"], 0) + r["n"]
    for r in (
        Case.objects.filter(received_at__gte=today_start, window_id__in=ids)
        .values("window_id")
        .annotate(n=Count("id"))
    ):
        rows[r["window_id"]].taken_today = r["n"]
    completed = (
        Case.objects.filter(
            completed_at__gte=month_start,
            window_id__in=ids,
            status__in=("approved", "picked_up", "refused"),
            promised_due__isnull=False,
        )
        .values("window_id")
        .annotate(
            month=Count("id"),
            today=Count("id", filter=Q(completed_at__gte=today_start)),
            on_time=Count("id", filter=Q(completed_at__date__lte=F("promised_due"))),
        )
    )
    for r in completed:
        figures = rows[r["window_id"]]
        figures.completed_month, figures.completed_today = r["month"], r["today"]
        figures.on_time_month = r["on_time"]
    return HallFigures(list(rows.values()))
