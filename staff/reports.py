"""The monthly attendance report per window and per department (R-ORG-7, S4 六.4):
sessions signed in, late arrivals, whereabouts signs, breaches and leave, per person."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from accountability.models import Occurrence

from .models import Absence, StaffMember, WhereaboutsSign


@dataclass
class PersonMonth:
    member: StaffMember
    sessions: int = 0
    late: int = 0
    signs: int = 0
    breaches: int = 0
    leave_days: int = 0


@dataclass
class AttendanceReport:
    year: int
    month: int
    rows: list[PersonMonth] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(r, name) for r in self.rows)


def _month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    aware = timezone.get_current_timezone()
    return (
        dt.datetime.combine(first, dt.time.min, aware),
        dt.datetime.combine(nxt, dt.time.min, aware),
    )


def attendance_report(members, *, year: int, month: int) -> AttendanceReport:
    """In a few grouped queries, whatever the number of people."""
    start, end = _month_bounds(year, month)
    members = list(
        members.select_related("window", "department").order_by("window__number", "name")
    )
    rows = {m.pk: PersonMonth(m) for m in members}
    ids = list(rows)
    counted = (
        StaffMember.objects.filter(pk__in=ids)
        .annotate(
            sessions=Count(
                "attendance",
                filter=Q(attendance__date__gte=start.date(), attendance__date__lt=end.date()),
            ),
            late=Count(
                "attendance",
                filter=Q(
                    attendance__date__gte=start.date(),
                    attendance__date__lt=end.date(),
                    attendance__late=True,
                ),
            ),
        )
        .values("pk", "sessions", "late")
    )
    for r in counted:
        rows[r["pk"]].sessions, rows[r["pk"]].late = r["sessions"], r["late"]
    signs = (
        WhereaboutsSign.objects.filter(member_id__in=ids, left_at__gte=start, left_at__lt=end)
        .values("member_id")
        .annotate(n=Count("id"))
    )
    for r in signs:
        rows[r["member_id"]].signs = r["n"]
    sign_ids = WhereaboutsSign.objects.filter(
        member_id__in=ids, left_at__gte=start, left_at__lt=end
    )
    breaches = Occurrence.objects.filter(
        rule="R-ORG-7",
        source_type__model="whereaboutssign",
        source_id__in=sign_ids.values("pk"),
        withdrawn_at__isnull=True,
    ).values_list("source_id", flat=True)
    owner = dict(sign_ids.values_list("pk", "member_id"))
    for source_id in breaches:
        rows[owner[source_id]].breaches += 1
    for absence in Absence.objects.filter(
        member_id__in=ids, reason=Absence.Reason.LEAVE, starts_at__lt=end
    ).exclude(ends_at__lte=start):
        first = max(timezone.localtime(absence.starts_at).date(), start.date())
        last_moment = absence.ends_at or end
        last = min(
            timezone.localtime(last_moment - dt.timedelta(microseconds=1)).date(),
            (end - dt.timedelta(days=1)).date(),
        )
        rows[absence.member_id].leave_days += max((last - first).days + 1, 0)
    return AttendanceReport(year, month, list(rows.values()))


HEADERS = [
    "Window",
    "Name",
    "Department",
    "Sessions signed in",
    "Late",
    "Whereabouts signs",
    "Breaches",
    "Days of leave",
]


def report_xlsx(report: AttendanceReport, *, title: str, headers: list[str]) -> bytes:
    """The report as an Excel workbook, ready to circulate."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = f"{report.year}-{report.month:02d}"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for r in report.rows:
        sheet.append(
            [
                r.member.window.number if r.member.window else "",
                r.member.name,
                r.member.department.name,
                r.sessions,
                r.late,
                r.signs,
                r.breaches,
                r.leave_days,
            ]
        )
    sheet.append(
        [
            "",
            "",
            "",
            report.total("sessions"),
            report.total("late"),
            report.total("signs"),
            report.total("breaches"),
            report.total("leave_days"),
        ]
    )
    for column, width in zip("ABCDEFGH", (8, 12, 24, 14, 8, 14, 10, 12), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
