"""Satisfaction and complaint reports (R-COMP-5): page, PDF, Excel."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hall.pdf import render_pdf
from hall.roles import Role
from staff.selectors import scope_for_user
from windows.models import Window

from .reports import Period, quarter_choices, report_build, report_tables, report_xlsx

READERS = {Role.WINDOW_HEAD, Role.DEPARTMENT_HEAD, Role.SUPERVISOR, Role.DIRECTOR, Role.INSPECTOR}


def _windows_for(user):
    """The windows whose figures the user may read: the center every window, a
    department head their department's, a window head their own; others none (403)."""
    scope = scope_for_user(user)
    if not (user.is_superuser or scope.roles & READERS):
        raise PermissionDenied
    windows = Window.objects.all()
    if user.is_superuser or scope.view_all:
        return windows, True
    if not (scope.view_department_ids or scope.view_window_ids):
        raise PermissionDenied
    return windows.filter(
        Q(pk__in=scope.view_window_ids) | Q(department_id__in=scope.view_department_ids)
    ), False


@require_GET
@login_required
def report_view(request, fmt: str = "html"):
    """Satisfaction per window and staff member, complaints per window, channel and
    outcome, for a month or a quarter; counts only, no complainant's data."""
    windows, center = _windows_for(request.user)
    today = timezone.localdate(timezone.now(), timezone.get_default_timezone())
    raw = request.GET.get("period", "")
    period, understood = Period.parse(raw, today)
    department = request.GET.get("department", "").strip()
    if department:
        windows = windows.filter(department__code=department)
    # The center sees some sixty windows: by default only those with figures, all of
    # them on request; a department or window head always sees each of theirs.
    all_windows = request.GET.get("all") == "1" or not center
    report = report_build(
        period,
        windows=windows,
        include_unassigned=center and not department,
        today=today,
        all_windows=all_windows,
    )
    title = _("Satisfaction and complaints %(period)s") % {"period": period.key}
    quarters = quarter_choices(today)
    if period.is_quarter and period not in quarters:
        quarters.append(period)
    context = {
        "report": report,
        "tables": report_tables(report),
        "title": title,
        "period": period,
        "period_raw": raw if not understood else "",
        "month_value": "" if period.is_quarter else period.key,
        "quarters": quarters,
        "department": department,
        "all_windows": all_windows,
        "center": center,
    }
    filename = f"satisfaction-complaints-{period.key}"
    if fmt == "xlsx":
        response = HttpResponse(
            report_xlsx(report, title=title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    if fmt == "pdf":
        response = HttpResponse(
            render_pdf("complaints/report_pdf.html", context, request=request),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
        return response
    return render(request, "complaints/report.html", context)
