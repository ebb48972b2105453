"""A post holder's own page actions: away, back, stepping in for the partner (R-ORG-6)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hall.validators import validate_plausible_datetime

from .models import Absence, StaffMember
from .substitution import absence_end, absence_record, partner_of


def _until(raw: str) -> dt.datetime | None:
    if not raw:
        return None
    try:
        naive = dt.datetime.strptime(raw, "%Y-%m-%dT%H:%M")
    except ValueError:
        raise ValidationError({"ends_at": _("Write the time as 2026-10-08 17:30.")}) from None
    validate_plausible_datetime(naive)
    return timezone.make_aware(naive)


@require_POST
@login_required
def absence_new(request):
    """`who=me` records my own absence with a handover note; `who=partner` records that
    my partner is away and I stepped in without a handover."""
    me = get_object_or_404(StaffMember, user=request.user, is_active=True)
    member = me if request.POST.get("who") != "partner" else partner_of(me)
    if member is None:
        messages.error(request, _("Your post has no second holder."))
        return redirect("home")
    try:
        absence_record(
            actor=request.user,
            member=member,
            reason=request.POST.get("reason", ""),
            now=timezone.now(),
            ends_at=_until(request.POST.get("ends_at", "")),
            handover_note=request.POST.get("handover_note", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Recorded. The other holder of the post stands in."))
    return redirect("home")


@require_POST
@login_required
def absence_back(request, pk):
    absence = get_object_or_404(Absence, pk=pk)
    try:
        absence_end(actor=request.user, absence=absence, now=timezone.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Welcome back."))
    return redirect("home")


def _me(request) -> StaffMember:
    return get_object_or_404(StaffMember, user=request.user, is_active=True)


def _run(request, action, success: str, target: str = "home"):
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect(target)


@require_POST
@login_required
def sign_in(request):
    from .attendance import attendance_sign_in

    me = _me(request)
    return _run(
        request,
        lambda: attendance_sign_in(actor=request.user, member=me, now=timezone.now()),
        _("Signed in."),
    )


@require_POST
@login_required
def sign_out(request):
    from .attendance import attendance_sign_out

    me = _me(request)
    return _run(
        request,
        lambda: attendance_sign_out(actor=request.user, member=me, now=timezone.now()),
        _("Signed out."),
    )


@require_POST
@login_required
def whereabouts_new(request):
    from .attendance import whereabouts_post

    me = _me(request)
    try:
        back = _until(request.POST.get("expected_back", ""))
        if back is None:
            raise ValidationError({"expected_back": _("Say when you will be back.")})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("home")
    return _run(
        request,
        lambda: whereabouts_post(
            actor=request.user,
            member=me,
            now=timezone.now(),
            reason=request.POST.get("reason", ""),
            expected_back=back,
            handover_note=request.POST.get("handover_note", ""),
        ),
        _("Your whereabouts sign is up."),
    )


@require_POST
@login_required
def whereabouts_back(request, pk):
    from .attendance import whereabouts_return
    from .models import WhereaboutsSign

    sign = get_object_or_404(WhereaboutsSign, pk=pk)
    return _run(
        request,
        lambda: whereabouts_return(actor=request.user, sign=sign, now=timezone.now()),
        _("Welcome back."),
    )


@require_POST
@login_required
def whereabouts_grant(request, pk):
    from .attendance import whereabouts_approve
    from .models import WhereaboutsSign

    sign = get_object_or_404(WhereaboutsSign, pk=pk)
    substitute = StaffMember.objects.filter(pk=request.POST.get("substitute") or 0).first()
    if substitute is None:
        messages.error(request, _("Name who stands in."))
        return redirect("home")
    return _run(
        request,
        lambda: whereabouts_approve(
            actor=request.user, sign=sign, substitute=substitute, now=timezone.now()
        ),
        _("Leave granted."),
    )


@require_POST
@login_required
def leave_new(request):
    from .leave_visits import leave_request

    me = _me(request)
    try:
        starts, ends = (
            _until(request.POST.get("starts_at", "")),
            _until(request.POST.get("ends_at", "")),
        )
        if starts is None or ends is None:
            raise ValidationError(_("Give the start and the end of the leave."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("home")
    return _run(
        request,
        lambda: leave_request(
            actor=request.user,
            member=me,
            starts_at=starts,
            ends_at=ends,
            reason=request.POST.get("reason", ""),
            handover_note=request.POST.get("handover_note", ""),
            now=timezone.now(),
        ),
        _("Leave requested from the window head."),
    )


@require_POST
@login_required
def leave_decide_view(request, pk):
    from .leave_visits import leave_decide
    from .models import LeaveRequest

    leave = get_object_or_404(LeaveRequest, pk=pk)
    return _run(
        request,
        lambda: leave_decide(
            actor=request.user,
            request=leave,
            approve=request.POST.get("decision") == "approve",
            now=timezone.now(),
        ),
        _("Decision recorded."),
    )


@require_http_methods(["GET", "POST"])
@login_required
def visits(request):
    """R-ORG-8: a department head logs visits; everyone in scope sees the month and year."""
    from windows.models import Department

    from .leave_visits import visit_figures, visit_record

    today = timezone.localdate()
    if request.method == "POST":
        department = get_object_or_404(Department, head=request.user)
        try:
            raw = request.POST.get("visited_on", "")
            visited_on = dt.date.fromisoformat(raw) if raw else today
        except ValueError:
            messages.error(request, _("Write the date as 2026-10-08."))
            return redirect("staff:visits")
        return _run(
            request,
            lambda: visit_record(
                actor=request.user,
                department=department,
                visited_on=visited_on,
                checked=request.POST.get("checked", ""),
                today=today,
            ),
            _("Visit recorded."),
            target="staff:visits",
        )
    rows = visit_figures(request.user, year=today.year, month=today.month)
    if not rows:
        raise PermissionDenied
    return render(
        request,
        "staff/visits.html",
        {
            "rows": rows,
            "today": today,
            "my_department": Department.objects.filter(head=request.user).first(),
        },
    )


@require_GET
@login_required
def rota(request):
    """R-ORG-9: the leaders' duty rota of a month and whether each came."""
    from hall.roles import Role

    from .models import DutyShift
    from .selectors import scope_for_user

    scope = scope_for_user(request.user)
    if not (
        request.user.is_superuser or scope.roles & {Role.SUPERVISOR, Role.DIRECTOR, Role.INSPECTOR}
    ):
        raise PermissionDenied
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        first = dt.date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    shifts = list(DutyShift.objects.filter(date__year=first.year, date__month=first.month))
    summary = {
        "scheduled": len(shifts),
        "came": sum(1 for s in shifts if s.attended is True),
        "missed": sum(1 for s in shifts if s.attended is False),
        "open": sum(1 for s in shifts if s.attended is None),
    }
    return render(
        request, "staff/rota.html", {"shifts": shifts, "month": first, "summary": summary}
    )


