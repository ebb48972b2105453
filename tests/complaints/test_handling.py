"""Handling a complaint (R-COMP-2, R-COMP-3): each step, each illegal step refused, the
deadlines on the 2026 calendar, the one-month rule, the occurrence recorded once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from accountability.models import Occurrence
from complaints.handling import (
    complaint_conclude,
    complaint_flag_retaliation,
    complaint_order_reply,
    complaint_propose,
    complaint_reinvestigate,
    complaint_reply,
    complaint_satisfaction,
    complaint_transfer,
)
from complaints.models import Complaint
from complaints.services import complaint_register, may_see_contact
from staff.models import StaffMember
from staff.returns import return_check
from tests.complaints.test_registration import complaint

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(dt.datetime(*args))


NOW = at(2026, 9, 30, 10, 0)  # a Wednesday before the National Day holiday


@pytest.fixture(autouse=True)
def _english_messages():
    translation.activate("en")


@pytest.fixture
def registered(hall, inspector, clerk):
    return complaint_register(
        actor=inspector,
        complaint=complaint(
            hall, staff_member=StaffMember.objects.get(user=clerk), received_at=at(2026, 9, 30, 9)
        ),
        now=NOW,
    )


@pytest.fixture
def transferred(registered, inspector, department_head, hall):
    return complaint_transfer(
        actor=inspector, complaint=registered, window=hall.window, handler=department_head, now=NOW
    )


def test_the_transfer_deadline_skips_the_national_day_holiday(transferred, department_head):
    # 5 working days after 30 September 2026: 8, 9, 10 (make-up Saturday), 12, 13 October.
    assert transferred.response_due == dt.date(2026, 10, 13)
    assert transferred.status == "transferred" and transferred.handler == department_head
    assert may_see_contact(department_head, transferred)


def test_the_person_complained_about_cannot_be_the_handler(registered, inspector, clerk, hall):
    with pytest.raises(ValidationError, match="cannot handle"):
        complaint_transfer(
            actor=inspector, complaint=registered, window=hall.window, handler=clerk, now=NOW
        )
    registered.refresh_from_db()
    assert registered.status == "registered"


def test_the_whole_way_to_a_verified_conclusion_and_one_occurrence(
    transferred, inspector, department_head, clerk
):
    complaint_propose(
        actor=department_head, complaint=transferred, proposal="约谈当事人，致歉", now=NOW
    )
    complaint_reply(actor=inspector, complaint=transferred, reply="已电话答复", now=NOW)
    complaint_satisfaction(actor=inspector, complaint=transferred, satisfied=True, now=NOW)
    complaint_conclude(
        actor=inspector, complaint=transferred, outcome="verified", reasons="查实态度生硬", now=NOW
    )
    transferred.refresh_from_db()
    assert transferred.status == "concluded" and transferred.outcome == "verified"
    occurrence = Occurrence.objects.get()
    assert (occurrence.rule, occurrence.person, occurrence.window_id) == (
        "R-COMP-2",
        clerk,
        transferred.window_id,
    )
    with pytest.raises(ValidationError, match="Not possible"):
        complaint_conclude(
            actor=inspector, complaint=transferred, outcome="verified", reasons="x", now=NOW
        )
    assert Occurrence.objects.count() == 1
    assert transferred.history.filter(history_user=department_head).exists()


def test_an_unfounded_complaint_records_no_occurrence(transferred, inspector, department_head):
    complaint_propose(actor=department_head, complaint=transferred, proposal="经查无此事", now=NOW)
    complaint_reply(actor=inspector, complaint=transferred, reply="已答复", now=NOW)
    complaint_satisfaction(actor=inspector, complaint=transferred, satisfied=True, now=NOW)
    complaint_conclude(
        actor=inspector,
        complaint=transferred,
        outcome="unfounded",
        reasons="监控显示无此事",
        now=NOW,
    )
    assert not Occurrence.objects.exists()


def test_not_satisfied_means_reinvestigation_before_a_conclusion(
    transferred, inspector, department_head, hall
):
    complaint_propose(actor=department_head, complaint=transferred, proposal="解释政策", now=NOW)
    complaint_reply(actor=inspector, complaint=transferred, reply="已答复", now=NOW)
    with pytest.raises(ValidationError, match="satisfied first"):
        complaint_conclude(
            actor=inspector, complaint=transferred, outcome="unfounded", reasons="x", now=NOW
        )
    complaint_satisfaction(actor=inspector, complaint=transferred, satisfied=False, now=NOW)
    with pytest.raises(ValidationError, match="re-investigate"):
        complaint_conclude(
            actor=inspector, complaint=transferred, outcome="unfounded", reasons="x", now=NOW
        )
    complaint_reinvestigate(actor=inspector, complaint=transferred, direct=False, now=NOW)
    assert transferred.status == "reinvestigating"
    later = at(2026, 10, 14, 9)
    complaint_transfer(
        actor=inspector,
        complaint=transferred,
        window=hall.window,
        handler=department_head,
        now=later,
    )
    assert transferred.response_due == dt.date(2026, 10, 21)
    assert transferred.proposal == ""


def test_direct_investigation_makes_the_inspector_the_handler(
    transferred, inspector, department_head
):
    complaint_propose(actor=department_head, complaint=transferred, proposal="解释", now=NOW)
    complaint_reply(actor=inspector, complaint=transferred, reply="已答复", now=NOW)
    complaint_satisfaction(actor=inspector, complaint=transferred, satisfied=False, now=NOW)
    complaint_reinvestigate(actor=inspector, complaint=transferred, direct=True, now=NOW)
    assert transferred.handler == inspector and transferred.direct_investigation
    complaint_conclude(
        actor=inspector, complaint=transferred, outcome="verified", reasons="直查属实", now=NOW
    )
    assert transferred.status == "concluded"


def test_the_window_replies_only_when_ordered(transferred, inspector, department_head):
    complaint_propose(actor=department_head, complaint=transferred, proposal="致歉", now=NOW)
    with pytest.raises(PermissionDenied):
        complaint_reply(actor=department_head, complaint=transferred, reply="x", now=NOW)
    complaint_order_reply(actor=inspector, complaint=transferred, now=NOW)
    complaint_reply(actor=department_head, complaint=transferred, reply="已当面致歉", now=NOW)
    assert transferred.status == "replied"


@pytest.mark.parametrize("persona", ["clerk", "window_head", "supervisor", "director"])
def test_only_inspectors_transfer_and_conclude(request, registered, hall, department_head, persona):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        complaint_transfer(
            actor=actor, complaint=registered, window=hall.window, handler=department_head, now=NOW
        )
    with pytest.raises(PermissionDenied):
        complaint_flag_retaliation(actor=actor, complaint=registered, suspected=True, now=NOW)


def test_steps_out_of_order_are_refused(registered, inspector, department_head):
    with pytest.raises(PermissionDenied):
        complaint_propose(actor=department_head, complaint=registered, proposal="x", now=NOW)
    with pytest.raises(ValidationError, match="Not possible"):
        complaint_reply(actor=inspector, complaint=registered, reply="x", now=NOW)
    with pytest.raises(ValidationError, match="Not possible"):
        complaint_satisfaction(actor=inspector, complaint=registered, satisfied=True, now=NOW)
    with pytest.raises(ValidationError, match="Not possible"):
        complaint_reinvestigate(actor=inspector, complaint=registered, direct=True, now=NOW)
    registered.refresh_from_db()
    assert registered.status == "registered"


def test_an_empty_proposal_is_refused(transferred, department_head):
    with pytest.raises(ValidationError) as exc:
        complaint_propose(actor=department_head, complaint=transferred, proposal="  ", now=NOW)
    assert "proposal" in exc.value.message_dict


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(2026, 9, 30, 9), dt.date(2026, 10, 30)),
        (at(2026, 1, 31, 9), dt.date(2026, 2, 28)),  # the month's last day
    ],
)
def test_a_public_violation_is_due_within_one_month(
    hall, inspector, department_head, received, due
):
    c = complaint_register(
        actor=inspector,
        complaint=complaint(hall, received_at=received, public_violation=True),
        now=NOW,
    )
    complaint_transfer(
        actor=inspector, complaint=c, window=hall.window, handler=department_head, now=NOW
    )
    assert c.conclusion_due == due


def test_two_verified_complaints_meet_the_return_rule(hall, inspector, department_head, clerk):
    member = StaffMember.objects.get(user=clerk)
    for n in range(2):
        c = complaint_register(
            actor=inspector,
            complaint=complaint(hall, staff_member=member, received_at=at(2026, 9, 29, 9)),
            now=NOW,
        )
        complaint_transfer(
            actor=inspector, complaint=c, window=hall.window, handler=department_head, now=NOW
        )
        complaint_propose(actor=department_head, complaint=c, proposal="致歉", now=NOW)
        complaint_reply(actor=inspector, complaint=c, reply="已答复", now=NOW)
        complaint_satisfaction(actor=inspector, complaint=c, satisfied=True, now=NOW)
        complaint_conclude(
            actor=inspector, complaint=c, outcome="verified", reasons=f"查实{n}", now=NOW
        )
        candidates, _legend = return_check(today=dt.date(2026, 10, 31))
        assert len(candidates) == n  # one is not enough, two are
    assert [r.rule.code for r in candidates[0].met] == ["complaints"]
    assert Complaint.objects.filter(outcome="verified").count() == 2


def test_the_pages_take_a_complaint_from_transfer_to_conclusion(
    client, registered, inspector, department_head, hall, clerk
):
    url = reverse("complaints:detail", args=[registered.number])
    client.force_login(inspector)
    assert 'data-testid="transfer-form"' in client.get(url).content.decode()
    client.post(
        reverse("complaints:act", args=[registered.number, "transfer"]),
        {"window": hall.window.pk, "handler": department_head.pk},
    )
    registered.refresh_from_db()
    assert registered.status == "transferred" and registered.handler == department_head
    client.force_login(department_head)
    assert client.get(reverse("complaints:list")).status_code == 200  # their own complaints
    body = client.get(url).content.decode()
    assert "13912345678" in body  # the handler sees the contact
    client.post(
        reverse("complaints:act", args=[registered.number, "propose"]), {"proposal": "致歉"}
    )
    response = client.post(
        reverse("complaints:act", args=[registered.number, "reply"]), {"reply": "已电话答复投诉人"}
    )
    assert response.status_code == 403
    assert "监察人员答复" in response.content.decode()  # refused, with the reason…
    assert "已电话答复投诉人" in response.content.decode()  # …and the text kept
    client.force_login(inspector)
    client.post(reverse("complaints:act", args=[registered.number, "reply"]), {"reply": "已答复"})
    client.post(
        reverse("complaints:act", args=[registered.number, "satisfaction"]), {"satisfied": "yes"}
    )
    client.post(
        reverse("complaints:act", args=[registered.number, "conclude"]),
        {"outcome": "verified", "reasons": "查实"},
    )
    registered.refresh_from_db()
    assert registered.status == "concluded" and registered.outcome == "verified"
    client.force_login(clerk)  # the person complained about
    assert client.get(url).status_code == 403
