"""The working-day calendar (R-CASE-6, N-4).

Every deadline in the hall is computed here, never by adding
`timedelta(days=…)`. A working day is a day of the hall's weekly pattern that
is not a holiday, or a make-up working day (调休上班).

A date in a year whose official schedule is not loaded is never guessed at
silently and never raises: it falls back to Monday–Friday and every result that
touched such a date is marked **provisional**. When the year is loaded,
`hall.provisional.recompute_all` (the `calendar_provisional` command and a
nightly job) recomputes what was provisional.

Counting follows the Administrative License Law (N-1): a limit of *n* working
days starting on day *d* ends on the *n*-th working day after *d*; the start day
itself is not counted.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

FALLBACK_WORKING_WEEKDAYS = frozenset({0, 1, 2, 3, 4})  # Monday–Friday


@dataclass(frozen=True)
class DueDate:
    """A date computed by the calendar, and whether it rests on a guessed year."""

    date: dt.date
    provisional: bool


@dataclass(frozen=True)
class WorkingDays:
    """A number of working days, and whether it rests on a guessed year."""

    days: int
    provisional: bool


@dataclass(frozen=True)
class _Year:
    loaded: bool
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]


class WorkingCalendar:
    """Answers working-day questions, reading each year from the tables once.

    Make one per request or per job and reuse it: it caches what it read, so a
    sweep over many cases costs one query per year touched.
    """

    def __init__(self) -> None:
        self._years: dict[int, _Year] = {}
        self._weekly: frozenset[int] | None = None

    # -- reading the tables ------------------------------------------------
    def _weekly_pattern(self) -> frozenset[int]:
        if self._weekly is None:
            from .models import Weekday

            days = frozenset(
                Weekday.objects.filter(is_working_day=True).values_list("weekday", flat=True)
            )
            self._weekly = days or FALLBACK_WORKING_WEEKDAYS
        return self._weekly

    def _year(self, year: int) -> _Year:
        found = self._years.get(year)
        if found is None:
            from .models import CalendarDay, CalendarYear

            loaded = CalendarYear.objects.filter(year=year).exists()
            holidays: set[dt.date] = set()
            workdays: set[dt.date] = set()
            if loaded:
                rows = CalendarDay.objects.filter(date__year=year).values_list("date", "kind")
                for day, kind in rows:
                    (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).add(day)
            found = _Year(loaded, frozenset(holidays), frozenset(workdays))
            self._years[year] = found
        return found

    # -- questions ---------------------------------------------------------
    def is_loaded(self, day: dt.date) -> bool:
        """Whether the official schedule of `day`'s year is in the table."""
        return self._year(day.year).loaded

    def is_working_day(self, day: dt.date) -> bool:
        year = self._year(day.year)
        if not year.loaded:
            return day.weekday() in FALLBACK_WORKING_WEEKDAYS
        if day in year.workdays:
            return True
        if day in year.holidays:
            return False
        return day.weekday() in self._weekly_pattern()

    def add_working_days(self, start: dt.date, n: int) -> DueDate:
        """The n-th working day after `start` (before it, for negative n)."""
        step = dt.timedelta(days=1 if n >= 0 else -1)
        remaining = abs(n)
        day = start
        provisional = False
        while remaining:
            day += step
            provisional = provisional or not self.is_loaded(day)
            if self.is_working_day(day):
                remaining -= 1
        return DueDate(day, provisional)

    def working_days_between(self, start: dt.date, end: dt.date) -> WorkingDays:
        """Working days from `start` to `end`, the inverse of `add_working_days`.

        Forwards it counts the working days after `start` up to and including
        `end`; backwards (end < start) it counts those from `end` up to but not
        including `start`, negated. Either way
        `working_days_between(d, add_working_days(d, n).date).days == n`.
        """
        if end < start:
            first, last, sign = end - dt.timedelta(days=1), start - dt.timedelta(days=1), -1
        else:
            first, last, sign = start, end, 1
        count = 0
        provisional = False
        day = first
        while day < last:
            day += dt.timedelta(days=1)
            provisional = provisional or not self.is_loaded(day)
            if self.is_working_day(day):
                count += 1
        return WorkingDays(sign * count, provisional)


def is_working_day(day: dt.date) -> bool:
    return WorkingCalendar().is_working_day(day)


def add_working_days(start: dt.date, n: int) -> DueDate:
    return WorkingCalendar().add_working_days(start, n)


def working_days_between(start: dt.date, end: dt.date) -> WorkingDays:
    return WorkingCalendar().working_days_between(start, end)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it is shorter
    (31 January + 1 month = 28 February): for periods the rules give in months,
    not in working days (a stability period, the one-month conclusion)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_of_day(day: dt.date) -> dt.datetime:
    """The last second of `day` in the hall's time zone: when a deadline on it ends."""
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def end_of_working_day(moment: dt.datetime, n: int) -> dt.datetime:
    """The end of the n-th working day after `moment`'s local date."""
    from django.utils import timezone

    return end_of_day(add_working_days(timezone.localdate(moment), n).date)
