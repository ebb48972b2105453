"""Reads that depend on who is looking."""

from __future__ import annotations

from django.db.models import Q

from hall.roles import Role, Scope, user_roles
from windows.models import Department, Window

from .models import StaffMember


def scope_for_user(user) -> Scope:
    """What a user's roles reach (domain.md, "Who uses it"); the union over their roles.

    - clerk: their own window;
    - window head: the windows they head or represent as chief representative (R-ORG-2);
    - department head: their department and its windows, to read; to act, the
      department's own affairs (acting on a window's cases stays with the window);
    - supervisor: the whole hall to read, every window to act on (patrols);
    - director (and a superuser): everything;
    - inspector: the whole hall to read; their actions are on complaints and
      accountability, not on windows;
    - applicant: public pages only.
    """
    if not getattr(user, "is_authenticated", False):
        return Scope()
    cached = getattr(user, "_hall_scope", None)
    if cached is not None:
        return cached
    roles = user_roles(user)
    if user.is_superuser or Role.DIRECTOR in roles:
        scope = Scope(
            roles=roles, view_all=True, act_on_all_windows=True, act_on_all_departments=True
        )
    else:
        windows: set[int] = set()
        departments: set[int] = set()
        if Role.CLERK in roles:
            windows |= set(
                StaffMember.objects.filter(
                    user=user, is_active=True, window__isnull=False
                ).values_list("window_id", flat=True)
            )
            windows |= substituted_windows(user)
        if Role.WINDOW_HEAD in roles:
            windows |= set(
                Window.objects.filter(is_active=True)
                .filter(Q(window_head=user) | Q(chief_representative=user))
                .values_list("pk", flat=True)
            )
        if Role.DEPARTMENT_HEAD in roles:
            departments |= set(
                Department.objects.filter(head=user, is_active=True).values_list("pk", flat=True)
            )
        scope = Scope(
            roles=roles,
            view_all=bool(roles & {Role.SUPERVISOR, Role.INSPECTOR}),
            act_on_all_windows=Role.SUPERVISOR in roles,
            view_window_ids=frozenset(windows),
            act_window_ids=frozenset(windows),
            view_department_ids=frozenset(departments),
            act_department_ids=frozenset(departments),
        )
    user._hall_scope = scope
    return scope


def substituted_windows(user, now=None) -> set[int]:
    """R-ORG-6: the windows whose A holder this user stands in for now as B holder —
    while the substitution lasts, B works on A's window queue."""
    from django.utils import timezone

    from .substitution import active_absences

    now = now or timezone.now()
    return set(
        StaffMember.objects.filter(user=user, is_active=True, slot="B", post__isnull=False)
        .filter(
            post__holders__slot="A",
            post__holders__is_active=True,
            post__holders__pk__in=active_absences(now).values("member_id"),
        )
        .values_list("post__window_id", flat=True)
    )


def is_center(user) -> bool:
    """The center's management (supervisors and the director): reviews dispatches,
    approves swaps, keeps the A/B register."""
    return bool(
        getattr(user, "is_superuser", False)
        or scope_for_user(user).roles & {Role.SUPERVISOR, Role.DIRECTOR}
    )


def staff_in_scope(user):
    """The people a user may see: a department head only their own staff (R-ORG-1)."""
    scope = scope_for_user(user)
    members = StaffMember.objects.select_related("department", "window", "post", "user")
    if user.is_superuser or scope.view_all:
        return members
    return members.filter(
        Q(department_id__in=scope.view_department_ids) | Q(window_id__in=scope.view_window_ids)
    )


def windows_in_scope(user):
    """The windows a user may see, for lists."""
    scope = scope_for_user(user)
    windows = Window.objects.select_related("department")
    if scope.view_all:
        return windows
    return windows.filter(
        Q(pk__in=scope.view_window_ids) | Q(department__in=scope.view_department_ids)
    )


def departments_in_scope(user):
    scope = scope_for_user(user)
    if scope.view_all:
        return Department.objects.all()
    return Department.objects.filter(pk__in=scope.view_department_ids)


def staff_member_of(user) -> StaffMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        StaffMember.objects.select_related("window", "department", "post").filter(user=user).first()
    )
