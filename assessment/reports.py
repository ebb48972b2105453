"""Reports of the monthly scores (issue 9 point 4; R-SCORE-1, -4, -5).

A report covers a month ("2026-10"), a quarter ("2026-Q3"), a half year ("2026-H2") or
a year ("2026"), for the whole hall, for one department (its windows and the staff it
dispatches), or for a window head's own windows. It reads nothing but the `Score` rows
of *published* months (`Period.PUBLISHED`): a draft or a reviewed month is not yet the
hall's result and is left out, and the months table says which months are missing.
A year whose annual review is published also shows the annual scores, grades,
proposals and the departments' results (R-SCORE-3, -5, -6).

Per window and per staff member: the months scored, the mean monthly score, the
indicators summed over the months, and the rates worked out from the sums (not a mean
of monthly rates, which would weigh a quiet month like a busy one). A total, and a
department's figures, are the same sums over their rows: the mean of a group is the
mean of all its monthly scores.

The page, the PDF and the workbook show the same `Table`s of `Cell`s, so their
figures cannot drift apart. The PDF and the workbook are made by the worker
(`report_file_make`) while the page polls the `ReportFile`'s progress.

R-SCORE-4: each quarter the results go to the departments, and each half year the
staff circulation; both are this report, sent by `feedback_send` as in-app notices.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hall.alerts import AlertSpec, alerts_send
from hall.sheets import save_bytes, tables_workbook
from staff.models import StaffMember
from windows.models import Department, Window

from .models import DepartmentResult, Period, ReportFile, Score
from .scoring import INDICATORS

logger = logging.getLogger(__name__)

ZERO = Decimal(0)
TWO = Decimal("0.01")
ONE = Decimal("0.1")

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_HALF = re.compile(r"^(\d{4})-[Hh]([12])$")
_YEAR = re.compile(r"^(\d{4})$")


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


# --- The period of a report -------------------------------------------------------------


@dataclass(frozen=True)
class ReportRange:
    """A calendar month, quarter, half year or year (the hall's calendar, Asia/Shanghai).

    Not the model `Period`: a report's range spans several scored months."""

    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    LENGTH = {MONTH: 1, QUARTER: 3, HALF: 6, YEAR: 12}

    year: int
    kind: str = MONTH
    number: int = 1  # the month, quarter or half of the year; 1 for a year

    @classmethod
    def last_month(cls, today: dt.date) -> ReportRange:
        previous = _add_months(today.replace(day=1), -1)
        return cls(previous.year, cls.MONTH, previous.month)

    @classmethod
    def parse(cls, value: str | None, today: dt.date) -> tuple[ReportRange, bool]:
        """ "2026-10" a month, "2026-Q3" a quarter, "2026-H2" a half year, "2026" a year.
        Anything else gives last month — the latest a month can have been scored and
        published — and False, so the page can say the period was not understood (an
        empty value is not an error)."""
        value = (value or "").strip()
        default = cls.last_month(today)
        if not value:
            return default, True
        if m := _MONTH.match(value):
            found = cls(int(m[1]), cls.MONTH, int(m[2]))
        elif m := _QUARTER.match(value):
            found = cls(int(m[1]), cls.QUARTER, int(m[2]))
        elif m := _HALF.match(value):
            found = cls(int(m[1]), cls.HALF, int(m[2]))
        elif m := _YEAR.match(value):
            found = cls(int(m[1]), cls.YEAR, 1)
        else:
            return default, False
        if not (1 <= found.number <= 12 and 1900 <= found.year <= 9998):
            return default, False
        return found, True

    @property
    def key(self) -> str:
        if self.kind == self.MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.kind == self.QUARTER:
            return f"{self.year}-Q{self.number}"
        if self.kind == self.HALF:
            return f"{self.year}-H{self.number}"
        return f"{self.year}"

    def __str__(self) -> str:
        return self.key

    @property
    def length(self) -> int:
        return self.LENGTH[self.kind]

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, (self.number - 1) * self.length + 1, 1)

    @property
    def end(self) -> dt.date:
        """The day after the range."""
        return _add_months(self.first_day, self.length)

    @property
    def months(self) -> list[dt.date]:
        """The first day of each month of the range."""
        return [_add_months(self.first_day, n) for n in range(self.length)]

    @property
    def dates(self) -> str:
        last = self.end - dt.timedelta(days=1)
        if self.kind == self.MONTH:
            return f"{self.first_day:%Y-%m}"
        return f"{self.first_day:%Y-%m} – {last:%Y-%m}"

    @property
    def kind_label(self) -> str:
        return {
            self.MONTH: _("Month"),
            self.QUARTER: _("Quarter"),
            self.HALF: _("Half year"),
            self.YEAR: _("Year"),
        }[self.kind]

    @property
    def previous(self) -> ReportRange:
        first = _add_months(self.first_day, -self.length)
        return ReportRange(first.year, self.kind, (first.month - 1) // self.length + 1)

    @property
    def next(self) -> ReportRange:
        first = self.end
        return ReportRange(first.year, self.kind, (first.month - 1) // self.length + 1)

    @property
    def is_year(self) -> bool:
        return self.kind == self.YEAR


def has_a_month_over(range_: ReportRange, today: dt.date) -> bool:
    """Whether a month of the range has ended: the current month is never scored yet,
    so a range that holds only it has nothing to show."""
    return range_.first_day < today.replace(day=1)


def range_choices(today: dt.date, years: int = 3) -> dict[str, list[ReportRange]]:
    """The quarters, half years and years offered in the picker, newest first: those
    with a month over."""
    choices: dict[str, list[ReportRange]] = {
        ReportRange.QUARTER: [],
        ReportRange.HALF: [],
        ReportRange.YEAR: [],
    }
    for year in range(today.year, today.year - years, -1):
        if has_a_month_over(ReportRange(year, ReportRange.YEAR, 1), today):
            choices[ReportRange.YEAR].append(ReportRange(year, ReportRange.YEAR, 1))
        for kind, count in ((ReportRange.HALF, 2), (ReportRange.QUARTER, 4)):
            for number in range(count, 0, -1):
                candidate = ReportRange(year, kind, number)
                if has_a_month_over(candidate, today):
                    choices[kind].append(candidate)
    return choices


# --- Whose report -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReportScope:
    """The hall (every window and person), one department (the windows it runs and the
    staff it dispatches: a score's `department`), or some windows (a window head's:
    those windows and the people scored at them)."""

    HALL = "hall"
    DEPARTMENT = "department"
    WINDOWS = "windows"

    kind: str
    department: Department | None = None
    window_ids: tuple[int, ...] = ()

    @classmethod
    def hall(cls) -> ReportScope:
        return cls(cls.HALL)

    @classmethod
    def of_department(cls, department: Department) -> ReportScope:
        return cls(cls.DEPARTMENT, department=department)

    @classmethod
    def of_windows(cls, window_ids) -> ReportScope:
        return cls(cls.WINDOWS, window_ids=tuple(sorted(window_ids)))

    def scores(self) -> Q:
        """The condition on `Score` rows."""
        if self.kind == self.DEPARTMENT:
            return Q(department_id=self.department.pk)
        if self.kind == self.WINDOWS:
            return Q(window_id__in=self.window_ids)
        return Q()

    @property
    def label(self) -> str:
        if self.kind == self.DEPARTMENT:
            return self.department.name
        if self.kind == self.WINDOWS:
            windows = Window.objects.filter(pk__in=self.window_ids).order_by("number")
            return "、".join(str(w) for w in windows) or _("No windows")
        return _("The whole hall")

    @property
    def department_code(self) -> str:
        return self.department.code if self.department is not None else ""

    def params(self) -> dict:
        """What a `ReportFile` keeps to make the same report in the worker. The scope
        is stored as resolved when the reader asked, checked by the view."""
        return {
            "scope": self.kind,
            "department": self.department_code,
            "department_id": self.department.pk if self.department is not None else None,
            "windows": list(self.window_ids),
        }

    @classmethod
    def from_params(cls, params: dict) -> ReportScope:
        kind = params.get("scope")
        if kind == cls.DEPARTMENT:
            return cls.of_department(Department.objects.get(pk=params["department_id"]))
        if kind == cls.WINDOWS:
            return cls.of_windows(int(pk) for pk in params.get("windows", []))
        if kind == cls.HALL:
            return cls.hall()
        raise ValueError(f"Unknown report scope {kind!r}")


# --- The figures ------------------------------------------------------------------------


def rate(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage to one decimal, as `Score` rounds its rates."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE, rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """The sums of some monthly `Score` rows: one window's or person's, a month's, a
    department's or a total. `months` counts the rows (for a group, window-months)."""

    months: int = 0
    score_sum: Decimal = ZERO
    deductions: Decimal = ZERO
    commendations: Decimal = ZERO
    corrections: Decimal = ZERO
    best: int = 0  # months among the month's best windows
    award_lost: int = 0  # months the award eligibility was lost (R-ACC-5)
    indicators: dict[str, int] = field(default_factory=lambda: dict.fromkeys(INDICATORS, 0))

    def add_score(self, row: dict) -> None:
        self.months += 1
        self.score_sum += row["total"]
        self.deductions += row["deductions"]
        self.commendations += row["commendations"]
        self.corrections += row["corrections"]
        self.best += int(bool(row["best"]))
        self.award_lost += int(not row["award_eligible"])
        for name in INDICATORS:
            self.indicators[name] += row[name] or 0

    def add(self, other: Figures) -> None:
        self.months += other.months
        self.score_sum += other.score_sum
        self.deductions += other.deductions
        self.commendations += other.commendations
        self.corrections += other.corrections
        self.best += other.best
        self.award_lost += other.award_lost
        for name in INDICATORS:
            self.indicators[name] += other.indicators[name]

    @property
    def mean(self) -> Decimal | None:
        """The mean monthly score, as the annual review takes it (R-SCORE-3)."""
        if not self.months:
            return None
        return (self.score_sum / self.months).quantize(TWO, rounding=ROUND_HALF_UP)

    @property
    def mean_text(self) -> str:
        """The mean as every table shows it."""
        return Cell(self.mean, "score").text

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.indicators["on_time_promised"], self.indicators["cases_done"])

    @property
    def statutory_rate(self) -> Decimal | None:
        return rate(self.indicators["on_time_statutory"], self.indicators["cases_done"])

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return rate(self.indicators["satisfied"], self.indicators["ratings"])

    @property
    def average_days(self) -> Decimal | None:
        done = self.indicators["cases_done"]
        if not done:
            return None
        return (Decimal(self.indicators["working_days"]) / done).quantize(
            ONE, rounding=ROUND_HALF_UP
        )


@dataclass
class WindowRow:
    window: Window
    department: Department
    figures: Figures = field(default_factory=Figures)
    position: int = 0


@dataclass
class PersonRow:
    member: StaffMember
    window: Window | None  # where the person was scored in the range's latest month
    department: Department
    figures: Figures = field(default_factory=Figures)
    position: int = 0


@dataclass
class DepartmentRow:
    department: Department | None = None  # set once the departments are read
    windows: Figures = field(default_factory=Figures)
    staff: Figures = field(default_factory=Figures)
    window_ids: set = field(default_factory=set)
    member_ids: set = field(default_factory=set)


@dataclass
class MonthRow:
    start: dt.date
    period: Period | None  # the month's period whatever its status; None: never computed
    windows: Figures = field(default_factory=Figures)
    staff: Figures = field(default_factory=Figures)

    @property
    def key(self) -> str:
        return f"{self.start:%Y-%m}"

    @property
    def published(self) -> bool:
        return self.period is not None and self.period.is_published

    @property
    def status(self) -> str:
        if self.period is None:
            return _("Not computed")
        return str(self.period.get_status_display())


@dataclass
class Annual:
    """A published annual review of the year (R-SCORE-3, -5, -6), within the scope."""

    period: Period
    windows: list[Score]
    staff: list[Score]
    departments: list[DepartmentResult]


@dataclass
class Report:
    range: ReportRange
    scope: ReportScope
    months: list[MonthRow] = field(default_factory=list)
    windows: list[WindowRow] = field(default_factory=list)
    staff: list[PersonRow] = field(default_factory=list)
    departments: list[DepartmentRow] = field(default_factory=list)
    window_total: Figures = field(default_factory=Figures)
    staff_total: Figures = field(default_factory=Figures)
    annual: Annual | None = None

    @property
    def published_months(self) -> list[MonthRow]:
        return [m for m in self.months if m.published]

    @property
    def missing_months(self) -> list[MonthRow]:
        return [m for m in self.months if not m.published]

    @property
    def is_hall(self) -> bool:
        return self.scope.kind == ReportScope.HALL


_FIELDS = (
    "subject",
    "window_id",
    "member_id",
    "department_id",
    "period__start",
    "total",
    "deductions",
    "commendations",
    "corrections",
    "best",
    "award_eligible",
    *INDICATORS,
)


def _position(rows: list) -> None:
    """Best mean first; equal means share a place (1, 2, 2, 4)."""
    rows.sort(key=lambda r: (-(r.figures.mean or ZERO), _row_name(r)))
    previous, place = None, 0
    for index, row in enumerate(rows, start=1):
        if row.figures.mean != previous:
            place, previous = index, row.figures.mean
        row.position = place


def _row_name(row) -> str:
    return row.window.number if isinstance(row, WindowRow) else row.member.name


def report_build(range_: ReportRange, *, scope: ReportScope) -> Report:
    """The report of `range_` for `scope`, from the published months only (R-SCORE-1).

    A handful of queries whatever the size of the hall: the scores' values, the months'
    periods, the windows, people and departments named, and for a year its annual
    review. The sums are done here in Decimal, so a total is exactly its rows' sum."""
    report = Report(range_, scope)
    periods = {
        p.start: p
        for p in Period.objects.filter(
            kind=Period.Kind.MONTH, start__gte=range_.first_day, start__lt=range_.end
        )
    }
    months = {start: MonthRow(start, periods.get(start)) for start in range_.months}
    report.months = list(months.values())

    rows = (
        Score.objects.filter(
            period__kind=Period.Kind.MONTH,
            period__status__in=Period.PUBLISHED,
            period__start__gte=range_.first_day,
            period__start__lt=range_.end,
        )
        .filter(scope.scores())
        .order_by("period__start", "pk")
        .values(*_FIELDS)
    )
    window_figures: dict[int, Figures] = defaultdict(Figures)
    window_department: dict[int, int] = {}
    person_figures: dict[int, Figures] = defaultdict(Figures)
    person_place: dict[int, tuple[int, int]] = {}
    departments: dict[int, DepartmentRow] = {}
    for row in rows:
        month = months[row["period__start"]]
        department_id = row["department_id"]
        department = departments.setdefault(department_id, DepartmentRow())
        if row["subject"] == Score.Subject.WINDOW:
            window_figures[row["window_id"]].add_score(row)
            window_department[row["window_id"]] = department_id  # the latest month's
            month.windows.add_score(row)
            department.windows.add_score(row)
            department.window_ids.add(row["window_id"])
        elif row["member_id"] is not None:
            person_figures[row["member_id"]].add_score(row)
            person_place[row["member_id"]] = (row["window_id"], department_id)
            month.staff.add_score(row)
            department.staff.add_score(row)
            department.member_ids.add(row["member_id"])

    window_ids = set(window_figures) | {w for w, _d in person_place.values()}
    windows = Window.objects.in_bulk(window_ids)
    members = StaffMember.objects.in_bulk(list(person_figures))
    names = Department.objects.in_bulk(list(departments))
    for window_id, figures in window_figures.items():
        report.windows.append(
            WindowRow(windows[window_id], names[window_department[window_id]], figures)
        )
        report.window_total.add(figures)
    for member_id, figures in person_figures.items():
        window_id, department_id = person_place[member_id]
        report.staff.append(
            PersonRow(members[member_id], windows.get(window_id), names[department_id], figures)
        )
        report.staff_total.add(figures)
    _position(report.windows)
    _position(report.staff)
    if scope.kind == ReportScope.HALL:
        for department_id, row in departments.items():
            row.department = names[department_id]
        report.departments = sorted(departments.values(), key=lambda r: r.department.code)

    if range_.is_year:
        report.annual = _annual(range_, scope)
    return report


def _annual(range_: ReportRange, scope: ReportScope) -> Annual | None:
    """The year's annual review, when it is published."""
    period = Period.objects.filter(
        kind=Period.Kind.YEAR, start=range_.first_day, status__in=Period.PUBLISHED
    ).first()
    if period is None:
        return None
    scores = (
        Score.objects.filter(period=period)
        .filter(scope.scores())
        .select_related("window", "department", "member")
        .order_by("rank", "pk")
    )
    results = DepartmentResult.objects.filter(period=period).select_related("department")
    if scope.kind == ReportScope.DEPARTMENT:
        results = results.filter(department=scope.department)
    elif scope.kind == ReportScope.WINDOWS:
        results = results.none()
    return Annual(
        period=period,
        windows=[s for s in scores if s.subject == Score.Subject.WINDOW],
        staff=[s for s in scores if s.subject == Score.Subject.PERSON],
        departments=list(results),
    )


# --- As tables: the page, the PDF and the workbook show the same cells ------------------


@dataclass
class Cell:
    """One figure or label. `kind`: "text", "int", "score" (2 decimals), "rate" (a
    percentage, one decimal: 95.0%), "days" (one decimal). None shows as a dash."""

    value: object
    kind: str = "text"

    FORMATS = {"score": "0.00", "rate": "0.0%", "days": "0.0", "int": "0"}

    @property
    def numeric(self) -> bool:
        return self.kind != "text"

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        if self.kind == "score":
            return f"{self.value:.2f}"
        if self.kind == "rate":
            return f"{self.value:.1f}%"
        if self.kind == "days":
            return f"{self.value:.1f}"
        return str(self.value)

    @property
    def xlsx_value(self):
        """A number the spreadsheet can sum; a rate as a fraction shown as 95.0%."""
        if self.value is None:
            return "—"
        if self.kind == "rate":
            return Decimal(self.value) / 100
        return self.value

    @property
    def number_format(self) -> str | None:
        return self.FORMATS.get(self.kind) if self.value is not None else None


@dataclass
class Table:
    key: str  # the page's data-testid, and the workbook's sheet
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    total: list[Cell] | None
    labels: int  # how many leading columns are labels, not figures
    widths: tuple[int, ...] = ()

    @property
    def head(self) -> list[tuple[str, bool]]:
        return [(text, index >= self.labels) for index, text in enumerate(self.headers)]

    @property
    def percents(self) -> list[str]:
        """The columns' shares of the width, for the PDF's fixed table layout: WeasyPrint
        lays a fixed table out without measuring every cell, much faster on long tables."""
        if len(self.widths) != len(self.headers):
            return []
        whole = sum(self.widths)
        return [f"{100 * w / whole:.2f}%" for w in self.widths]


def _i(value) -> Cell:
    return Cell(value, "int")


def _s(value) -> Cell:
    return Cell(value, "score")


def _r(value) -> Cell:
    return Cell(value, "rate")


def _t(value) -> Cell:
    return Cell("" if value is None else str(value))


def _window_figures(f: Figures) -> list[Cell]:
    n = f.indicators
    return [
        _i(f.months),
        _s(f.mean),
        _i(f.best),
        _s(f.deductions),
        _s(f.commendations),
        _s(f.corrections),
        _i(n["cases_in"]),
        _i(n["cases_done"]),
        _r(f.on_time_rate),
        _r(f.statutory_rate),
        Cell(f.average_days, "days"),
        _i(n["inquiries"]),
        _i(n["one_time_notices"]),
        _r(f.satisfaction_rate),
        _i(n["complaints"]),
    ]


def _window_headers() -> list[str]:
    return [
        _("Months scored"),
        _("Mean score"),
        _("Months among the best"),
        _("Deductions"),
        _("Commendations"),
        _("Corrections"),
        _("Cases taken in"),
        _("Cases completed"),
        _("Within the promised limit"),
        _("Within the statutory limit"),
        _("Average working days"),
        _("First inquiries"),
        _("One-time notices"),
        _("Satisfaction rate"),
        _("Verified complaints"),
    ]


def _person_figures(f: Figures) -> list[Cell]:
    n = f.indicators
    return [
        _i(f.months),
        _s(f.mean),
        _s(f.deductions),
        _s(f.commendations),
        _s(f.corrections),
        _i(n["cases_in"]),
        _i(n["cases_done"]),
        _r(f.on_time_rate),
        _r(f.satisfaction_rate),
        _i(n["complaints"]),
        _i(n["sessions"]),
        _i(n["late"]),
        _i(f.award_lost),
    ]


def _person_headers() -> list[str]:
    return [
        _("Months scored"),
        _("Mean score"),
        _("Deductions"),
        _("Commendations"),
        _("Corrections"),
        _("Cases taken in"),
        _("Cases completed"),
        _("Within the promised limit"),
        _("Satisfaction rate"),
        _("Verified complaints"),
        _("Sessions signed in"),
        _("Late sign-ins"),
        _("Months without award eligibility"),
    ]


def report_tables(report: Report) -> list[Table]:
    """The report's tables, headings in the active language, in the order shown."""
    tables = [
        Table(
            "report-months",
            _("Months"),
            [
                _("Month"),
                _("Status"),
                _("Windows scored"),
                _("Mean window score"),
                _("Staff scored"),
                _("Mean staff score"),
            ],
            [
                [
                    _t(m.key),
                    _t(m.status),
                    _i(m.windows.months),
                    _s(m.windows.mean),
                    _i(m.staff.months),
                    _s(m.staff.mean),
                ]
                for m in report.months
            ],
            [
                _t(_("Total")),
                _t(
                    _("%(n)s of %(of)s published")
                    % {"n": len(report.published_months), "of": len(report.months)}
                ),
                _i(report.window_total.months),
                _s(report.window_total.mean),
                _i(report.staff_total.months),
                _s(report.staff_total.mean),
            ],
            labels=2,
            widths=(12, 22, 12, 14, 12, 14),
        )
    ]
    if report.is_hall:
        tables.append(
            Table(
                "report-departments",
                _("Departments"),
                [
                    _("Department"),
                    _("Windows"),
                    _("Mean window score"),
                    _("Staff"),
                    _("Mean staff score"),
                    _("Cases completed"),
                    _("Within the promised limit"),
                    _("Within the statutory limit"),
                    _("Satisfaction rate"),
                    _("Verified complaints"),
                ],
                [_department_cells(r.department.name, r, report) for r in report.departments],
                _department_cells(_("Total"), None, report),
                labels=1,
                widths=(26, 10, 14, 10, 14, 12, 14, 14, 12, 12),
            )
        )
    tables.append(
        Table(
            "report-windows",
            _("Windows"),
            [_("Place"), _("Window"), _("Department"), *_window_headers()],
            [
                [_i(r.position), _t(r.window), _t(r.department.name), *_window_figures(r.figures)]
                for r in report.windows
            ],
            [_t(""), _t(_("Total")), _t(""), *_window_figures(report.window_total)],
            labels=3,
            widths=(7, 22, 22, *(11,) * 15),
        )
    )
    tables.append(
        Table(
            "report-staff",
            _("Staff"),
            [
                _("Place"),
                pgettext("person", "Name"),
                _("Window"),
                _("Department"),
                *_person_headers(),
            ],
            [
                [
                    _i(r.position),
                    _t(r.member.name),
                    _t(r.window),
                    _t(r.department.name),
                    *_person_figures(r.figures),
                ]
                for r in report.staff
            ],
            [_t(""), _t(_("Total")), _t(""), _t(""), *_person_figures(report.staff_total)],
            labels=4,
            widths=(7, 12, 22, 22, *(11,) * 13),
        )
    )
    if report.annual is not None:
        tables.extend(_annual_tables(report.annual))
    return tables


def _department_cells(label: str, row: DepartmentRow | None, report: Report) -> list[Cell]:
    if row is None:
        windows, staff = report.window_total, report.staff_total
        window_count, staff_count = len(report.windows), len(report.staff)
    else:
        windows, staff = row.windows, row.staff
        window_count, staff_count = len(row.window_ids), len(row.member_ids)
    return [
        _t(label),
        _i(window_count),
        _s(windows.mean),
        _i(staff_count),
        _s(staff.mean),
        _i(windows.indicators["cases_done"]),
        _r(windows.on_time_rate),
        _r(windows.statutory_rate),
        _r(windows.satisfaction_rate),
        _i(windows.indicators["complaints"]),
    ]


def _annual_tables(annual: Annual) -> list[Table]:
    """R-SCORE-3, -5, -6: the year's published review as it stands, ranks hall-wide."""
    tables = [
        Table(
            "report-annual-windows",
            _("Annual review: windows"),
            [
                _("Hall rank"),
                _("Window"),
                _("Department"),
                _("Months scored"),
                _("Annual score"),
                _("Proposed for"),
            ],
            [
                [
                    _i(s.rank),
                    _t(s.window),
                    _t(s.department.name),
                    _i(s.months),
                    _s(s.total),
                    _t(s.get_proposal_display() if s.proposal else ""),
                ]
                for s in annual.windows
            ],
            None,
            labels=3,
            widths=(9, 22, 22, 12, 12, 18),
        ),
        Table(
            "report-annual-staff",
            _("Annual review: staff"),
            [
                _("Hall rank"),
                pgettext("person", "Name"),
                _("Window"),
                _("Months scored"),
                _("Mean monthly score"),
                _("德能勤绩廉 rating"),
                _("Annual score"),
                _("Grade"),
                _("Proposed for"),
            ],
            [
                [
                    _i(s.rank),
                    _t(s.member.name),
                    _t(s.window),
                    _i(s.months),
                    _s(s.base),
                    _s(s.merit),
                    _s(s.total),
                    _t(s.get_grade_display() if s.grade else ""),
                    _t(s.get_proposal_display() if s.proposal else ""),
                ]
                for s in annual.staff
            ],
            None,
            labels=3,
            widths=(9, 12, 22, 12, 14, 14, 12, 22, 18),
        ),
    ]
    if annual.departments:
        tables.append(
            Table(
                "report-annual-departments",
                _("Annual review: departments (R-SCORE-5)"),
                [
                    _("Department"),
                    _("Windows' annual score"),
                    _("Share"),
                    _("Points toward the annual target"),
                ],
                [
                    [
                        _t(r.department.name),
                        _s(r.window_score),
                        _r(r.share * 100),
                        _s(r.contribution),
                    ]
                    for r in annual.departments
                ],
                None,
                labels=1,
                widths=(26, 16, 10, 18),
            )
        )
    return tables


def report_charts(report: Report) -> dict:
    """The two charts, the same SVG on the page and in the PDF."""
    from .charts import bar_chart, line_chart

    return {
        "bars": bar_chart(
            [(str(r.window), r.figures.mean) for r in report.windows],
            title=_("Mean monthly score per window"),
        ),
        "line": line_chart(
            [(m.key, m.windows.mean) for m in report.months],
            title=_("Mean window score per month"),
        ),
    }


def report_title(range_: ReportRange, scope: ReportScope) -> str:
    return _("Assessment report %(period)s · %(scope)s") % {
        "period": range_.key,
        "scope": scope.label,
    }


def report_filename(range_: ReportRange, scope: ReportScope, fmt: str) -> str:
    """An ASCII name: the department's code, not its Chinese name."""
    who = {
        ReportScope.HALL: "hall",
        ReportScope.DEPARTMENT: scope.department_code,
        ReportScope.WINDOWS: "windows",
    }[scope.kind]
    who = re.sub(r"[^A-Za-z0-9_-]+", "-", who) or "department"
    return f"assessment-{range_.key}-{who}.{fmt}"


def report_context(report: Report, *, title: str) -> dict:
    """What the page and the PDF both show."""
    return {
        "report": report,
        "tables": report_tables(report),
        "charts": report_charts(report),
        "title": title,
        "range": report.range,
        "report_scope": report.scope,  # not "scope": base.html reads the user's
        "hall_name": settings.HALL_NAME,
    }


def report_xlsx(report: Report, *, title: str) -> bytes:
    """The report as a workbook: a sheet per table, figures as numbers with their
    format (scores 0.00, rates 0.0%), the heading row frozen."""
    book = tables_workbook(report_tables(report), title=title, wrap_headers=True)
    return save_bytes(book)


def report_pdf(report: Report, *, title: str) -> bytes:
    """The report as an A4 landscape PDF: Chinese fonts, page numbers, the tables'
    headings repeated on each page, the same charts as the page."""
    from hall.pdf import render_pdf

    return render_pdf("assessment/pdf/report.html", report_context(report, title=title))


# --- Made by the worker -----------------------------------------------------------------


def report_file_make(report_file_id: int) -> str:
    """Make a `ReportFile`'s PDF or workbook (run by `report_file_task`).

    The progress is written with `update()` as each step ends, so the page polling the
    file sees it move while the worker is still busy. A failure is kept on the row with
    its text, for the page to say so; it is not raised again, since the reader has
    been told and a retry would fail the same way. Running it again for a file that is
    done does nothing."""
    report_file = ReportFile.objects.filter(pk=report_file_id).first()
    if report_file is None:
        logger.warning("Report file %s is gone; nothing to make.", report_file_id)
        return ""
    if report_file.status == ReportFile.Status.DONE:
        return report_file.file.name
    rows = ReportFile.objects.filter(pk=report_file.pk)
    rows.update(status=ReportFile.Status.RUNNING, progress=5, error="")
    params = report_file.params or {}
    try:
        language = params.get("language") or settings.LANGUAGE_CODE
        with translation.override(language):
            range_, understood = ReportRange.parse(params.get("period"), timezone.localdate())
            if not understood or not params.get("period"):
                raise ValueError(
                    _("The period “%(raw)s” was not understood.")
                    % {"raw": params.get("period", "")}
                )
            scope = ReportScope.from_params(params)
            rows.update(progress=15)
            report = report_build(range_, scope=scope)
            rows.update(progress=40)
            title = report_file.title or report_title(range_, scope)
            if report_file.format == ReportFile.Format.PDF:
                data = report_pdf(report, title=title)
            elif report_file.format == ReportFile.Format.XLSX:
                data = report_xlsx(report, title=title)
            else:
                raise ValueError(f"Unknown format {report_file.format!r}")
            rows.update(progress=90)
            # Stored under a name nobody can guess; the download is named for the report.
            name = f"{uuid.uuid4().hex}.{report_file.format}"
            report_file.file.save(name, ContentFile(data), save=False)
    except Exception as exc:
        logger.exception("Report file %s failed.", report_file.pk)
        rows.update(
            status=ReportFile.Status.FAILED,
            error=str(exc) or exc.__class__.__name__,
            finished_at=timezone.now(),
        )
        return ReportFile.Status.FAILED.value
    report_file.status = ReportFile.Status.DONE
    report_file.progress = 100
    report_file.finished_at = timezone.now()
    report_file.error = ""
    report_file.save(update_fields=["file", "status", "progress", "finished_at", "error"])
    return report_file.file.name


# --- Sent to the departments (R-SCORE-4) ------------------------------------------------


def report_url(range_: ReportRange, department: Department | None = None) -> str:
    query = {"period": range_.key}
    if department is not None:
        query["department"] = department.code
    return f"{reverse('assessment:report')}?{urlencode(query)}"


def feedback_ranges(today: dt.date) -> list[ReportRange]:
    """The quarter before the one `today` lies in; and, when that quarter closes a half
    year (the job in January and July), that half year too."""
    this_quarter = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    last = this_quarter - dt.timedelta(days=1)
    quarter = ReportRange(last.year, ReportRange.QUARTER, (last.month - 1) // 3 + 1)
    ranges = [quarter]
    if quarter.number in (2, 4):
        ranges.append(ReportRange(last.year, ReportRange.HALF, quarter.number // 2))
    return ranges


def _months_text(report: Report) -> str:
    published = ", ".join(m.key for m in report.published_months) or "—"
    text = _("Months published: %(months)s.") % {"months": published}
    if report.missing_months:
        missing = ", ".join(m.key for m in report.missing_months)
        text += " " + _("Not yet published: %(months)s; the report adds them once they are.") % {
            "months": missing
        }
    return text


def feedback_send(*, now: dt.datetime, today: dt.date | None = None) -> int:
    """R-SCORE-4: the routine results to the departments each quarter, the staff
    performance each half year — as an in-app notice to each department's head with a
    link to the department's report, sent when the quarter's last month becomes final
    (`services.period_finalise`), so the report it links to is complete; `today` is
    then the first day after the quarter.

    Every active department with an active head hears, if it has an active window or
    scores in the range. Once per department and range however often it runs: the
    alert's key holds both, and alerts_send drops a (user, key) that exists. Returns
    the new alerts."""
    today = today or timezone.localdate(now)
    departments = list(
        Department.objects.filter(
            is_active=True, head__isnull=False, head__is_active=True
        ).order_by("code")
    )
    if not departments:
        return 0
    with_windows = set(
        Window.objects.filter(is_active=True).values_list("department_id", flat=True)
    )
    specs = []
    for range_ in feedback_ranges(today):
        report = report_build(range_, scope=ReportScope.hall())
        months = _months_text(report)
        windows_of: dict[int, list[str]] = defaultdict(list)
        for row in report.windows:
            windows_of[row.department.pk].append(
                _("%(window)s: %(score)s (%(n)s months)")
                % {
                    "window": row.window,
                    "score": f"{row.figures.mean:.2f}",
                    "n": row.figures.months,
                }
            )
        staff_of: dict[int, list[str]] = defaultdict(list)
        for row in report.staff:
            staff_of[row.department.pk].append(
                _("%(name)s, %(window)s: %(score)s (%(n)s months)")
                % {
                    "name": row.member.name,
                    "window": row.window or "—",
                    "score": f"{row.figures.mean:.2f}",
                    "n": row.figures.months,
                }
            )
        scored = {row.department.pk for row in report.departments}
        for department in departments:
            if department.pk not in with_windows | scored:
                continue
            if range_.kind == ReportRange.QUARTER:
                title = _("Quarterly results %(period)s: %(department)s")
                lines = windows_of[department.pk]
            else:
                title = _("Half-year staff circulation %(period)s: %(department)s")
                lines = staff_of[department.pk]
            specs.append(
                AlertSpec(
                    user_id=department.head_id,
                    key=f"assessment:report:{range_.key}:{department.pk}",
                    level="info",
                    title=title % {"period": range_.key, "department": department.name},
                    body="\n".join([months, *lines]),
                    url=report_url(range_, department),
                )
            )
    return alerts_send(specs, now=now)
