"""The weekly patrol summary (R-PATROL-3): per window and per department, the findings
of a week by checklist item, against the week before; as a page, a PDF and a workbook,
and sent each Monday to the hall manager and to each department head.

A week runs from Monday 00:00 to the next Monday 00:00 in the hall's time zone
(Asia/Shanghai). Only counted findings (`Finding.COUNTED`: not withdrawn) count, by
the time they were recorded. Every figure comes from a few grouped queries, whatever
the number of windows or findings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.alerts import AlertSpec, alerts_send
from hall.roles import Role, role_holders
from hall.sheets import save_bytes, sheet_title, tables_workbook
from windows.models import Department, Window

from .models import ChecklistItem, Finding, Round

_WEEK = re.compile(r"^(\d{4})-?[Ww](\d{1,2})$")


def week_of(day: dt.date) -> dt.date:
    """The Monday of the week `day` lies in."""
    return day - dt.timedelta(days=day.weekday())


# --- The week -----------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    """An ISO week, Monday to Sunday, in the hall's time zone."""

    monday: dt.date

    @classmethod
    def containing(cls, day: dt.date) -> Week:
        return cls(week_of(day))

    @classmethod
    def parse(cls, value: str | None, today: dt.date) -> tuple[Week, bool]:
        """ "2026-W47" (what `<input type="week">` sends) is that ISO week. Anything
        else gives last week, the one a summary is usually read for, and False so the
        page can say the week was not understood (an empty value is not an error)."""
        value = (value or "").strip()
        last = cls.containing(today).previous
        if not value:
            return last, True
        m = _WEEK.match(value)
        if not m or not 1900 <= int(m[1]) <= 9998:
            return last, False
        try:
            return cls(dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)), True
        except ValueError:  # week 0, or a week 53 the year does not have
            return last, False

    @property
    def key(self) -> str:
        year, week, _day = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    def __str__(self) -> str:
        return self.key

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def previous(self) -> Week:
        return Week(self.monday - dt.timedelta(days=7))

    @property
    def next(self) -> Week:
        return Week(self.monday + dt.timedelta(days=7))

    @property
    def dates(self) -> str:
        return f"{self.monday:%Y-%m-%d} – {self.sunday:%Y-%m-%d}"

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[Monday 00:00, next Monday 00:00) in the settings' time zone, whatever zone
        a request may have activated."""
        zone = timezone.get_default_timezone()
        return (
            dt.datetime.combine(self.monday, dt.time.min, zone),
            dt.datetime.combine(self.next.monday, dt.time.min, zone),
        )


# --- The figures --------------------------------------------------------------------


def trend_text(change: int) -> str:
    """↑ more findings than last week (worse), ↓ fewer (better), → as many."""
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "→0"


@dataclass
class SummaryRow:
    """The findings of one window, one department, or the whole scope (label None)."""

    label: object  # a Window, a Department, or None for the total
    counts: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # item id → n
    last_week: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def change(self) -> int:
        return self.total - self.last_week

    @property
    def trend(self) -> str:
        return trend_text(self.change)

    def add(self, other: SummaryRow) -> None:
        for item_id, n in other.counts.items():
            self.counts[item_id] += n
        self.last_week += other.last_week


@dataclass
class WeeklySummary:
    week: Week
    items: list[ChecklistItem] = field(default_factory=list)  # the columns
    windows: list[SummaryRow] = field(default_factory=list)
    departments: list[SummaryRow] = field(default_factory=list)
    total: SummaryRow = field(default_factory=lambda: SummaryRow(None))
    rounds_walked: int = 0
    rounds_signed: int = 0


def summary_build(week_start: dt.date, *, windows) -> WeeklySummary:
    """The summary of the week starting `week_start` over `windows` (a Window queryset:
    the reader's scope), R-PATROL-3.

    Every active window of the scope is listed, with or without findings; a closed
    window only when it had findings this week or last. The columns are the active
    checklist items, and any retired item with findings this week, in checklist order.
    Four queries: findings grouped by window and item, the windows, the items, the
    rounds.
    """
    week = Week.containing(week_start)
    start, end = week.bounds()
    last_start, _last_end = week.previous.bounds()
    summary = WeeklySummary(week)
    in_scope = windows.values("pk")

    # 1. Counted findings of both weeks, grouped by window and item.
    grouped = (
        Finding.objects.filter(
            window_id__in=in_scope,
            status__in=Finding.COUNTED,
            recorded_at__gte=last_start,
            recorded_at__lt=end,
        )
        .values("window_id", "item_id")
        .annotate(
            this_week=Count("id", filter=Q(recorded_at__gte=start)),
            last_week=Count("id", filter=Q(recorded_at__lt=start)),
        )
        .order_by()
    )
    per_window: dict[int, SummaryRow] = defaultdict(lambda: SummaryRow(None))
    items_seen: set[int] = set()
    for r in grouped:
        row = per_window[r["window_id"]]
        if r["this_week"]:
            row.counts[r["item_id"]] += r["this_week"]
            items_seen.add(r["item_id"])
        row.last_week += r["last_week"]

    # 2. The windows: each active one in scope, and any other with findings.
    window_objs = (
        Window.objects.filter(pk__in=in_scope)
        .filter(Q(is_active=True) | Q(pk__in=list(per_window)))
        .select_related("department")
    )
    departments: dict[int, SummaryRow] = {}
    for window in window_objs:
        row = per_window.get(window.pk) or SummaryRow(None)
        row.label = window
        summary.windows.append(row)
        department = departments.setdefault(window.department_id, SummaryRow(window.department))
        department.add(row)
        summary.total.add(row)
    summary.departments = sorted(departments.values(), key=lambda r: r.label.code)

    # 3. The columns.
    summary.items = list(ChecklistItem.objects.filter(Q(is_active=True) | Q(pk__in=items_seen)))

    # 4. The rounds walked that week (the hall's, whoever reads).
    rounds = Round.objects.filter(date__gte=week.monday, date__lte=week.sunday).aggregate(
        walked=Count("id"), signed=Count("id", filter=Q(status=Round.Status.SIGNED))
    )
    summary.rounds_walked, summary.rounds_signed = rounds["walked"], rounds["signed"]
    return summary


# --- As tables: the page, the PDF and the workbook show the same cells --------------


@dataclass
class Cell:
    value: object  # int or str
    change: bool = False  # a difference against last week, shown with an arrow

    @property
    def numeric(self) -> bool:
        return isinstance(self.value, int)

    @property
    def text(self) -> str:
        return trend_text(self.value) if self.change else str(self.value)

    @property
    def xlsx_value(self):
        return self.value

    @property
    def number_format(self) -> str | None:
        return '"↑"0;"↓"0;"→"0' if self.change else None

    @property
    def css(self) -> str:
        """↑ red (more findings), ↓ green (fewer)."""
        if not self.change or self.value == 0:
            return ""
        return "text-danger" if self.value > 0 else "text-success"


@dataclass
class Table:
    key: str  # the page's data-testid, and the workbook's sheet
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    total: list[Cell]
    labels: int  # how many leading columns are labels, not figures
    widths: tuple[int, ...] = ()

    @property
    def head(self) -> list[tuple[str, bool]]:
        return [(text, index >= self.labels) for index, text in enumerate(self.headers)]


def _figures(row: SummaryRow, items: list[ChecklistItem]) -> list[Cell]:
    return [
        *(Cell(row.counts.get(item.pk, 0)) for item in items),
        Cell(row.total),
        Cell(row.last_week),
        Cell(row.change, change=True),
    ]


def _figure_headers(items: list[ChecklistItem]) -> list[str]:
    return [*(item.title for item in items), _("This week"), _("Last week"), _("Trend")]


def summary_tables(summary: WeeklySummary) -> list[Table]:
    """The department table and the window table, headings in the active language."""
    items = summary.items
    figure_widths = (*(14,) * len(items), 10, 10, 10)
    return [
        Table(
            "summary-departments",
            _("Findings per department"),
            [_("Department"), *_figure_headers(items)],
            [[Cell(r.label.name), *_figures(r, items)] for r in summary.departments],
            [Cell(_("Total")), *_figures(summary.total, items)],
            labels=1,
            widths=(24, *figure_widths),
        ),
        Table(
            "summary-windows",
            _("Findings per window"),
            [_("Window"), _("Department"), *_figure_headers(items)],
            [
                [Cell(str(r.label)), Cell(r.label.department.name), *_figures(r, items)]
                for r in summary.windows
            ],
            [Cell(_("Total")), Cell(""), *_figures(summary.total, items)],
            labels=2,
            widths=(22, 20, *figure_widths),
        ),
    ]


def summary_xlsx(summary: WeeklySummary, *, title: str) -> bytes:
    """The summary as an Excel workbook: a sheet per table, figures as numbers, the
    change as a signed number shown with its arrow; and a sheet with the rounds."""
    from openpyxl.styles import Font

    book = tables_workbook(summary_tables(summary), title=title, wrap_headers=True)
    sheet = book.create_sheet(sheet_title(_("Patrol rounds")))
    sheet.append([f"{title} · {_('Patrol rounds')}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Rounds walked"), summary.rounds_walked])
    sheet.append([_("Rounds signed off"), summary.rounds_signed])
    sheet.column_dimensions["A"].width = 24
    return save_bytes(book)


# --- Sending it (R-PATROL-3: to the hall manager and to the window's department) ----


def _items_text(row: SummaryRow, items: list[ChecklistItem]) -> list[str]:
    return [f"{item.title}: {row.counts[item.pk]}" for item in items if row.counts.get(item.pk)]


def _totals_text(row: SummaryRow) -> str:
    return _("%(n)s findings (last week %(last)s, %(trend)s)") % {
        "n": row.total,
        "last": row.last_week,
        "trend": row.trend,
    }


def summary_send(*, now: dt.datetime, week_start: dt.date | None = None) -> int:
    """Send the week's summary as an in-app notice: the whole hall's figures to every
    director (the hall manager), each department's to its head (if any, and active).
    By default the week before the one `now` lies in (the job runs on Monday morning).

    Once per user and week however often it runs, also from two workers at once: the
    alert's key holds the week and alerts_send drops a (user, key) that exists. A user
    who heads two departments gets one notice with both. Returns the new alerts.
    """
    if week_start is None:
        week = Week.containing(timezone.localdate(now)).previous
    else:
        week = Week.containing(week_start)
    summary = summary_build(week.monday, windows=Window.objects.all())
    url = reverse("patrols:summary") + f"?week={week.key}"

    sections: dict[int, list[tuple[str, str]]] = defaultdict(list)
    hall_body = [
        _totals_text(summary.total),
        _("Patrol rounds walked: %(walked)s, signed off: %(signed)s.")
        % {"walked": summary.rounds_walked, "signed": summary.rounds_signed},
        *_items_text(summary.total, summary.items),
    ]
    for user_id in role_holders(Role.DIRECTOR):
        sections[user_id].append((_("the whole hall"), "\n".join(hall_body)))

    heads = dict(
        Department.objects.filter(
            is_active=True, head__isnull=False, head__is_active=True
        ).values_list("pk", "head_id")
    )
    windows_of: dict[int, list[str]] = defaultdict(list)
    for window in summary.windows:
        windows_of[window.label.department_id].append(
            f"{window.label}: {window.total} ({window.trend})"
        )
    for department in summary.departments:
        head_id = heads.get(department.label.pk)
        if head_id is None:
            continue
        lines = [_totals_text(department), *windows_of[department.label.pk]]
        sections[head_id].append((department.label.name, "\n".join(lines)))

    specs = []
    for user_id, parts in sections.items():
        title = _("Patrol summary of week %(week)s (%(dates)s)") % {
            "week": week.key,
            "dates": week.dates,
        }
        if len(parts) == 1:
            title = f"{title}: {parts[0][0]}"
            body = parts[0][1]
        else:
            body = "\n\n".join(f"{label}\n{text}" for label, text in parts)
        specs.append(
            AlertSpec(
                user_id=user_id,
                key=f"patrol-summary:{week.key}",
                level="info",
                title=title,
                body=body,
                url=url,
            )
        )
    return alerts_send(specs, now=now)
