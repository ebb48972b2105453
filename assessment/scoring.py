"""Computing a month's scores (R-SCORE-1, -2, -4) as a few grouped queries.

Whatever the number of cases, a month costs about twenty queries: each source of facts
is counted once per window and once per person with `GROUP BY`, and the scores are
written with one bulk insert. The arithmetic on the grouped figures is done here.

Who is credited and charged (R-SCORE-1, R-ORG-6): whoever *did* it. A case counts
for the clerk who took it in (`created_by`), a notice for whoever issued it, an
inquiry for whoever received it, even when they acted on someone else's post; an
accountability effect for the person it names.

One act, one deduction: a patrol finding takes off its checklist points (times the
weight); when the finding went on to an accountability decision, that decision's
other effects (a criticism, a lost award) apply but its points are not taken again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from accountability.models import Effect, Occurrence
from cases.models import Case, FirstInquiry, Notice
from complaints.models import Complaint, Rating
from hall.calendar import WorkingCalendar
from patrols.models import Finding
from staff.models import Attendance, StaffMember
from windows.models import Window

from .models import Commendation, Weight

TWO = Decimal("0.01")
INDICATORS = (
    "cases_in",
    "cases_done",
    "on_time_promised",
    "on_time_statutory",
    "working_days",
    "inquiries",
    "one_time_notices",
    "ratings",
    "satisfied",
    "complaints",
    "sessions",
    "late",
)
GOOD_LEVELS = Rating.GOOD_LEVELS  # 非常满意, 满意, 基本满意 count as satisfied (N-2)


def month_bounds(start: dt.date) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime]:
    """The month's first day, the next month's first day, and both as aware midnights
    in the hall's time zone."""
    y, m = divmod(start.month, 12)
    end = dt.date(start.year + y, m + 1, 1)
    tz = timezone.get_default_timezone()
    return (
        start,
        end,
        timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz),
        timezone.make_aware(dt.datetime.combine(end, dt.time.min), tz),
    )


@dataclass
class Tally:
    """What was counted for one window or one person."""

    indicators: dict[str, int] = field(default_factory=lambda: dict.fromkeys(INDICATORS, 0))
    # code -> [how many facts, points before the weight]
    facts: dict[str, list] = field(default_factory=dict)
    award_lost: bool = False

    def add_fact(self, code: str, n: int, points: Decimal = Decimal(0)) -> None:
        entry = self.facts.setdefault(code, [0, Decimal(0)])
        entry[0] += n
        entry[1] += Decimal(points or 0)


DEDUCTION_CODES = (
    Weight.Code.ACCOUNTABILITY,
    Weight.Code.PATROL,
    Weight.Code.LATE,
    Weight.Code.DISSATISFIED,
    Weight.Code.VERY_DISSATISFIED,
    Weight.Code.COMPLAINT,
)
COMMENDATION_CODES = (Weight.Code.THANKS, Weight.Code.GOOD_DEED, Weight.Code.HONOUR)
# Facts that carry their own points (the weight is a factor on them); the others are
# counted and the weight is points per fact.
POINTED = (Weight.Code.ACCOUNTABILITY, Weight.Code.PATROL)


@dataclass
class Figures:
    """A month's tallies: per window id and per user id."""

    windows: dict[int, Tally] = field(default_factory=lambda: defaultdict(Tally))
    people: dict[int, Tally] = field(default_factory=lambda: defaultdict(Tally))


def _grouped(qs, key: str, **aggregates):
    return qs.values(key).annotate(**aggregates).order_by()


