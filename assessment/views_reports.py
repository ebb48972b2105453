"""The score reports (issue 9 point 4; R-SCORE-4): the page, and its PDF or workbook
made by the worker while the page shows the progress.

Who reads which report:
* the center (supervisors, the director), the inspectors and superusers: the hall's
  report, or any department's (`department` = its code);
* a department head: their own department's only (another department: 403);
* a window head: their own windows' report;
* anyone else: 403; an anonymous visitor is sent to log in.

A file is the requester's own: only they (or a superuser) see its progress and
download it; anyone else gets 404, not even told it exists.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hall.jobs import enqueue
from hall.roles import Role
from staff.selectors import scope_for_user
from windows.models import Department, Window

from .models import ReportFile
from .reports import (
    ReportRange,
    ReportScope,
    has_a_month_over,
    range_choices,
    report_build,
    report_context,
    report_filename,
    report_title,
)
from .services import is_center
from .tasks import report_file_task

HALL_READERS = {Role.SUPERVISOR, Role.DIRECTOR, Role.INSPECTOR}
CONTENT_TYPES = {
    ReportFile.Format.PDF: "application/pdf",
    ReportFile.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
RECENT_FILES = 5


def _today():
    return timezone.localdate(timezone.now(), timezone.get_default_timezone())


def report_scope_for(user, department_code: str = "") -> tuple[ReportScope, list[Department]]:
    """The report `user` may read for the `department` asked for (a code, or empty for
    their default), and the departments their picker offers. Raises PermissionDenied
    for a report they may not read (as patrols' `_windows_for` does)."""
    scope = scope_for_user(user)
    code = (department_code or "").strip()
    if user.is_superuser or scope.roles & HALL_READERS:
        departments = list(Department.objects.filter(is_active=True).order_by("code"))
        if not code:
            return ReportScope.hall(), departments
        return ReportScope.of_department(get_object_or_404(Department, code=code)), departments
    if Role.DEPARTMENT_HEAD in scope.roles and scope.view_department_ids:
        own = list(Department.objects.filter(pk__in=scope.view_department_ids).order_by("code"))
        if not code:
            return ReportScope.of_department(own[0]), own
        for department in own:
            if department.code == code:
                return ReportScope.of_department(department), own
        raise PermissionDenied
    if Role.WINDOW_HEAD in scope.roles and not code:
        # The windows they head or represent: not a window they only work at.
        headed = Window.objects.filter(pk__in=scope.view_window_ids).filter(
            Q(window_head=user) | Q(chief_representative=user)
        )
        window_ids = list(headed.values_list("pk", flat=True))
        if window_ids:
            return ReportScope.of_windows(window_ids), []
    raise PermissionDenied


def _query(range_: ReportRange, scope: ReportScope, **extra) -> str:
    """The page's query for `range_` and the same report."""
    params = {"period": range_.key}
    if scope.department_code:
        params["department"] = scope.department_code
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return urlencode(params)


def _same_report(report_file: ReportFile, range_: ReportRange, scope: ReportScope) -> bool:
    params = report_file.params or {}
    return params.get("period") == range_.key and all(
        params.get(k) == v for k, v in scope.params().items()
    )


def _files_of(user, range_: ReportRange, scope: ReportScope, chosen: str) -> list[ReportFile]:
    """The reader's latest files of this report, and the one just asked for."""
    mine = ReportFile.objects.filter(requested_by=user).order_by("-requested_at", "-pk")
    files = [f for f in mine[:30] if _same_report(f, range_, scope)][:RECENT_FILES]
    if chosen.isdigit():
        wanted = _visible_files(user).filter(pk=int(chosen)).first()
        if wanted is not None and wanted not in files:
            files.insert(0, wanted)
    return files


def _visible_files(user):
    files = ReportFile.objects.all()
    return files if user.is_superuser else files.filter(requested_by=user)


@require_GET
@login_required
def report_view(request):
    """The report of a month, quarter, half year or year for the hall, a department
    or a window head's windows: tables, two charts, and the PDF and Excel buttons."""
    scope, departments = report_scope_for(request.user, request.GET.get("department", ""))
    today = _today()
    raw = request.GET.get("period", "")
    range_, understood = ReportRange.parse(raw, today)
    report = report_build(range_, scope=scope)
    title = report_title(range_, scope)
    hall_reader = request.user.is_superuser or bool(
        scope_for_user(request.user).roles & HALL_READERS
    )
    choices = range_choices(today)
    for kind, ranges in choices.items():
        if range_.kind == kind and range_ not in ranges:
            ranges.insert(0, range_)
    next_range = range_.next if has_a_month_over(range_.next, today) else None
    context = {
        **report_context(report, title=title),
        "period_raw": raw if not understood else "",
        "choices": choices,
        "month_value": range_.key if range_.kind == ReportRange.MONTH else "",
        "departments": departments,
        "department_code": scope.department_code,
        "hall_reader": hall_reader,
        "center": is_center(request.user),
        "query": _query(range_, scope),
        "previous_query": _query(range_.previous, scope),
        "next_query": _query(next_range, scope) if next_range else "",
        "files": _files_of(request.user, range_, scope, request.GET.get("file", "")),
        "formats": ReportFile.Format.choices,
    }
    return render(request, "assessment/report.html", context)


@require_POST
@login_required
def report_file_new(request):
    """Ask for the report's PDF or workbook: the worker makes it (never this request,
    a year of the hall takes a while), and the page polls its progress."""
    scope, _departments = report_scope_for(request.user, request.POST.get("department", ""))
    fmt = request.POST.get("format", "")
    if fmt not in ReportFile.Format.values:
        return HttpResponseBadRequest(_("Choose PDF or Excel."))
    range_, understood = ReportRange.parse(request.POST.get("period", ""), _today())
    if not understood:
        return HttpResponseBadRequest(_("The period was not understood."))
    report_file = ReportFile.objects.create(
        requested_by=request.user,
        requested_at=timezone.now(),
        params={
            "period": range_.key,
            **scope.params(),
            "language": translation.get_language(),
        },
        format=fmt,
        title=report_title(range_, scope)[:200],
    )
    enqueue(report_file_task, report_file.pk)
    query = _query(range_, scope, file=report_file.pk)
    return redirect(f"{reverse('assessment:report')}?{query}")


@require_GET
@login_required
def report_file_view(request, pk: int):
    """The file's progress, polled by htmx every second until it is done or failed."""
    report_file = get_object_or_404(_visible_files(request.user), pk=pk)
    return render(request, "assessment/_report_file.html", {"file": report_file})


@require_GET
@login_required
def report_file_download(request, pk: int):
    """The finished file, to its requester."""
    report_file = get_object_or_404(_visible_files(request.user), pk=pk)
    if report_file.status != ReportFile.Status.DONE or not report_file.file:
        raise Http404
    params = report_file.params or {}
    try:
        range_, _ok = ReportRange.parse(params.get("period"), _today())
        filename = report_filename(range_, ReportScope.from_params(params), report_file.format)
    except (ValueError, LookupError, Department.DoesNotExist):
        filename = f"assessment-report-{report_file.pk}.{report_file.format}"
    return FileResponse(
        report_file.file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=CONTENT_TYPES.get(report_file.format, "application/octet-stream"),
    )
