"""The monthly attendance report against hand-counted fixtures (R-ORG-7)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from hall.roles import Role
from staff.attendance import (
    attendance_sign_in,
    breaches_check,
    whereabouts_post,
    whereabouts_return,
)
from staff.leave_visits import leave_decide, leave_request
from staff.models import StaffMember
from staff.reports import attendance_report
from tests.factories import StaffMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def at(day, hour, minute=0, month=10):
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


@pytest.fixture
def october(clerk, window_head, hall):
    """Hand-counted October for the clerk (王小明) and a colleague (赵六):
    王小明: 3 sessions, 1 late (10/12 morning at 8:55), 2 signs of which 1 breach (25 min);
    赵六: 1 session on time, 2 days of leave (10/14–10/15); a September session not counted."""
    wang = StaffMember.objects.get(user=clerk)
    zhao_user = UserFactory(username="zhao", first_name="赵六", roles=[Role.CLERK])
    zhao = StaffMemberFactory(
        user=zhao_user, window=hall.window, department=hall.department, name="赵六"
    )
    attendance_sign_in(actor=clerk, member=wang, now=at(12, 8, 55))
    attendance_sign_in(actor=clerk, member=wang, now=at(12, 13, 10))
    attendance_sign_in(actor=clerk, member=wang, now=at(13, 8, 40))
    attendance_sign_in(actor=zhao_user, member=zhao, now=at(13, 8, 45))
    attendance_sign_in(actor=zhao_user, member=zhao, now=at(30, 8, 45, month=9))
    first = whereabouts_post(
        actor=clerk, member=wang, now=at(12, 10), reason="复印", expected_back=at(12, 10, 10)
    )
    whereabouts_return(actor=clerk, sign=first, now=at(12, 10, 25))
    second = whereabouts_post(
        actor=clerk, member=wang, now=at(13, 10), reason="取件", expected_back=at(13, 10, 10)
    )
    whereabouts_return(actor=clerk, sign=second, now=at(13, 10, 5))
    breaches_check(now=at(13, 11))
    request = leave_request(
        actor=zhao_user,
        member=zhao,
        starts_at=at(14, 0),
        ends_at=at(16, 0),
        reason="事假",
        now=at(13, 9),
    )
    leave_decide(actor=window_head, request=request, approve=True, now=at(13, 9, 5))
    return wang, zhao


def test_the_report_matches_the_hand_counted_month(october):
    wang, zhao = october
    report = attendance_report(
        StaffMember.objects.filter(pk__in=[wang.pk, zhao.pk]), year=2026, month=10
    )
    rows = {
        r.member.name: (r.sessions, r.late, r.signs, r.breaches, r.leave_days) for r in report.rows
    }
    assert rows == {"王小明": (3, 1, 2, 1, 0), "赵六": (1, 0, 0, 0, 2)}
    assert (report.total("sessions"), report.total("leave_days")) == (4, 2)


def test_the_excel_and_the_pdf_carry_the_same_totals(client, supervisor, october):
    client.force_login(supervisor)
    xlsx = client.get(reverse("staff:attendance_report_file", args=["xlsx"]), {"month": "2026-10"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][3:] == (4, 1, 2, 1, 2)
    pdf = client.get(reverse("staff:attendance_report_file", args=["pdf"]), {"month": "2026-10"})
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "王小明" in text and "赵六" in text


def test_a_department_head_sees_only_their_own_staff(client, department_head, hall, october):
    other = StaffMemberFactory(
        user=UserFactory(username="other", first_name="外单位", roles=[Role.CLERK]),
        window=hall.other_window,
        department=hall.other_department,
        name="外单位",
    )
    client.force_login(department_head)
    page = client.get(reverse("staff:attendance_report"), {"month": "2026-10"}).content.decode()
    assert "王小明" in page and other.name not in page


@pytest.mark.parametrize(
    "persona, status",
    [("clerk", 403), ("applicant", 403), ("supervisor", 200), ("window_head", 200)],
)
def test_the_report_is_for_heads_and_the_center(client, request, hall, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("staff:attendance_report")).status_code == status