def _count_cases(figures: Figures, start, end, start_at, end_at, calendar) -> None:
    """Cases taken in and completed, on time, and the working days they took, in three
    queries grouped by (window, clerk): each row adds to the window's tally and to the
    clerk's, so the month's cases are read three times whatever the hall's size."""
    accepted = Case.objects.filter(kind=Case.Kind.ACCEPTED)
    took_in = Q(accepted_on__gte=start, accepted_on__lt=end)
    done = Q(completed_at__gte=start_at, completed_at__lt=end_at, accepted_on__isnull=False)
    keys = ("window_id", "created_by_id")

    def tallies(row):
        return figures.windows[row["window_id"]], figures.people[row["created_by_id"]]

    for row in _grouped_by(
        accepted.filter(took_in | done),
        keys,
        cases_in=Count("pk", filter=took_in),
        cases_done=Count("pk", filter=done),
        on_time_promised=Count("pk", filter=done & Q(completed_at__date__lte=F("promised_due"))),
        on_time_statutory=Count("pk", filter=done & Q(completed_at__date__lte=F("statutory_due"))),
        suspended=Sum("suspended_days", filter=done),
    ):
        for tally in tallies(row):
            ind = tally.indicators
            for name in ("cases_in", "cases_done", "on_time_promised", "on_time_statutory"):
                ind[name] += row[name]
            ind["working_days"] -= row["suspended"] or 0
    # Working days from acceptance to completion, summed: with W(d) the working days up
    # to d, the sum of W(done) − W(accepted) is ΣW(done) − ΣW(accepted), so two small
    # GROUP BYs on the dates do it for any number of cases.
    finished = accepted.filter(done)
    ordinal = calendar.ordinal
    for row in _grouped_by(
        finished.annotate(day=TruncDate("completed_at")), (*keys, "day"), n=Count("pk")
    ):
        for tally in tallies(row):
            tally.indicators["working_days"] += row["n"] * ordinal(row["day"])
    for row in _grouped_by(finished, (*keys, "accepted_on"), n=Count("pk")):
        for tally in tallies(row):
            tally.indicators["working_days"] -= row["n"] * ordinal(row["accepted_on"])
    for group in (figures.windows, figures.people):
        for tally in group.values():
            tally.indicators["working_days"] = max(tally.indicators["working_days"], 0)


def _grouped_by(qs, keys, **aggregates):
    return qs.values(*keys).annotate(**aggregates).order_by()


class _Ordinals:
    """W(d): how many working days lie between a fixed first day and d, inclusive
    (negative before it). Only differences of W are used, so the origin is arbitrary
    but must not move: it is set by the first question."""

    def __init__(self) -> None:
        self._calendar = WorkingCalendar()
        self._first: dt.date | None = None
        self._counts: list[int] = []

    def ordinal(self, day: dt.date) -> int:
        if self._first is None:
            self._first = day
        if day < self._first:
            # Before the origin: W(day) = W(first) − working days in (day, first].
            between = self._calendar.working_days_between(day, self._first).days
            return self.ordinal(self._first) - between
        index = (day - self._first).days
        while len(self._counts) <= index:
            d = self._first + dt.timedelta(days=len(self._counts))
            prev = self._counts[-1] if self._counts else 0
            self._counts.append(prev + (1 if self._calendar.is_working_day(d) else 0))
        return self._counts[index]


