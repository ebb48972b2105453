"""Who may act on a case: the permission check lives inside each action (style.md)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from hall.roles import Role
from staff.selectors import scope_for_user

WINDOW_ROLES = {Role.CLERK, Role.WINDOW_HEAD}


def require_window_staff(user, window) -> None:
    """A clerk or window head of the window (or the director) may act on its cases."""
    scope = scope_for_user(user)
    if user.is_superuser or Role.DIRECTOR in scope.roles:
        return
    if scope.roles & WINDOW_ROLES and window.pk in scope.act_window_ids:
        return
    raise PermissionDenied(
        _("Only the staff of window %(window)s may do this.") % {"window": window.number}
    )


def require_window_head(user, window) -> None:
    """Approvals of the window (extensions, rejection reviews) are the window head's."""
    scope = scope_for_user(user)
    if user.is_superuser or Role.DIRECTOR in scope.roles:
        return
    if Role.WINDOW_HEAD in scope.roles and window.pk in scope.act_window_ids:
        return
    raise PermissionDenied(
        _("Only the head of window %(window)s may decide this.") % {"window": window.number}
    )


def may_see_full_identity(user, case) -> bool:
    """R-COMP-4 / privacy: full ID and phone only for the case's window and for inspectors."""
    scope = scope_for_user(user)
    if user.is_superuser or Role.INSPECTOR in scope.roles or Role.DIRECTOR in scope.roles:
        return True
    windows = {case.window_id, *case.parts.values_list("window_id", flat=True)}
    return bool(scope.roles & WINDOW_ROLES) and bool(windows & set(scope.act_window_ids))
