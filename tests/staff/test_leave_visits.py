"""Leave requests (R-ORG-7) and department heads' visits (R-ORG-8)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from hall.roles import Role
from staff.leave_visits import leave_decide, leave_request, visit_figures, visit_record
from staff.models import Absence, DepartmentVisit, StaffMember
from staff.substitution import acting_for
from tests.factories import StaffMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 10, 12, 9, 0))


@pytest.fixture
def holder_a(clerk, hall):
    post = StaffMember.objects.get(user=clerk).post
    user = UserFactory(username="aholder", first_name="张甲", roles=[Role.CLERK])
    return StaffMemberFactory(
        user=user, window=hall.window, department=hall.department, post=post, slot="A"
    )


def ask(member, **kwargs):
    values = {
        "starts_at": NOW + dt.timedelta(days=1),
        "ends_at": NOW + dt.timedelta(days=2),
        "reason": "事假",
        "handover_note": "见交接本",
        "now": NOW,
    }
    values.update(kwargs)
    return leave_request(actor=member.user, member=member, **values)


def test_approved_leave_becomes_an_absence_and_b_acts_for_a(holder_a, window_head, clerk, hall):
    request = ask(holder_a)
    leave_decide(actor=window_head, request=request, approve=True, now=NOW)
    absence = Absence.objects.get()
    assert absence.member == holder_a and absence.reason == "leave"
    assert acting_for(clerk, hall.window, NOW + dt.timedelta(days=1, hours=1)) == holder_a.user
    assert acting_for(clerk, hall.window, NOW) is None  # not yet


def test_refused_leave_makes_no_absence(holder_a, window_head):
    leave_decide(actor=window_head, request=ask(holder_a), approve=False, now=NOW)
    assert not Absence.objects.exists()


def test_only_the_window_head_decides_and_only_once(holder_a, window_head, clerk, supervisor):
    request = ask(holder_a)
    for someone in (clerk, supervisor, holder_a.user):
        with pytest.raises(PermissionDenied):
            leave_decide(actor=someone, request=request, approve=True, now=NOW)
    leave_decide(actor=window_head, request=request, approve=True, now=NOW)
    with pytest.raises(ValidationError):
        leave_decide(actor=window_head, request=request, approve=False, now=NOW)


def test_a_leave_request_needs_a_reason_and_an_end_after_the_start(holder_a):
    with pytest.raises(ValidationError):
        ask(holder_a, reason="")
    with pytest.raises(ValidationError):
        ask(holder_a, ends_at=NOW)


def test_the_department_head_logs_a_visit_and_the_month_counts_it(department_head, hall):
    visit_record(
        actor=department_head,
        department=hall.department,
        visited_on=dt.date(2026, 10, 9),
        checked="窗口服务规范",
        today=dt.date(2026, 10, 12),
    )
    rows = visit_figures(department_head, year=2026, month=10)
    assert [(r.department, r.this_month, r.this_year, r.target) for r in rows] == [
        (hall.department, 1, 1, 12)
    ]


def test_a_visit_by_someone_else_or_in_the_future_is_refused(department_head, hall, supervisor):
    with pytest.raises(PermissionDenied):
        visit_record(
            actor=supervisor,
            department=hall.department,
            visited_on=dt.date(2026, 10, 9),
            checked="x",
            today=dt.date(2026, 10, 12),
        )
    with pytest.raises(ValidationError):
        visit_record(
            actor=department_head,
            department=hall.department,
            visited_on=dt.date(2026, 10, 13),
            checked="x",
            today=dt.date(2026, 10, 12),
        )
    assert not DepartmentVisit.objects.exists()


def test_the_monthly_list_shows_departments_without_a_visit(
    client, supervisor, department_head, hall
):
    client.force_login(department_head)
    client.post(
        reverse("staff:visits"),
        {"visited_on": timezone.localdate().isoformat(), "checked": "检查窗口考勤"},
    )
    client.force_login(supervisor)
    page = client.get(reverse("staff:visits")).content.decode()
    assert page.count('data-testid="visit-row"') == 2
    assert page.count('data-testid="no-visit"') == 1  # only the other department


def test_a_department_head_sees_only_their_department(client, department_head, hall):
    client.force_login(department_head)
    page = client.get(reverse("staff:visits")).content.decode()
    assert hall.department.name in page and hall.other_department.name not in page


def test_the_visits_page_is_refused_to_a_clerk(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("staff:visits")).status_code == 403


def test_the_window_head_approves_leave_on_the_home_page(client, holder_a, window_head):
    request = ask(holder_a)
    client.force_login(window_head)
    assert 'data-testid="pending-leave"' in client.get(reverse("home")).content.decode()
    client.post(reverse("staff:leave_decide", args=[request.pk]), {"decision": "approve"})
    request.refresh_from_db()
    assert request.status == "approved" and request.absence is not None


def test_the_duty_rota_summarises_the_month(client, supervisor, clerk):
    from staff.models import DutyShift

    DutyShift.objects.create(date=dt.date(2026, 10, 9), leader="王县长", attended=True)
    DutyShift.objects.create(date=dt.date(2026, 10, 16), leader="李副县长", attended=False)
    DutyShift.objects.create(date=dt.date(2026, 10, 23), leader="赵副县长")
    DutyShift.objects.create(date=dt.date(2026, 11, 6), leader="王县长", attended=True)
    client.force_login(supervisor)
    response = client.get(reverse("staff:rota"), {"month": "2026-10"})
    assert response.context["summary"] == {"scheduled": 3, "came": 1, "missed": 1, "open": 1}
    assert response.content.decode().count('data-testid="shift"') == 3
    client.force_login(clerk)
    assert client.get(reverse("staff:rota")).status_code == 403


def test_a_person_sees_their_training_on_the_home_page(client, clerk):
    from staff.models import TrainingRecord

    TrainingRecord.objects.create(
        member=StaffMember.objects.get(user=clerk),
        kind="pre_service",
        title="窗口服务规范岗前培训",
        date=dt.date(2026, 3, 1),
        hours=16,
    )
    client.force_login(clerk)
    assert "窗口服务规范岗前培训" in client.get(reverse("home")).content.decode()
