"""Each persona's home page: what their scope is and where their work starts.

The top of the dependency order: it may read every app; nothing imports it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hall.roles import Role
from staff.selectors import departments_in_scope, scope_for_user, staff_member_of, windows_in_scope


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
    context = {
        "member": member,
        "roles": sorted(scope.roles, key=lambda r: list(Role).index(r)),
        "is_applicant_only": scope.roles == {Role.APPLICANT} and not request.user.is_superuser,
        "windows": windows if not scope.view_all else None,
        "window_count": windows.count(),
        "departments": departments_in_scope(request.user) if not scope.view_all else None,
        "department_count": departments_in_scope(request.user).count(),
    }
    return render(request, "portal/home.html", context)
