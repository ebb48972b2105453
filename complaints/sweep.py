"""The complaints' part of the supervision sweep: every clock that ran out is flagged
once, with a history row, and the inspectors (and the one who owes the step) are told.

Each flag is one ``UPDATE … SET flag = now WHERE flag IS NULL AND id IN (<due
rows>) RETURNING id``: a second run, or a second worker, finds the flag set and
changes nothing, so each lateness is recorded and alerted once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.alerts import AlertSpec, alerts_send

from .models import Complaint, Rectification
from .rectification import inspectors, window_managers


@dataclass
class ComplaintSweepReport:
    flagged: dict[str, int] = field(default_factory=dict)
    alerts: int = 0


def _flag(model, flag: str, due_rows, now, extra_set: str = "") -> list[int]:
    """Set `flag` = now on the due rows whose flag is still empty; return their ids."""
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    subquery, params = due_rows.values("pk").query.sql_with_params()
    sql = (
        f"UPDATE {table} SET {q(flag)} = %s{extra_set} "
        f"WHERE {q(flag)} IS NULL AND {q('id')} IN ({subquery}) RETURNING {q('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, *params])
        ids = [row[0] for row in cursor.fetchall()]
    # One history row per changed row, in one INSERT, as the cases sweep does.
    model.history.bulk_history_create(
        list(model.objects.filter(pk__in=ids)),
        update=True,
        default_change_reason="sweep",
    )
    return ids


def complaints_sweep(now: dt.datetime | None = None) -> ComplaintSweepReport:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    report = ComplaintSweepReport()
    specs: list[AlertSpec] = []
    center = inspectors()
    S, RS = Complaint.Status, Rectification.Status

    with transaction.atomic():
        open_complaints = Complaint.objects.exclude(status=S.CONCLUDED)
        late_steps = _flag(
            Complaint,
            "step_late_at",
            open_complaints.filter(step_due__lt=today),
            now,
            extra_set=", late_steps = late_steps + 1",
        )
        late_conclusions = _flag(
            Complaint,
            "conclusion_late_at",
            open_complaints.filter(conclusion_due__lt=today),
            now,
        )
        open_rect = Rectification.objects.filter(status__in=Rectification.OPEN_STATUSES)
        late_callbacks = _flag(
            Rectification,
            "callback_late_at",
            open_rect.filter(called_back_at__isnull=True, callback_due__lt=today),
            now,
        )
        late_rectifications = _flag(
            Rectification,
            "rectify_late_at",
            open_rect.exclude(status=RS.REPORTED).filter(rectify_due__lt=today),
            now,
        )
    report.flagged = {
        "complaint_step": len(late_steps),
        "complaint_conclusion": len(late_conclusions),
        "rectification_callback": len(late_callbacks),
        "rectification": len(late_rectifications),
    }

    for complaint in Complaint.objects.filter(pk__in=late_steps).annotate(n=F("late_steps")):
        url = reverse("complaints:detail", args=[complaint.number])
        title = _("Complaint %(number)s: the step “%(status)s” is overdue") % {
            "number": complaint.number,
            "status": complaint.get_status_display(),
        }
        owner = {complaint.handler_id} if complaint.status == S.TRANSFERRED else set()
        for user in (set(center) | owner) - {None}:
            specs.append(
                AlertSpec(
                    user, f"complaint:{complaint.pk}:step:{complaint.n}", "danger", title, url=url
                )
            )
    for complaint in Complaint.objects.filter(pk__in=late_conclusions):
        url = reverse("complaints:detail", args=[complaint.number])
        title = _("Complaint %(number)s was not concluded within the month") % {
            "number": complaint.number
        }
        for user in center:
            specs.append(
                AlertSpec(user, f"complaint:{complaint.pk}:month", "danger", title, url=url)
            )
    rectifications = Rectification.objects.select_related("window__department")
    for kind, ids, text in (
        ("callback", late_callbacks, _("Bad review at window %(window)s: call-back overdue")),
        (
            "rectify",
            late_rectifications,
            _("Bad review at window %(window)s: rectification overdue"),
        ),
    ):
        for rectification in rectifications.filter(pk__in=ids):
            url = reverse("complaints:rectification", args=[rectification.pk])
            title = text % {"window": rectification.window.number}
            for user in set(center) | window_managers(rectification.window):
                specs.append(
                    AlertSpec(
                        user, f"rectification:{rectification.pk}:{kind}", "danger", title, url=url
                    )
                )
    report.alerts = alerts_send(specs, now=now)
    return report


def overdue_counts(today: dt.date, windows=None) -> dict[str, int]:
    """The overview's figures: open complaint steps and rectifications past due (of
    `windows` when given)."""
    open_complaints = Complaint.objects.exclude(status=Complaint.Status.CONCLUDED)
    open_rect = Rectification.objects.filter(status__in=Rectification.OPEN_STATUSES)
    if windows is not None:
        open_complaints = open_complaints.filter(
            Q(window__in=windows) | Q(transferred_to__in=windows)
        )
        open_rect = open_rect.filter(window__in=windows)
    return {
        "complaints": open_complaints.filter(
            Q(step_due__lt=today) | Q(conclusion_due__lt=today)
        ).count(),
        "rectifications": open_rect.filter(
            Q(called_back_at__isnull=True, callback_due__lt=today)
            | Q(rectify_due__lt=today, status__in=("open", "rectifying", "appealed"))
        ).count(),
    }
