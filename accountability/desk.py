"""The inspector's desk: who sees which cases, the queue sorted by deadline, and the
record of the last twelve months per person and per window (issue 8, R-ACC-1).

Privacy: inspectors and the director see every case; a department head the cases of
their department's windows and staff; a window head (or chief representative) their
windows'; anyone else only the cases in which they are the person concerned, heard
or charged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hall.calendar import add_months, end_of_day, end_of_working_day
from hall.roles import Role, user_roles

from .decisions import hearing_over, is_director, is_inspector, may_review
from .models import AccountabilityCase, Appeal, Decision, Effect

Status = AccountabilityCase.Status


def sees_all(user) -> bool:
    return is_inspector(user) or is_director(user)


def _own(user) -> Q:
    return Q(person=user.pk) | Q(hearings__person=user.pk) | Q(decisions__charges__person=user.pk)


def cases_visible_to(user) -> QuerySet[AccountabilityCase]:
    cases = AccountabilityCase.objects.all()
    if not getattr(user, "is_authenticated", False):
        return cases.none()
    if sees_all(user):
        return cases
    roles = user_roles(user)
    condition = _own(user)
    if Role.DEPARTMENT_HEAD in roles:
        departments = list(user.headed_departments.values_list("pk", flat=True))
        condition |= Q(window__department__in=departments) | Q(
            person__staff_member__department__in=departments
        )
    heads_a_window = user.headed_windows.exists() or user.represented_windows.exists()
    if Role.WINDOW_HEAD in roles or heads_a_window:
        condition |= (
            Q(window__window_head=user.pk)
            | Q(window__chief_representative=user.pk)
            | Q(person__staff_member__window__window_head=user.pk)
            | Q(person__staff_member__window__chief_representative=user.pk)
        )
    return cases.filter(pk__in=AccountabilityCase.objects.filter(condition).values("pk"))


def may_read_case(user, case: AccountabilityCase) -> bool:
    return cases_visible_to(user).filter(pk=case.pk).exists()


def may_read_records(user) -> bool:
    """Who may look up another person's or window's record (their own is always theirs)."""
    roles = user_roles(user)
    return sees_all(user) or bool(roles & {Role.DEPARTMENT_HEAD, Role.WINDOW_HEAD})


# --- the queue --------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    due: dt.datetime
    what: str
    case: AccountabilityCase
    overdue: bool


def _review_due(since: dt.datetime) -> dt.datetime:
    """A countersignature or an appeal is due HALL_ACC_REVIEW_DAYS working days on."""
    return end_of_working_day(since, settings.HALL_ACC_REVIEW_DAYS)


def queue(user, *, now: dt.datetime) -> list[Task]:
    """What waits on the inspectors (and on the director, their countersignatures and
    appeals), earliest deadline first: cases to hear, hearings running, decisions due,
    countersignatures, appeals, self-examinations and rectifications due."""
    tasks: list[Task] = []

    def add(due, what, case):
        tasks.append(Task(due, what, case, due < now))

    inspector, director = is_inspector(user), is_director(user)
    if not (inspector or director):
        return []
    active = AccountabilityCase.objects.exclude(status=Status.CLOSED).select_related(
        "rule", "window", "person"
    )
    if inspector:
        for case in active.filter(status=Status.OPEN):
            due = end_of_working_day(case.opened_at, settings.HALL_ACC_TAKE_UP_DAYS)
            add(due, _("To be heard"), case)
        for case in active.filter(status=Status.HEARING).prefetch_related("hearings"):
            hearings = list(case.hearings.all())
            last = max(h.due_at for h in hearings) if hearings else case.opened_at
            if hearing_over(case, now):
                ready = max((h.stated_at or h.due_at) for h in hearings)
                add(min(ready, last), _("Decision due"), case)
            else:
                add(last, _("Hearing until"), case)
    if director:
        for decision in Decision.objects.filter(status=Decision.Status.COUNTERSIGN).select_related(
            "case__rule", "case__window", "case__person"
        ):
            add(_review_due(decision.decided_at), _("Countersignature"), decision.case)
    for appeal in Appeal.objects.filter(outcome="").select_related(
        "decision__case__rule", "decision__case__window", "decision__case__person"
    ):
        if may_review(user, appeal):
            add(_review_due(appeal.filed_at), _("Appeal to review"), appeal.decision.case)
    if inspector:
        for effect in (
            Effect.objects.in_force()
            .filter(kind__in=Effect.DUE_KINDS, done_at=None)
            .select_related("decision__case__rule", "decision__case__window")
        ):
            add(end_of_day(effect.due_on), effect.get_kind_display(), effect.decision.case)
    return sorted(tasks, key=lambda t: (t.due, t.case.pk))


# --- the twelve-month record ------------------------------------------------------------------


@dataclass
class Record:
    since: dt.date
    cases: list[AccountabilityCase]
    effects: list[Effect]
    points: Decimal
    criticisms: int


def record(*, today: dt.date, person=None, window=None) -> Record:
    """A person's or a window's accountability over the last twelve months: the cases,
    the effects in force and the points they took off."""
    since = add_months(today.replace(day=1), -11)
    cases = AccountabilityCase.objects.filter(month__gte=since)
    effects = Effect.objects.in_force().filter(month__gte=since)
    if person is not None:
        cases = cases.filter(_own(person))
        effects = effects.filter(person=person.pk)
    else:
        cases = cases.filter(window=window.pk)
        effects = effects.filter(window=window.pk)
    cases = list(
        cases.distinct().select_related("rule", "window", "person").order_by("-month", "-pk")
    )
    effects = list(effects.select_related("decision__case", "window").order_by("-month", "pk"))
    points_kind = Effect.Kind.PERSON_POINTS if person is not None else Effect.Kind.WINDOW_POINTS
    return Record(
        since=since,
        cases=cases,
        effects=effects,
        points=sum((e.points for e in effects if e.kind == points_kind), Decimal(0)),
        criticisms=sum(1 for e in effects if e.kind == Effect.Kind.CRITICISM),
    )