def month_figures(start: dt.date) -> Figures:
    """Every indicator and fact of the month, per window and per user."""
    start, end, start_at, end_at = month_bounds(start)
    figures = Figures()
    calendar = _Ordinals()
    calendar.ordinal(start - dt.timedelta(days=366))  # the origin: cases accepted earlier are rare
    _count_cases(figures, start, end, start_at, end_at, calendar)

    # Each source is grouped once by (window, person): a row adds to both tallies.
    def both(qs, window_key, person_key, **aggregates):
        for row in _grouped_by(qs, (window_key, person_key), **aggregates):
            window = figures.windows[row[window_key]] if row[window_key] is not None else None
            person = figures.people[row[person_key]] if row[person_key] is not None else None
            yield row, window, person

    inquiries = FirstInquiry.objects.filter(received_at__gte=start_at, received_at__lt=end_at)
    for row, window, person in both(inquiries, "window_id", "received_by_id", n=Count("pk")):
        for tally in filter(None, (window, person)):
            tally.indicators["inquiries"] += row["n"]

    notices = Notice.objects.filter(
        kind=Notice.Kind.ONE_TIME, issued_at__gte=start_at, issued_at__lt=end_at
    )
    for row, window, person in both(notices, "case__window_id", "issued_by_id", n=Count("pk")):
        for tally in filter(None, (window, person)):
            tally.indicators["one_time_notices"] += row["n"]

    ratings = Rating.objects.filter(rated_at__gte=start_at, rated_at__lt=end_at, invalid=False)
    for row, window, person in both(
        ratings,
        "window_id",
        "staff_member__user_id",
        n=Count("pk"),
        good=Count("pk", filter=Q(level__in=GOOD_LEVELS)),
        bad=Count("pk", filter=Q(level=Rating.Level.DISSATISFIED)),
        worst=Count("pk", filter=Q(level=Rating.Level.VERY_DISSATISFIED)),
    ):
        for tally in filter(None, (window, person)):
            tally.indicators["ratings"] += row["n"]
            tally.indicators["satisfied"] += row["good"]
            if row["bad"]:
                tally.add_fact(Weight.Code.DISSATISFIED, row["bad"])
            if row["worst"]:
                tally.add_fact(Weight.Code.VERY_DISSATISFIED, row["worst"])

    complaints = Complaint.objects.filter(
        outcome=Complaint.Outcome.VERIFIED, concluded_at__gte=start_at, concluded_at__lt=end_at
    )
    for row, window, person in both(
        complaints, "window_id", "staff_member__user_id", n=Count("pk")
    ):
        for tally in filter(None, (window, person)):
            tally.indicators["complaints"] += row["n"]
            tally.add_fact(Weight.Code.COMPLAINT, row["n"])

    attendance = Attendance.objects.filter(date__gte=start, date__lt=end)
    for row, window, person in both(
        attendance,
        "member__window_id",
        "member__user_id",
        n=Count("pk"),
        late=Count("pk", filter=Q(late=True)),
    ):
        for tally in filter(None, (window, person)):
            tally.indicators["sessions"] += row["n"]
            tally.indicators["late"] += row["late"]
        if person is not None and row["late"]:
            # Attendance is the person's: lateness is charged to them, not the window.
            person.add_fact(Weight.Code.LATE, row["late"])

    findings = Finding.objects.filter(
        status__in=Finding.COUNTED, recorded_at__gte=start_at, recorded_at__lt=end_at
    )
    for row in _grouped(
        findings.filter(person__isnull=True), "window_id", n=Count("pk"), p=Sum("points")
    ):
        figures.windows[row["window_id"]].add_fact(Weight.Code.PATROL, row["n"], row["p"])
    for row in _grouped(
        findings.filter(person__isnull=False), "person__user_id", n=Count("pk"), p=Sum("points")
    ):
        figures.people[row["person__user_id"]].add_fact(Weight.Code.PATROL, row["n"], row["p"])

    # Only a finding that still stands takes its points: a decision about a withdrawn
    # finding keeps its own points.
    from_patrol = Occurrence.objects.filter(
        case_id=OuterRef("decision__case_id"),
        source_type=ContentType.objects.get_for_model(Finding),
        withdrawn_at__isnull=True,
    )
    effects = Effect.objects.in_force().filter(month=start)
    pointed = effects.filter(~Exists(from_patrol), points__gt=0)
    for row in _grouped(
        pointed.filter(kind=Effect.Kind.WINDOW_POINTS, window__isnull=False),
        "window_id",
        n=Count("pk"),
        p=Sum("points"),
    ):
        figures.windows[row["window_id"]].add_fact(Weight.Code.ACCOUNTABILITY, row["n"], row["p"])
    for row in _grouped(
        pointed.filter(kind=Effect.Kind.PERSON_POINTS, person__isnull=False),
        "person_id",
        n=Count("pk"),
        p=Sum("points"),
    ):
        figures.people[row["person_id"]].add_fact(Weight.Code.ACCOUNTABILITY, row["n"], row["p"])
    for window_id in effects.filter(kind=Effect.Kind.AWARD_LOSS, window__isnull=False).values_list(
        "window_id", flat=True
    ):
        figures.windows[window_id].award_lost = True

    commendations = Commendation.objects.filter(on__gte=start, on__lt=end, withdrawn_at=None)
    for row in (
        commendations.values("kind", "window_id", "member__user_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if row["member__user_id"] is None:
            figures.windows[row["window_id"]].add_fact(row["kind"], row["n"])
        else:
            figures.people[row["member__user_id"]].add_fact(row["kind"], row["n"])
    return figures


@dataclass
class Result:
    base: Decimal
    deductions: Decimal
    commendations: Decimal
    breakdown: dict

    @property
    def total(self) -> Decimal:
        return self.base - self.deductions + self.commendations


def score_of(tally: Tally, weights: dict[str, Decimal]) -> Result:
    """base − Σ deductions × weight + min(Σ commendations × weight, cap)."""
    base = Decimal(settings.HALL_SCORE_BASE)
    deductions = Decimal(0)
    commendations = Decimal(0)
    breakdown = {}
    for code, (n, points) in sorted(tally.facts.items()):
        weight = weights[code]
        amount = (points * weight) if code in POINTED else (n * weight)
        amount = amount.quantize(TWO, rounding=ROUND_HALF_UP)
        breakdown[code] = {
            "n": n,
            "points": str(points.quantize(TWO, rounding=ROUND_HALF_UP)),
            "weight": str(weight),
            "amount": str(amount),
        }
        if code in COMMENDATION_CODES:
            commendations += amount
        else:
            deductions += amount
    cap = Decimal(settings.HALL_SCORE_COMMENDATION_CAP)
    if commendations > cap:
        breakdown["cap"] = str(cap)
        commendations = cap
    return Result(
        base,
        deductions.quantize(TWO, rounding=ROUND_HALF_UP),
        commendations.quantize(TWO, rounding=ROUND_HALF_UP),
        breakdown,
    )


def scored_windows():
    return Window.objects.filter(is_active=True).select_related("department")


def scored_members(start: dt.date, end: dt.date):
    """The staff on a window during the month: active, or left during or after it."""
    return (
        StaffMember.objects.filter(window__isnull=False)
        .filter(Q(is_active=True) | Q(left_on__gte=start))
        .filter(Q(on_post_since__isnull=True) | Q(on_post_since__lt=end))
        .select_related("window")
    )


def rank(scores, *, key=lambda s: s.total) -> None:
    """Standard competition ranking (1, 1, 3) by total, highest first."""
    ordered = sorted(scores, key=key, reverse=True)
    previous, position = None, 0
    for index, score in enumerate(ordered, start=1):
        value = key(score)
        if value != previous:
            position, previous = index, value
        score.rank = position


def mark_best(window_scores, n: int) -> None:
    """The month's best windows (R-SCORE-1): the top n by score among the windows that
    completed cases and are still eligible for an award; ties at the score are broken
    by the on-time rate, then the satisfaction rate, then the cases completed, and a
    tie on all of them at the last place takes every window on it."""
    for s in window_scores:
        s.best = False
    eligible = sorted(
        (s for s in window_scores if s.award_eligible and s.cases_done),
        key=_best_order,
    )
    if not eligible or n <= 0:
        return
    bar = _best_order(eligible[min(n, len(eligible)) - 1])
    for s in eligible:
        s.best = _best_order(s) <= bar


def _best_order(score) -> tuple:
    return (
        -score.total,
        -(score.on_time_rate or 0),
        -(score.satisfaction_rate or 0),
        -score.cases_done,
    )
