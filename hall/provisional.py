"""Results computed on a provisional calendar, and recomputing them (N-4).

An app that stores a deadline computed by `hall.calendar` keeps a flag saying
whether it was provisional, and registers a *source* here: how to find its
provisional results and how to recompute them with a calendar. When a year is
loaded, `recompute_all` asks every source to recompute; the
`calendar_provisional` command lists them and recomputes on demand.

A registry rather than imports, because `hall` sits below every app that
stores deadlines and must not import them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .calendar import WorkingCalendar


@dataclass(frozen=True)
class ProvisionalSource:
    label: str
    # Returns the objects whose stored results are provisional now.
    pending: Callable[[], Iterable]
    # Recomputes the given objects with the calendar; returns how many of them
    # are still provisional afterwards (their dates still lie beyond the table).
    recompute: Callable[[WorkingCalendar, list], int]
    describe: Callable[[object], str] = str


_sources: dict[str, ProvisionalSource] = {}


def register(source: ProvisionalSource) -> None:
    _sources[source.label] = source


def unregister(label: str) -> None:
    _sources.pop(label, None)


def sources() -> list[ProvisionalSource]:
    return list(_sources.values())


@dataclass(frozen=True)
class RecomputeReport:
    label: str
    recomputed: int
    still_provisional: int


def pending_results() -> dict[str, list]:
    return {source.label: list(source.pending()) for source in sources()}


def recompute_all(calendar: WorkingCalendar | None = None) -> list[RecomputeReport]:
    calendar = calendar or WorkingCalendar()
    reports = []
    for source in sources():
        items = list(source.pending())
        still = source.recompute(calendar, items) if items else 0
        reports.append(RecomputeReport(source.label, len(items), still))
    return reports
