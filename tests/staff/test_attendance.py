"""Attendance and whereabouts signs (R-ORG-7)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accountability.models import Occurrence
from staff.attendance import (
    attendance_sign_in,
    attendance_sign_out,
    breaches_check,
    whereabouts_approve,
    whereabouts_post,
    whereabouts_return,
)
from staff.models import Attendance, StaffMember, WhereaboutsSign

pytestmark = pytest.mark.django_db


def at(hour, minute, second=0, day=12):
    return timezone.make_aware(dt.datetime(2026, 10, day, hour, minute, second))


@pytest.fixture
def member(clerk):
    return StaffMember.objects.get(user=clerk)


@pytest.mark.parametrize(
    "when, late",
    [
        (at(8, 49), False),
        (at(8, 50), False),
        (at(8, 50, 1), True),
        (at(8, 51), True),
        (at(13, 20), False),
        (at(13, 21), True),
    ],
)
def test_lateness_is_judged_ten_minutes_before_opening(clerk, member, when, late):
    # R-ORG-7: on post 10 minutes before opening (9:00 and 13:30 by the weekly pattern).
    record = attendance_sign_in(actor=clerk, member=member, now=when)
    assert record.late is late
    assert record.session == ("morning" if when.hour < 12 else "afternoon")


def test_a_supervisor_may_sign_a_clerk_in_but_a_colleague_may_not(member, supervisor, window_head):
    attendance_sign_in(actor=supervisor, member=member, now=at(8, 40))
    assert Attendance.objects.get().signed_in_by == supervisor
    with pytest.raises(PermissionDenied):
        attendance_sign_in(actor=window_head, member=member, now=at(13, 0))


def test_signing_in_twice_for_a_session_is_refused(clerk, member):
    attendance_sign_in(actor=clerk, member=member, now=at(8, 40))
    with pytest.raises(ValidationError):
        attendance_sign_in(actor=clerk, member=member, now=at(9, 40))
    attendance_sign_out(actor=clerk, member=member, now=at(12, 0))
    assert Attendance.objects.get().signed_out_at == at(12, 0)


def test_an_absence_over_twenty_minutes_without_leave_is_one_breach(clerk, member):
    sign = whereabouts_post(
        actor=clerk, member=member, now=at(10, 0), reason="复印材料", expected_back=at(10, 10)
    )
    breaches_check(now=at(10, 20))
    assert not Occurrence.objects.exists()  # exactly 20 minutes is still allowed
    breaches_check(now=at(10, 21))
    breaches_check(now=at(10, 30))
    whereabouts_return(actor=clerk, sign=sign, now=at(10, 40))
    breaches_check(now=at(11, 0))
    occurrence = Occurrence.objects.get()
    assert occurrence.rule == "R-ORG-7" and occurrence.source_id == sign.pk
    assert occurrence.person == clerk and occurrence.window == member.window


def test_a_return_within_twenty_minutes_is_no_breach(clerk, member):
    sign = whereabouts_post(
        actor=clerk, member=member, now=at(10, 0), reason="取件", expected_back=at(10, 15)
    )
    whereabouts_return(actor=clerk, sign=sign, now=at(10, 19))
    breaches_check(now=at(11, 0))
    assert not Occurrence.objects.exists()


def test_leave_from_the_window_head_with_a_substitute_is_no_breach(clerk, member, window_head):
    sign = whereabouts_post(
        actor=clerk, member=member, now=at(10, 0), reason="参加培训", expected_back=at(11, 0)
    )
    substitute = StaffMember.objects.get(user=window_head)
    whereabouts_approve(actor=window_head, sign=sign, substitute=substitute, now=at(10, 1))
    breaches_check(now=at(10, 45))
    assert not Occurrence.objects.exists()


def test_only_the_window_head_grants_leave(clerk, member, supervisor):
    sign = whereabouts_post(
        actor=clerk, member=member, now=at(10, 0), reason="外出", expected_back=at(10, 30)
    )
    with pytest.raises(PermissionDenied):
        whereabouts_approve(actor=clerk, sign=sign, substitute=member, now=at(10, 1))
    with pytest.raises(PermissionDenied):
        whereabouts_approve(actor=supervisor, sign=sign, substitute=member, now=at(10, 1))


def test_a_sign_needs_a_reason_and_a_future_return(clerk, member):
    with pytest.raises(ValidationError):
        whereabouts_post(
            actor=clerk, member=member, now=at(10, 0), reason="", expected_back=at(10, 30)
        )
    with pytest.raises(ValidationError):
        whereabouts_post(
            actor=clerk, member=member, now=at(10, 0), reason="外出", expected_back=at(9, 30)
        )
    assert not WhereaboutsSign.objects.exists()


def test_the_home_page_signs_in_and_posts_the_whereabouts_sign(client, clerk, window_head):
    client.force_login(clerk)
    client.post(reverse("staff:sign_in"))
    assert Attendance.objects.count() == 1
    back = (timezone.localtime() + dt.timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M")
    client.post(reverse("staff:whereabouts_new"), {"reason": "复印材料", "expected_back": back})
    assert 'data-testid="my-sign"' in client.get(reverse("home")).content.decode()
    client.force_login(window_head)
    assert 'data-testid="window-sign"' in client.get(reverse("home")).content.decode()
