"""Each persona's home page: what their scope is and where their work starts.

The top of the dependency order: it may read every app; nothing imports it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from hall.roles import Role
from staff.models import Absence, Attendance, LeaveRequest, StaffMember, WhereaboutsSign
from staff.selectors import departments_in_scope, scope_for_user, staff_member_of, windows_in_scope
from staff.substitution import active_absences, partner_of


@require_GET
@login_required
def home(request):
    scope = scope_for_user(request.user)
    member = staff_member_of(request.user)
    windows = (
        windows_in_scope(request.user)
        .select_related("window_head")
        .order_by("floor", "floor_order", "number")
    )
    now = timezone.now()
    partner = partner_of(member) if member else None
    away = {
        a.member_id: a
        for a in active_absences(now).filter(member__in=[m for m in (member, partner) if m])
    }
    context = {
        "member": member,
        "partner": partner,
        "my_absence": away.get(member.pk) if member else None,
        "partner_absence": away.get(partner.pk) if partner else None,
        "absence_reasons": Absence.Reason.choices,
        "attendance_today": (
            Attendance.objects.filter(member=member, date=timezone.localdate()) if member else []
        ),
        "my_sign": (
            WhereaboutsSign.objects.filter(member=member, returned_at__isnull=True).first()
            if member
            else None
        ),
        "window_signs": (
            WhereaboutsSign.objects.filter(
                returned_at__isnull=True, member__window_id__in=scope.act_window_ids
            )
            .exclude(member__user=request.user)
            .select_related("member", "substitute")
            if Role.WINDOW_HEAD in scope.roles
            else []
        ),
        "window_leave": (
            LeaveRequest.objects.filter(
                status="pending", member__window_id__in=scope.act_window_ids
            )
            .exclude(member__user=request.user)
            .select_related("member")
            if Role.WINDOW_HEAD in scope.roles
            else []
        ),
        "window_staff": (
            StaffMember.objects.filter(window_id__in=scope.act_window_ids, is_active=True)
            if Role.WINDOW_HEAD in scope.roles
            else []
        ),
        "roles": sorted(scope.roles, key=lambda r: list(Role).index(r)),
        "is_applicant_only": scope.roles == {Role.APPLICANT} and not request.user.is_superuser,
        "windows": windows if not scope.view_all else None,
        "window_count": windows.count(),
        "departments": departments_in_scope(request.user) if not scope.view_all else None,
        "department_count": departments_in_scope(request.user).count(),
    }
    return render(request, "portal/home.html", context)
