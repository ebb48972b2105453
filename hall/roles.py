"""The seven personas of the hall (domain.md, "Who uses it") and what a scope is.

A persona is a Django group named by the role's value. Which windows and
departments a user's roles reach is computed by `staff.selectors.scope_for_user`
(it reads who holds which post); this module only says what a scope *is*, so
that every app below `staff` can speak of one without importing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLERK = "clerk", _("Window clerk")
    WINDOW_HEAD = "window_head", _("Window head")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    SUPERVISOR = "supervisor", _("Center supervisor")
    DIRECTOR = "director", _("Center director")
    INSPECTOR = "inspector", _("Discipline inspector")
    APPLICANT = "applicant", _("Applicant")


def user_roles(user) -> frozenset[Role]:
    """The roles a user holds, read from their groups (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_hall_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(Role(name) for name in names if name in Role.values)
        user._hall_roles = cached
    return cached


def role_holders(role: Role):
    """The ids of the active users holding `role` (a values_list queryset)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=role.value)
        .values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class Scope:
    """What a user may see and act on.

    `view_*` decides what appears in their lists; `act_*` what their actions may
    touch. The `all_*` flags stand for every window or department, present and
    future, so the scope need not list them.
    """

    roles: frozenset[Role] = frozenset()
    view_all: bool = False
    act_on_all_windows: bool = False
    act_on_all_departments: bool = False
    view_window_ids: frozenset[int] = field(default_factory=frozenset)
    act_window_ids: frozenset[int] = field(default_factory=frozenset)
    view_department_ids: frozenset[int] = field(default_factory=frozenset)
    act_department_ids: frozenset[int] = field(default_factory=frozenset)

    def may_view_window(self, window) -> bool:
        return (
            self.view_all
            or window.pk in self.view_window_ids
            or window.department_id in self.view_department_ids
        )

    def may_act_on_window(self, window) -> bool:
        return self.act_on_all_windows or window.pk in self.act_window_ids

    def may_view_department(self, department) -> bool:
        return self.view_all or department.pk in self.view_department_ids

    def may_act_on_department(self, department) -> bool:
        return self.act_on_all_departments or department.pk in self.act_department_ids

    @property
    def is_hall_wide(self) -> bool:
        return self.view_all

    @property
    def is_empty(self) -> bool:
        return not (self.view_all or self.view_window_ids or self.view_department_ids)