@require_GET
@login_required
def attendance_report_view(request, fmt: str = "html"):
    """The monthly attendance report of the windows in the user's scope."""
    from hall.pdf import render_pdf
    from hall.roles import Role

    from .reports import attendance_report, report_xlsx
    from .selectors import scope_for_user

    scope = scope_for_user(request.user)
    if not (
        request.user.is_superuser
        or scope.roles
        & {Role.WINDOW_HEAD, Role.DEPARTMENT_HEAD, Role.SUPERVISOR, Role.DIRECTOR, Role.INSPECTOR}
    ):
        raise PermissionDenied
    members = StaffMember.objects.filter(is_active=True)
    if not (request.user.is_superuser or scope.view_all):
        if not (scope.view_department_ids or scope.view_window_ids):
            raise PermissionDenied
        from django.db.models import Q

        members = members.filter(
            Q(department_id__in=scope.view_department_ids) | Q(window_id__in=scope.view_window_ids)
        )
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        dt.date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    department = request.GET.get("department", "")
    if department:
        members = members.filter(department__code=department)
    report = attendance_report(members, year=year, month=month)
    title = _("Attendance %(year)s-%(month)02d") % {"year": year, "month": month}
    context = {
        "report": report,
        "title": title,
        "month": f"{year}-{month:02d}",
        "department": department,
    }
    if fmt == "xlsx":
        from django.http import HttpResponse

        headers = [
            _("Window"),
            _("Name"),
            _("Department"),
            _("Sessions signed in"),
            _("Late"),
            _("Whereabouts signs"),
            _("Breaches"),
            _("Days of leave"),
        ]
        response = HttpResponse(
            report_xlsx(report, title=title, headers=[str(h) for h in headers]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="attendance-{year}-{month:02d}.xlsx"'
        )
        return response
    if fmt == "pdf":
        from django.http import HttpResponse

        pdf = render_pdf("staff/pdf/attendance.html", context, request=request)
        return HttpResponse(pdf, content_type="application/pdf")
    return render(request, "staff/attendance_report.html", context)
