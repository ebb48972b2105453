"""The satisfaction and complaints report (R-COMP-5, issue 6 point 8).

Satisfaction per window and per staff member, and complaints per window, channel and
outcome, for a month or a quarter. Every figure comes from a few grouped queries,
whatever the number of ratings. The report carries counts, windows and staff names
only: nothing about who rated or who complained.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.sheets import save_bytes, tables_workbook
from staff.models import StaffMember
from windows.models import Window

from .models import Complaint, Rating, Rectification

LEVELS = (5, 4, 3, 2, 1)
GOOD_LEVELS = Rating.GOOD_LEVELS

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")


# --- The period -------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A calendar month (`month` set) or quarter (`quarter` set), in the hall's time zone."""

    year: int
    month: int | None = None
    quarter: int | None = None

    @classmethod
    def parse(cls, value: str | None, today: dt.date) -> tuple[Period, bool]:
        """ "2026-11" is a month, "2026-Q4" a quarter. Anything else gives the current
        month, and False so the page can say the period was not understood (an empty
        value is not an error)."""
        value = (value or "").strip()
        current = cls(today.year, month=today.month)
        if not value:
            return current, True
        if m := _MONTH.match(value):
            period = cls(int(m[1]), month=int(m[2]))
        elif m := _QUARTER.match(value):
            period = cls(int(m[1]), quarter=int(m[2]))
        else:
            return current, False
        if not (1 <= (period.month or 1) <= 12 and 1900 <= period.year <= 9998):
            return current, False
        return period, True

    @property
    def is_quarter(self) -> bool:
        return self.quarter is not None

    @property
    def key(self) -> str:
        if self.is_quarter:
            return f"{self.year}-Q{self.quarter}"
        return f"{self.year}-{self.month:02d}"

    def __str__(self) -> str:
        return self.key

    @property
    def first_month(self) -> int:
        return 3 * self.quarter - 2 if self.is_quarter else self.month

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @property
    def next_first_day(self) -> dt.date:
        months = 3 if self.is_quarter else 1
        index = self.first_month - 1 + months
        return dt.date(self.year + index // 12, index % 12 + 1, 1)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as aware datetimes at local midnight (Asia/Shanghai, the
        settings' time zone, whatever zone a request may have activated)."""
        zone = timezone.get_default_timezone()
        return (
            dt.datetime.combine(self.first_day, dt.time.min, zone),
            dt.datetime.combine(self.next_first_day, dt.time.min, zone),
        )


def quarter_choices(today: dt.date, years: int = 3) -> list[Period]:
    """The quarters offered in the picker, newest first, up to the current one."""
    current = (today.month - 1) // 3 + 1
    return [
        Period(year, quarter=q)
        for year in range(today.year, today.year - years, -1)
        for q in range(4, 0, -1)
        if (year, q) <= (today.year, current)
    ]


# --- The figures ------------------------------------------------------------------------


@dataclass
class SatisfactionRow:
    """Ratings of one window (staff None and per_staff False) or of one staff member at
    one window (staff None there means no staff member was recorded)."""

    window: Window | None
    staff: StaffMember | None = None
    levels: dict[int, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    invalid: int = 0
    # Rectifications of the period's bad reviews, in four disjoint states.
    open: int = 0  # open and on time
    overdue: int = 0  # open, and a clock ran out (flagged, or a due date passed)
    closed: int = 0
    void: int = 0  # the review was found invalid on appeal

    @property
    def total(self) -> int:
        """Valid ratings: an invalid one is left out of every figure but its own."""
        return sum(self.levels.values())

    @property
    def satisfied(self) -> int:
        return sum(self.levels[level] for level in GOOD_LEVELS)

    @property
    def bad(self) -> int:
        return sum(self.levels[level] for level in Rating.BAD_LEVELS)

    @property
    def rate(self) -> float | None:
        """(非常满意 + 满意 + 基本满意) / valid ratings; None when there are none."""
        return self.satisfied / self.total if self.total else None

    def add(self, other: SatisfactionRow) -> None:
        for level in LEVELS:
            self.levels[level] += other.levels[level]
        for name in ("invalid", "open", "overdue", "closed", "void"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ComplaintRow:
    """Complaints received in the period about one window, through one channel, …"""

    label: object  # a Window, None (no window named), or a channel value
    total: int = 0
    verified: int = 0
    unfounded: int = 0
    open: int = 0  # not concluded yet (no outcome)
    repeats: int = 0
    escalated: int = 0

    def add(self, n: int, outcome: str, repeats: int, escalated: int) -> None:
        self.total += n
        if outcome == Complaint.Outcome.VERIFIED:
            self.verified += n
        elif outcome == Complaint.Outcome.UNFOUNDED:
            self.unfounded += n
        else:
            self.open += n
        self.repeats += repeats
        self.escalated += escalated


@dataclass
class Report:
    period: Period
    today: dt.date
    windows: list[SatisfactionRow] = field(default_factory=list)
    staff: list[SatisfactionRow] = field(default_factory=list)
    satisfaction_total: SatisfactionRow = field(default_factory=lambda: SatisfactionRow(None))
    complaint_windows: list[ComplaintRow] = field(default_factory=list)
    complaint_channels: list[ComplaintRow] = field(default_factory=list)
    complaint_total: ComplaintRow = field(default_factory=lambda: ComplaintRow(None))

    @property
    def outcomes(self) -> list[tuple[str, int]]:
        t = self.complaint_total
        return [
            (Complaint.Outcome.VERIFIED, t.verified),
            (Complaint.Outcome.UNFOUNDED, t.unfounded),
            ("", t.open),
        ]


def _overdue(today: dt.date) -> Q:
    """An open rectification whose clock ran out: flagged by the sweep, or past a due date
    the sweep has not reached yet (the same test as complaints.sweep.overdue_counts)."""
    return (
        Q(callback_late_at__isnull=False)
        | Q(rectify_late_at__isnull=False)
        | Q(called_back_at__isnull=True, callback_due__lt=today)
        | Q(rectify_due__lt=today, status__in=("open", "rectifying", "appealed"))
    )


def _window_key(window: Window | None) -> tuple:
    return (window is None, window.number if window else "")


def report_build(
    period: Period,
    *,
    windows,
    include_unassigned: bool,
    today: dt.date,
    all_windows: bool = True,
) -> Report:
    """The report over `windows` (a Window queryset: the reader's scope). Complaints that
    name no window are counted only when `include_unassigned` (the center, unfiltered).
    Without `all_windows`, only the windows with figures in the period are listed."""
    start, end = period.bounds()
    report = Report(period, today)
    window_ids = set(windows.values_list("pk", flat=True))

    # 1. Ratings, grouped by window, staff member, level and validity.
    ratings = (
        Rating.objects.filter(window_id__in=window_ids, rated_at__gte=start, rated_at__lt=end)
        .values("window_id", "staff_member_id", "level", "invalid")
        .annotate(n=Count("id"))
    )
    per_staff: dict[tuple[int, int | None], SatisfactionRow] = defaultdict(
        lambda: SatisfactionRow(None)
    )
    for r in ratings:
        row = per_staff[(r["window_id"], r["staff_member_id"])]
        if r["invalid"]:
            row.invalid += r["n"]
        else:
            row.levels[r["level"]] += r["n"]

    # 2. The rectifications of those ratings, by state.
    open_q = Q(status__in=Rectification.OPEN_STATUSES)
    overdue_q = open_q & _overdue(today)
    rectifications = (
        Rectification.objects.filter(
            rating__window_id__in=window_ids,
            rating__rated_at__gte=start,
            rating__rated_at__lt=end,
        )
        .values("rating__window_id", "rating__staff_member_id")
        .annotate(
            open=Count("id", filter=open_q & ~_overdue(today)),
            overdue=Count("id", filter=overdue_q),
            closed=Count("id", filter=Q(status=Rectification.Status.CLOSED)),
            void=Count("id", filter=Q(status=Rectification.Status.VOID)),
        )
    )
    for r in rectifications:
        row = per_staff[(r["rating__window_id"], r["rating__staff_member_id"])]
        row.open, row.overdue, row.closed, row.void = (
            r["open"],
            r["overdue"],
            r["closed"],
            r["void"],
        )

    # 3. Complaints received in the period, by window, channel and outcome.
    complaints = Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
    in_scope = Q(window_id__in=window_ids)
    if include_unassigned:
        in_scope |= Q(window__isnull=True)
    grouped = (
        complaints.filter(in_scope)
        .values("window_id", "channel", "outcome")
        .annotate(
            n=Count("id"),
            repeats=Count("id", filter=Q(repeat_of__isnull=False)),
            escalated=Count("id", filter=Q(escalated=True)),
        )
    )
    per_window_complaints: dict[int | None, ComplaintRow] = {}
    per_channel = {c: ComplaintRow(c) for c in Complaint.Channel.values}
    for r in grouped:
        figures = (r["n"], r["outcome"], r["repeats"], r["escalated"])
        per_window_complaints.setdefault(r["window_id"], ComplaintRow(None)).add(*figures)
        per_channel.setdefault(r["channel"], ComplaintRow(r["channel"])).add(*figures)
        report.complaint_total.add(*figures)

    # 4. The windows and people named: every active window in scope, and any other
    # window that has figures in the period.
    shown = {pk for pk, _staff in per_staff} | (set(per_window_complaints) - {None})
    window_objs = {
        w.pk: w
        for w in Window.objects.filter(pk__in=window_ids)
        .filter((Q(is_active=True) if all_windows else Q(pk__in=[])) | Q(pk__in=shown))
        .select_related("department")
    }
    staff_objs = StaffMember.objects.in_bulk(
        {staff for _window, staff in per_staff if staff is not None}
    )

    windows_rows = {pk: SatisfactionRow(w) for pk, w in window_objs.items()}
    for (window_id, staff_id), row in per_staff.items():
        row.window, row.staff = window_objs[window_id], staff_objs.get(staff_id)
        windows_rows[window_id].add(row)
        report.satisfaction_total.add(row)
    report.windows = sorted(windows_rows.values(), key=lambda r: _window_key(r.window))
    report.staff = sorted(
        per_staff.values(),
        key=lambda r: (*_window_key(r.window), r.staff is None, r.staff.name if r.staff else ""),
    )

    rows = {pk: ComplaintRow(w) for pk, w in window_objs.items()}
    for window_id, row in per_window_complaints.items():
        row.label = window_objs.get(window_id)
        rows[window_id] = row
    report.complaint_windows = sorted(rows.values(), key=lambda r: _window_key(r.label))
    report.complaint_channels = list(per_channel.values())
    return report


# --- As tables: the page, the PDF and the workbook show the same cells ------------------


@dataclass
class Cell:
    value: object  # int, float (a rate, 0..1), str or None
    percent: bool = False

    @property
    def numeric(self) -> bool:
        return self.percent or isinstance(self.value, int)

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        if self.percent:
            return f"{self.value * 100:.1f}%"
        return str(self.value)

    @property
    def xlsx_value(self):
        return self.value if self.value is not None else "—"

    @property
    def number_format(self) -> str | None:
        return "0.0%" if self.percent and self.value is not None else None


@dataclass
class Table:
    key: str  # the page's data-testid, and the workbook's sheet
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    total: list[Cell] | None = None
    widths: tuple[int, ...] = ()

    @property
    def numeric_columns(self) -> list[bool]:
        sample = self.total or (self.rows[0] if self.rows else [])
        return [cell.numeric for cell in sample] or [False] * len(self.headers)

    @property
    def head(self) -> list[tuple[str, bool]]:
        numeric = self.numeric_columns + [False] * len(self.headers)
        return list(zip(self.headers, numeric, strict=False))


def _window_label(window: Window | None) -> str:
    return f"{window.number} {window.name}" if window else _("No window named")


def _satisfaction_cells(row: SatisfactionRow) -> list[Cell]:
    return [
        *(Cell(row.levels[level]) for level in LEVELS),
        Cell(row.total),
        Cell(row.rate, percent=True),
        Cell(row.bad),
        Cell(row.open),
        Cell(row.overdue),
        Cell(row.closed),
        Cell(row.void),
        Cell(row.invalid),
    ]


def _satisfaction_headers() -> list[str]:
    return [
        *(str(Rating.Level(level).label) for level in LEVELS),
        _("Valid ratings"),
        _("Satisfaction rate"),
        _("Bad reviews"),
        _("Rectification open, on time"),
        _("Rectification overdue"),
        _("Rectification closed"),
        _("Review found invalid"),
        _("Invalid ratings (left out)"),
    ]


def _complaint_cells(row: ComplaintRow) -> list[Cell]:
    return [
        Cell(row.total),
        Cell(row.verified),
        Cell(row.unfounded),
        Cell(row.open),
        Cell(row.repeats),
        Cell(row.escalated),
    ]


def _complaint_headers() -> list[str]:
    return [
        _("Complaints"),
        _("Verified"),
        _("Unfounded"),
        _("Not concluded"),
        _("Repeats"),
        _("Escalated"),
    ]


def report_tables(report: Report) -> list[Table]:
    """The five tables, their headings in the active language."""
    satisfaction_widths = (24, *(10,) * 13)
    channels = dict(Complaint.Channel.choices)
    outcome_names = {**dict(Complaint.Outcome.choices), "": _("Not concluded")}
    total = report.complaint_total.total
    return [
        Table(
            "satisfaction-windows",
            _("Satisfaction per window"),
            [_("Window"), *_satisfaction_headers()],
            [[Cell(_window_label(r.window)), *_satisfaction_cells(r)] for r in report.windows],
            [Cell(_("Total")), *_satisfaction_cells(report.satisfaction_total)],
            satisfaction_widths,
        ),
        Table(
            "satisfaction-staff",
            _("Satisfaction per staff member"),
            [_("Window"), _("Staff member"), *_satisfaction_headers()],
            [
                [
                    Cell(r.window.number),
                    Cell(r.staff.name if r.staff else _("Not recorded")),
                    *_satisfaction_cells(r),
                ]
                for r in report.staff
            ],
            None,
            (8, 14, *(10,) * 13),
        ),
        Table(
            "complaints-windows",
            _("Complaints per window"),
            [_("Window"), *_complaint_headers()],
            [
                [Cell(_window_label(r.label)), *_complaint_cells(r)]
                for r in report.complaint_windows
            ],
            [Cell(_("Total")), *_complaint_cells(report.complaint_total)],
            (24, *(12,) * 6),
        ),
        Table(
            "complaints-channels",
            _("Complaints per channel"),
            [_("Channel"), *_complaint_headers()],
            [
                [Cell(str(channels.get(r.label, r.label))), *_complaint_cells(r)]
                for r in report.complaint_channels
            ],
            [Cell(_("Total")), *_complaint_cells(report.complaint_total)],
            (20, *(12,) * 6),
        ),
        Table(
            "complaints-outcomes",
            _("Complaints per outcome"),
            [_("Outcome"), _("Complaints"), _("Share")],
            [
                [Cell(str(outcome_names[o])), Cell(n), Cell(n / total if total else None, True)]
                for o, n in report.outcomes
            ],
            [Cell(_("Total")), Cell(total), Cell(1.0 if total else None, True)],
            (20, 12, 12),
        ),
    ]


def report_xlsx(report: Report, *, title: str = "") -> bytes:
    """The report as an Excel workbook, one sheet per table, figures as numbers."""
    return save_bytes(tables_workbook(report_tables(report), title=title))
