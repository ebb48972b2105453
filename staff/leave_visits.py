"""Leave requests (R-ORG-7) and department heads' visits (R-ORG-8)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from hall.roles import Role
from hall.validators import clean_text
from windows.models import Department

from .models import Absence, DepartmentVisit, LeaveRequest, StaffMember
from .selectors import scope_for_user


@transaction.atomic
def leave_request(
    *,
    actor,
    member: StaffMember,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
    handover_note: str = "",
    now: dt.datetime,
) -> LeaveRequest:
    if member.user_id != actor.pk:
        raise PermissionDenied(_("Only the person asks for their own leave."))
    reason = clean_text(
        reason, field="reason", max_length=LeaveRequest._meta.get_field("reason").max_length
    )
    handover_note = clean_text(handover_note, field="handover_note")
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the leave.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The leave must end after it starts.")})
    request = LeaveRequest(
        member=member,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason.strip(),
        handover_note=handover_note.strip(),
    )
    request._history_user = actor
    request.save()
    return request


@transaction.atomic
def leave_decide(*, actor, request: LeaveRequest, approve: bool, now: dt.datetime) -> LeaveRequest:
    """The window head approves or refuses; approved leave becomes an absence of the post,
    so the B holder stands in for its time (R-ORG-6)."""
    scope = scope_for_user(actor)
    window = request.member.window
    if not (
        actor.is_superuser
        or (Role.WINDOW_HEAD in scope.roles and window and window.pk in scope.act_window_ids)
    ):
        raise PermissionDenied(_("Only the head of the window decides leave."))
    if actor.pk == request.member.user_id:
        raise PermissionDenied(_("Nobody approves their own leave."))
    if request.status != LeaveRequest.Status.PENDING:
        raise ValidationError(_("This leave request was already decided."))
    request.status = LeaveRequest.Status.APPROVED if approve else LeaveRequest.Status.REFUSED
    request.decided_by, request.decided_at = actor, now
    if approve:
        absence = Absence(
            member=request.member,
            reason=Absence.Reason.LEAVE,
            starts_at=request.starts_at,
            ends_at=request.ends_at,
            handover_note=request.handover_note,
            recorded_by=actor,
        )
        absence._history_user = actor
        absence.save()
        request.absence = absence
    request._history_user = actor
    request.save()
    return request


@transaction.atomic
def visit_record(
    *, actor, department: Department, visited_on: dt.date, checked: str, today: dt.date
) -> DepartmentVisit:
    """R-ORG-8: the department's head logs a visit to its windows."""
    if department.head_id != actor.pk:
        raise PermissionDenied(_("Only the department's head logs its visits."))
    if visited_on > today:
        raise ValidationError({"visited_on": _("A visit cannot be in the future.")})
    if not checked.strip():
        raise ValidationError({"checked": _("Say what was checked.")})
    visit = DepartmentVisit(
        department=department, visitor=actor, visited_on=visited_on, checked=checked.strip()
    )
    visit._history_user = actor
    visit.save()
    return visit


@dataclass(frozen=True)
class VisitFigures:
    department: Department
    this_month: int
    this_year: int
    target: int

    @property
    def missed_month(self) -> bool:
        return self.this_month == 0


def visit_figures(user, *, year: int, month: int) -> list[VisitFigures]:
    """Per department: visits this month and this year against 12 (R-ORG-8). A department
    head sees their own department; the center's roles see all."""
    scope = scope_for_user(user)
    departments = Department.objects.filter(is_active=True)
    if not (user.is_superuser or scope.view_all):
        departments = departments.filter(pk__in=scope.view_department_ids)
    rows = departments.annotate(
        this_year=Count("visits", filter=Q(visits__visited_on__year=year)),
        this_month=Count(
            "visits", filter=Q(visits__visited_on__year=year, visits__visited_on__month=month)
        ),
    ).order_by("code")
    return [VisitFigures(d, d.this_month, d.this_year, settings.HALL_VISITS_PER_YEAR) for d in rows]
