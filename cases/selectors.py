"""Reads of cases that depend on who is looking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils.translation import gettext as _

from hall.roles import Role
from staff.selectors import scope_for_user
from windows.models import Window

from .models import (
    Case,
    CaseMaterial,
    CasePart,
    Extension,
    FirstInquiry,
    Notice,
    RejectionFiling,
    Suspension,
)


def acting_windows(user):
    """The windows whose cases this user works on (for intake and the window list)."""
    scope = scope_for_user(user)
    windows = Window.objects.filter(is_active=True).select_related("department")
    if user.is_superuser or Role.DIRECTOR in scope.roles:
        return windows
    if not scope.roles & {Role.CLERK, Role.WINDOW_HEAD}:
        return windows.none()
    return windows.filter(pk__in=scope.act_window_ids)


def cases_visible_to(user):
    """Cases of the windows the user may see, as lead or as co-window (R-CASE-8)."""
    scope = scope_for_user(user)
    cases = Case.objects.select_related("window", "item", "window__department")
    if scope.view_all:
        return cases
    windows = Q(window_id__in=scope.view_window_ids) | Q(
        window__department_id__in=scope.view_department_ids
    )
    # The parts as a subquery, not a join: a join repeats a case per part and needs a
    # DISTINCT, which sorted every open case of the hall for one window's list.
    parts = CasePart.objects.filter(
        Q(window_id__in=scope.view_window_ids)
        | Q(window__department_id__in=scope.view_department_ids)
    )
    return cases.filter(windows | Q(pk__in=parts.values("case_id")))


def case_for(user, number: str) -> Case | None:
    return cases_visible_to(user).filter(number=number).first()


def window_case_list(
    user,
    *,
    window_ids=None,
    kind="",
    status="",
    item="",
    since=None,
    until=None,
    light="",
    window_number="",
):
    """Open cases, most urgent first: earliest promised date first, waiting ones last."""
    cases = cases_visible_to(user).open()
    if window_ids:
        # R-CASE-8: the windows' own cases and the open ones they have a part in. The
        # parts' case ids are read first so that PostgreSQL can use the (window, status,
        # promised_due) index; an OR across a join or subquery made it read every open
        # case of the hall (90 ms at a million cases, bench/load.py).
        part_cases = (
            CasePart.objects.filter(window_id__in=window_ids, case__status__in=Case.OPEN_STATUSES)
            .values_list("case_id", flat=True)
            .order_by()
        )
        cases = cases.filter(Q(window_id__in=window_ids) | Q(pk__in=list(part_cases)))
    if window_number:
        cases = cases.filter(window__number=window_number)
    if light:
        cases = cases.filter(light=light)
    if kind:
        cases = cases.filter(kind=kind)
    if status:
        cases = cases.filter(status=status)
    if item:
        cases = cases.filter(item__code=item)
    if since:
        cases = cases.filter(received_at__date__gte=since)
    if until:
        cases = cases.filter(received_at__date__lte=until)
    return cases.order_by(
        F("promised_due").asc(nulls_last=True), F("statutory_due").asc(nulls_last=True), "number"
    )


def closed_case_search(user, query: str):
    """Closed cases by number, applicant name, or a full ID number (exact match only:
    a fragment of an ID finds nothing, so IDs cannot be fished for)."""
    query = query.strip()
    cases = cases_visible_to(user).closed()
    if not query:
        return cases.order_by("-received_at")
    return cases.filter(
        Q(number__iexact=query) | Q(applicant_name=query) | Q(id_number=query.upper())
    ).order_by("-received_at")


def inquiries_for(user):
    """First inquiries of the user's windows, and those referred to them (R-FIRST-1)."""
    windows = list(acting_windows(user).values_list("pk", flat=True))
    return (
        FirstInquiry.objects.filter(
            Q(window_id__in=windows)
            | Q(referred_to_window_id__in=windows)
            | Q(referred_to_user=user)
        )
        .select_related("window", "referred_to_window", "received_by", "case")
        .distinct()
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    who: str
    what: str
    acting_for: str = ""


def _who(user) -> str:
    if user is None:
        return _("the system")
    return user.get_full_name() or user.username


def case_timeline(case: Case) -> list[TimelineEntry]:
    """Every change of the case and its records, with who made it (django-simple-history)."""
    entries: list[TimelineEntry] = []
    for record in case.history.select_related("history_user", "acting_for").order_by(
        "history_date"
    ):
        previous = record.prev_record
        if previous is None:
            what = _("Taken in as %(kind)s: %(status)s") % {
                "kind": record.get_kind_display(),
                "status": record.get_status_display(),
            }
        elif previous.light != record.light:
            what = _("Light: %(light)s") % {"light": record.get_light_display()}
        elif previous.status != record.status:
            what = _("Status: %(old)s → %(new)s") % {
                "old": previous.get_status_display(),
                "new": record.get_status_display(),
            }
        else:
            changed = record.diff_against(previous).changed_fields
            if not changed:
                continue
            labels = [
                str(Case._meta.get_field(name).verbose_name)
                for name in changed
                if name not in ("acting_for",)
            ]
            if not labels:
                continue
            what = _("Changed: %(fields)s") % {"fields": "、".join(labels)}
        entries.append(
            TimelineEntry(
                record.history_date,
                _who(record.history_user),
                what,
                _who(record.acting_for) if record.acting_for_id else "",
            )
        )
    related = [
        (
            Notice.history.filter(case_id=case.pk, history_type="+"),
            lambda r: _("Issued: %(doc)s") % {"doc": r.get_kind_display()},
        ),
        (
            Suspension.history.filter(case_id=case.pk),
            lambda r: (
                (
                    _("Clock suspended: %(reason)s")
                    if r.history_type == "+"
                    else _("Clock resumed after %(days)s working days")
                )
                % {"reason": r.get_reason_display(), "days": r.working_days}
            ),
        ),
        (
            Extension.history.filter(case_id=case.pk),
            lambda r: (
                _("Extension of %(days)s working days: %(status)s")
                % {"days": r.days, "status": r.get_status_display()}
            ),
        ),
        (
            RejectionFiling.history.filter(case_id=case.pk),
            lambda r: _("Rejection filing: %(status)s") % {"status": r.get_status_display()},
        ),
        (
            CasePart.history.filter(case_id=case.pk, completed_at__isnull=False),
            lambda r: _("Part of window %(window)s completed") % {"window": r.window.number},
        ),
        (
            CaseMaterial.history.filter(case_id=case.pk, history_type="~", received=True),
            lambda r: (
                _("Material received: %(name)s (%(pages)s pages)")
                % {"name": r.name, "pages": r.pages}
            ),
        ),
    ]
    for queryset, describe in related:
        for record in queryset.select_related("history_user"):
            entries.append(
                TimelineEntry(record.history_date, _who(record.history_user), describe(record))
            )
    return sorted(entries, key=lambda e: e.at)
