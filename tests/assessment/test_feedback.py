"""R-SCORE-4: the quarter's report reaches the departments when its last month
becomes final, not on a fixed day before the month is even published."""

import datetime as dt

import pytest
from django.utils import timezone

from assessment import services as svc
from assessment.models import Period
from hall.models import Alert

pytestmark = pytest.mark.django_db


def _final(month: dt.date, *, supervisor, director, django_capture_on_commit_callbacks):
    now = timezone.make_aware(dt.datetime(month.year, month.month, 1) + dt.timedelta(days=40))
    period = svc.period_compute(kind="month", start=month, actor=supervisor, now=now)
    svc.period_review(period=period, actor=supervisor, now=now)
    period = svc.period_publish(period=period, actor=director, now=now)
    with django_capture_on_commit_callbacks(execute=True):
        svc.period_finalise(
            period=period, actor=director, now=period.objections_until + dt.timedelta(seconds=1)
        )
    return period


def test_the_department_hears_of_the_quarter_when_its_last_month_is_final(
    hall, clerk, department_head, supervisor, director, django_capture_on_commit_callbacks
):
    _final(
        dt.date(2026, 8, 1),
        supervisor=supervisor,
        director=director,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert not Alert.objects.filter(user=department_head, key__startswith="assessment:report")
    _final(
        dt.date(2026, 9, 1),
        supervisor=supervisor,
        director=director,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    keys = set(
        Alert.objects.filter(user=department_head, key__startswith="assessment:report").values_list(
            "key", flat=True
        )
    )
    assert keys == {f"assessment:report:2026-Q3:{hall.department.pk}"}
    assert Period.objects.get(start=dt.date(2026, 9, 1)).status == Period.Status.FINAL


def test_june_brings_the_half_years_staff_circulation_too(
    hall, clerk, department_head, supervisor, director, django_capture_on_commit_callbacks
):
    _final(
        dt.date(2026, 6, 1),
        supervisor=supervisor,
        director=director,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    keys = set(
        Alert.objects.filter(user=department_head, key__startswith="assessment:report").values_list(
            "key", flat=True
        )
    )
    assert keys == {
        f"assessment:report:2026-Q2:{hall.department.pk}",
        f"assessment:report:2026-H1:{hall.department.pk}",
    }
