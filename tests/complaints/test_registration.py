"""Complaints from every channel (R-COMP-1), the public form against bad input, and the
complainant's protection (R-COMP-4)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import FirstInquiry
from complaints.models import Complaint
from complaints.services import complaint_register, complaint_submit_public, may_see_contact
from staff.models import StaffMember

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 10, 12, 10, 0))


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def complaint(hall, **kw):
    data = {
        "channel": "phone",
        "received_at": NOW - dt.timedelta(hours=1),
        "complainant_name": "刘投诉",
        "complainant_phone": "13912345678",
        "complainant_address": "城关镇幸福路 8 号",
        "content": "窗口人员态度生硬，材料一次没说清。",
        "window": hall.window,
    }
    data.update(kw)
    return Complaint(**data)


@pytest.mark.parametrize("channel", ["on_site", "phone", "letter", "hotline"])
def test_an_inspector_or_supervisor_registers_from_each_channel(
    hall, inspector, supervisor, channel
):
    for actor in (inspector, supervisor):
        c = complaint_register(actor=actor, complaint=complaint(hall, channel=channel), now=NOW)
        assert c.number.startswith("TS2026-") and len(c.tracking_code) == 8
        assert c.status == "registered" and c.registered_by == actor
        assert c.history.latest().history_user == actor


@pytest.mark.parametrize("persona", ["clerk", "window_head", "department_head", "director"])
def test_others_do_not_register(request, hall, persona):
    with pytest.raises(PermissionDenied):
        complaint_register(
            actor=request.getfixturevalue(persona), complaint=complaint(hall), now=NOW
        )
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("complainant_phone", "123"),
        ("complainant_name", " "),
        ("content", ""),
        ("content", "长" * 2001),
        ("received_at", NOW + dt.timedelta(minutes=5)),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(hall, inspector, field, value):
    with pytest.raises(ValidationError) as exc:
        complaint_register(actor=inspector, complaint=complaint(hall, **{field: value}), now=NOW)
    assert field in exc.value.message_dict
    assert not Complaint.objects.exists()


def test_the_person_complained_about_must_work_at_that_window(hall, inspector, clerk):
    member = StaffMember.objects.get(user=clerk)
    with pytest.raises(ValidationError) as exc:
        complaint_register(
            actor=inspector,
            complaint=complaint(hall, window=hall.other_window, staff_member=member),
            now=NOW,
        )
    assert "staff_member" in exc.value.message_dict


def test_a_first_inquiry_record_is_registered_once(hall, inspector, clerk):
    inquiry = FirstInquiry.objects.create(
        window=hall.window,
        received_by=clerk,
        received_at=NOW - dt.timedelta(hours=2),
        inquirer_name="赵反映",
        inquirer_phone="13700001111",
        subject="反映B01窗口收取材料费",
        disposition=FirstInquiry.Disposition.REPORT,
    )
    c = complaint_register(
        actor=inspector,
        complaint=complaint(hall, inquiry=inquiry, window=None, channel="phone"),
        now=NOW,
    )
    assert c.channel == "first_inquiry" and c.window == hall.window
    with translation.override("en"), pytest.raises(ValidationError, match="registered already"):
        complaint_register(actor=inspector, complaint=complaint(hall, inquiry=inquiry), now=NOW)
    answered = FirstInquiry.objects.create(
        window=hall.window,
        received_by=clerk,
        received_at=NOW,
        subject="问营业时间",
        disposition=FirstInquiry.Disposition.ANSWERED,
    )
    with translation.override("en"), pytest.raises(ValidationError, match="not a report"):
        complaint_register(actor=inspector, complaint=complaint(hall, inquiry=answered), now=NOW)


def test_contact_data_only_for_inspectors_and_the_assigned_handler(
    hall, inspector, supervisor, director, clerk, window_head, department_head
):
    member = StaffMember.objects.get(user=clerk)
    c = complaint_register(actor=inspector, complaint=complaint(hall, staff_member=member), now=NOW)
    assert may_see_contact(inspector, c)
    for user in (supervisor, director, clerk, window_head, department_head):
        assert not may_see_contact(user, c)
    c.handler = department_head
    assert may_see_contact(department_head, c)
    c.handler = clerk  # even if wrongly assigned, the person complained about never sees it
    assert not may_see_contact(clerk, c)


def test_the_detail_page_masks_the_complainant_for_a_supervisor(
    client, hall, inspector, supervisor
):
    c = complaint_register(actor=inspector, complaint=complaint(hall), now=NOW)
    client.force_login(inspector)
    body = client.get(reverse("complaints:detail", args=[c.number])).content.decode()
    assert "13912345678" in body and "幸福路" in body
    client.force_login(supervisor)
    body = client.get(reverse("complaints:detail", args=[c.number])).content.decode()
    assert "13912345678" not in body and "幸福路" not in body and "139****5678" in body


@pytest.mark.parametrize("persona", ["clerk", "window_head", "department_head", "applicant"])
def test_window_and_department_people_do_not_open_the_register(client, request, hall, persona):
    c = complaint_register(
        actor=request.getfixturevalue("inspector"), complaint=complaint(hall), now=NOW
    )
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("complaints:list")).status_code == 403
    assert client.get(reverse("complaints:detail", args=[c.number])).status_code == 403
    assert client.get(reverse("complaints:new")).status_code == 403


def test_the_public_form_gives_a_number_and_code_and_tracking_shows_no_personal_data(client, hall):
    response = client.post(
        reverse("complaints:public_new"),
        {
            "complainant_name": "钱群众",
            "complainant_phone": "139 1234 5678",
            "window": hall.window.pk,
            "content": "办事要求提供不必要的证明。",
        },
    )
    assert response.status_code == 200
    c = Complaint.objects.get()
    assert c.channel == "web" and c.registered_by is None and c.public_violation
    assert c.complainant_phone == "13912345678"
    body = response.content.decode()
    assert c.number in body and c.tracking_code in body
    response = client.post(
        reverse("complaints:public_track"), {"number": c.number, "code": c.tracking_code}
    )
    body = response.content.decode()
    assert 'data-testid="complaint-result"' in body and "已登记" in body
    assert "钱群众" not in body and "13912345678" not in body


def test_the_public_form_refuses_bad_input_with_clear_messages_and_keeps_it(client, hall):
    response = client.post(
        reverse("complaints:public_new"),
        {
            "complainant_name": "钱群众",
            "complainant_phone": "1391234",
            "case_number": "2026-Z99-000001",
            "content": "长" * 2100,
        },
    )
    body = response.content.decode()
    assert 'data-testid="error-complainant_phone"' in body
    assert 'data-testid="error-case_number"' in body
    assert "钱群众" in body
    assert not Complaint.objects.exists()
    response = client.post(
        reverse("complaints:public_new"),
        {"complainant_name": "钱群众", "complainant_phone": "13912345678", "content": "长" * 2100},
    )
    assert "2000" in response.content.decode()
    assert not Complaint.objects.exists()


@override_settings(HALL_COMPLAINT_MAX_PER_HOUR=2)
def test_the_public_form_is_rate_limited(client, hall):
    data = {"complainant_name": "钱", "complainant_phone": "13912345678", "content": "投诉"}
    for _ in range(2):
        assert client.post(reverse("complaints:public_new"), data).status_code == 200
    assert client.post(reverse("complaints:public_new"), data).status_code == 429
    assert Complaint.objects.count() == 2


def test_wrong_tracking_codes_are_limited(client, hall):
    c = complaint_submit_public(complaint=complaint(hall), now=NOW)
    for _ in range(5):
        client.post(reverse("complaints:public_track"), {"number": c.number, "code": "WRONG"})
    response = client.post(
        reverse("complaints:public_track"), {"number": c.number, "code": c.tracking_code}
    )
    assert 'data-testid="complaint-result"' not in response.content.decode()


def test_a_web_complaint_opens_for_the_inspector_with_its_history(client, hall, inspector):
    # the public submission has no user in its history: the page must still render
    c = complaint_submit_public(complaint=complaint(hall), now=NOW)
    client.force_login(inspector)
    response = client.get(reverse("complaints:detail", args=[c.number]))
    assert response.status_code == 200
    assert "投诉人网上提交" in response.content.decode()
