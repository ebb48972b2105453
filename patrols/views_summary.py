"""The weekly patrol summary (R-PATROL-3): page, PDF, Excel."""

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

from .summary import Week, summary_build, summary_tables, summary_xlsx

READERS = {Role.WINDOW_HEAD, Role.DEPARTMENT_HEAD, Role.SUPERVISOR, Role.DIRECTOR, Role.INSPECTOR}


def _windows_for(user):
    """The windows whose summary the user may read: the center and the inspectors every
    window, a department head their department's, a window head their own; others
    none (403). Returns (windows, hall_wide)."""
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
def summary_view(request, fmt: str = "html"):
    """Findings per department and window by checklist item for an ISO week, against
    the week before, and the rounds walked (R-PATROL-3)."""
    windows, hall_wide = _windows_for(request.user)
    today = timezone.localdate(timezone.now(), timezone.get_default_timezone())
    raw = request.GET.get("week", "")
    week, understood = Week.parse(raw, today)
    department = request.GET.get("department", "").strip()
    if department:
        windows = windows.filter(department__code=department)
    summary = summary_build(week.monday, windows=windows)
    title = _("Weekly patrol summary %(week)s") % {"week": week.key}
    this_week = Week.containing(today)
    context = {
        "summary": summary,
        "tables": summary_tables(summary),
        "title": title,
        "week": week,
        "week_raw": raw if not understood else "",
        "previous_week": week.previous,
        "next_week": week.next if week.next.monday <= this_week.monday else None,
        "department": department,
        "hall_wide": hall_wide,
    }
    filename = f"patrol-summary-{week.key}"
    if fmt == "xlsx":
        response = HttpResponse(
            summary_xlsx(summary, title=f"{title} ({week.dates})"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    if fmt == "pdf":
        response = HttpResponse(
            render_pdf("patrols/summary_pdf.html", context, request=request),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
        return response
    return render(request, "patrols/summary.html", context)
