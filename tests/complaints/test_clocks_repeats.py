"""Every step's clock and the sweep's lateness flags (R-COMP-2, N-2), the one-month rule
and its public results page (R-COMP-3), repeats and escalations (R-ACC-8). Dates on the
2026 calendar: 1–7 October are National Day holidays, Sat 10 October is a working day."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accountability.models import Occurrence
from complaints.handling import (
    complaint_conclude,
    complaint_propose,
    complaint_reply,
    complaint_satisfaction,
    complaint_transfer,
)
from complaints.models import Complaint
from complaints.ratings import rating_submit, tablet_issue
from complaints.rectification import rectification_callback, rectification_report
from complaints.services import complaint_register, complaint_submit_public
from complaints.sweep import complaints_sweep
from hall.models import Alert
from tests.complaints.support import at, finished_case
from tests.complaints.test_registration import complaint

pytestmark = pytest.mark.django_db

NOW = at(2026, 9, 30, 10, 0)  # Wednesday before the holiday


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def register(hall, inspector, now=NOW, **kw):
    return complaint_register(
        actor=inspector, complaint=complaint(hall, received_at=now, **kw), now=now
    )


# --- Clocks ------------------------------------------------------------------------


def test_each_step_starts_its_own_clock(hall, inspector, department_head):
    c = register(hall, inspector)
    assert c.step_due == dt.date(2026, 10, 8)  # transfer within 1 working day
    complaint_transfer(
        actor=inspector,
        complaint=c,
        window=hall.window,
        handler=department_head,
        now=at(2026, 10, 8, 9),
    )
    assert c.step_due == c.response_due == dt.date(2026, 10, 14)  # 5 wd, Saturday counts
    complaint_propose(
        actor=department_head, complaint=c, proposal="道歉并培训", now=at(2026, 10, 9, 9)
    )
    assert c.step_due == dt.date(2026, 10, 12)  # reply within 2 wd: Sat 10, Mon 12
    complaint_reply(actor=inspector, complaint=c, reply="已答复", now=at(2026, 10, 12, 9))
    assert c.step_due == dt.date(2026, 10, 14)
    complaint_satisfaction(actor=inspector, complaint=c, satisfied=True, now=at(2026, 10, 13, 9))
    assert c.step_due == dt.date(2026, 10, 14)  # recording satisfaction is not a new step
    complaint_conclude(
        actor=inspector,
        complaint=c,
        outcome="unfounded",
        reasons="经核实",
        now=at(2026, 10, 13, 10),
    )
    assert c.step_due is None


def test_the_sweep_flags_a_late_step_once_and_tells_the_inspector(hall, inspector, supervisor):
    c = register(hall, inspector)
    assert complaints_sweep(at(2026, 10, 8, 18)).flagged["complaint_step"] == 0  # due today
    report = complaints_sweep(at(2026, 10, 9, 9))
    assert report.flagged["complaint_step"] == 1
    c.refresh_from_db()
    assert c.step_late_at == at(2026, 10, 9, 9) and c.late_steps == 1
    assert (
        Alert.objects.filter(user=inspector, key__startswith=f"complaint:{c.pk}:step").count() == 1
    )
    assert not Alert.objects.filter(user=supervisor).exists()
    assert c.history.latest().history_change_reason == "sweep"
    again = complaints_sweep(at(2026, 10, 9, 9, 5))
    assert again.flagged["complaint_step"] == 0 and again.alerts == 0
    c.refresh_from_db()
    assert c.late_steps == 1


def test_the_handler_is_told_when_the_resolution_is_late(hall, inspector, department_head):
    c = register(hall, inspector)
    complaint_transfer(
        actor=inspector, complaint=c, window=hall.window, handler=department_head, now=NOW
    )
    complaints_sweep(at(2026, 10, 14, 9))  # due 13 October
    assert Alert.objects.filter(user=department_head, key__startswith=f"complaint:{c.pk}").exists()


def test_the_one_month_rule_is_swept(hall, inspector, department_head):
    c = complaint_submit_public(complaint=complaint(hall, channel="web"), now=NOW)
    complaint_transfer(
        actor=inspector, complaint=c, window=hall.window, handler=department_head, now=NOW
    )
    assert c.conclusion_due == dt.date(2026, 10, 30)
    assert complaints_sweep(at(2026, 10, 30, 20)).flagged["complaint_conclusion"] == 0
    assert complaints_sweep(at(2026, 10, 31, 8)).flagged["complaint_conclusion"] == 1
    c.refresh_from_db()
    assert c.conclusion_late_at is not None
    assert Alert.objects.filter(user=inspector, key=f"complaint:{c.pk}:month").exists()


def test_the_sweep_flags_late_call_backs_and_rectifications(
    clerk, hall, supervisor, window_head, inspector
):
    friday = at(2026, 10, 9, 15)
    tablet = tablet_issue(actor=supervisor, window=hall.window, now=friday)
    late = rating_submit(
        level=1, source="tablet", case=finished_case(clerk, hall, friday), tablet=tablet, now=friday
    ).rectification
    done = rating_submit(
        level=2, source="tablet", case=finished_case(clerk, hall, friday), tablet=tablet, now=friday
    ).rectification
    rectification_callback(
        actor=window_head, rectification=done, note="已回访", complex=False, now=friday
    )
    rectification_report(actor=window_head, rectification=done, result="已整改", now=friday)
    assert complaints_sweep(at(2026, 10, 10, 20)).flagged["rectification_callback"] == 0
    report = complaints_sweep(at(2026, 10, 12, 8))  # the call-back was due Saturday
    assert report.flagged["rectification_callback"] == 1
    late.refresh_from_db()
    assert late.callback_late_at is not None and late.rectify_late_at is None
    for user in (window_head, inspector):
        assert Alert.objects.filter(user=user, key=f"rectification:{late.pk}:callback").exists()
    report = complaints_sweep(at(2026, 10, 16, 8))  # rectification due 15 October
    assert report.flagged == {
        "complaint_step": 0,
        "complaint_conclusion": 0,
        "rectification_callback": 0,
        "rectification": 1,
    }
    done.refresh_from_db()
    assert done.callback_late_at is None and done.rectify_late_at is None


def test_the_list_shows_each_clock_light(client, hall, inspector):
    from django.utils import timezone

    now = timezone.now()
    fresh = register(hall, inspector, now=now)
    old = register(
        hall, inspector, now=now - dt.timedelta(days=20), complainant_phone="13600000000"
    )
    client.force_login(inspector)
    page = client.get(reverse("complaints:list")).content.decode()
    assert page.count('class="clock-red"') == 1 and old.number in page and fresh.number in page


# --- Public results (R-COMP-3) -----------------------------------------------------


def _conclude_public(hall, inspector, handler, summary="窗口人员已批评教育，流程已整改。"):
    c = complaint_submit_public(complaint=complaint(hall, channel="web"), now=NOW)
    complaint_transfer(actor=inspector, complaint=c, window=hall.window, handler=handler, now=NOW)
    complaint_propose(actor=handler, complaint=c, proposal="整改", now=NOW)
    complaint_reply(actor=inspector, complaint=c, reply="已回复", now=NOW)
    complaint_satisfaction(actor=inspector, complaint=c, satisfied=True, now=NOW)
    return complaint_conclude(
        actor=inspector,
        complaint=c,
        outcome="verified",
        reasons="属实",
        public_summary=summary,
        now=NOW,
    )


def test_a_public_violation_needs_a_published_result_without_personal_data(
    hall, inspector, department_head, clerk
):
    for summary, message in (
        ("", "result to publish"),
        ("已联系13912345678的投诉人", "may not name"),
        ("刘投诉反映属实", "may not name"),
        ("身份证110105194912310020", "may not name"),
    ):
        with pytest.raises(ValidationError, match=message):
            _conclude_public(hall, inspector, department_head, summary=summary)
    c = _conclude_public(hall, inspector, department_head)
    assert c.status == "concluded" and c.public_summary.startswith("窗口人员")


def test_the_public_results_page_has_no_personal_data(
    client, hall, inspector, department_head, clerk
):
    from staff.models import StaffMember

    published = _conclude_public(hall, inspector, department_head)
    published.staff_member = StaffMember.objects.get(user=clerk)
    published.save()
    private = register(hall, inspector, complainant_phone="13600000000")  # not concluded
    page = client.get(reverse("complaints:public_results")).content.decode()
    assert published.number in page and "流程已整改" in page
    assert private.number not in page
    for secret in ("刘投诉", "13912345678", "幸福路", "王小明", "态度生硬"):
        assert secret not in page, secret


# --- Repeats and escalations (R-ACC-8) ---------------------------------------------


def _badly_handled(hall, inspector, handler):
    c = register(hall, inspector)
    complaint_transfer(actor=inspector, complaint=c, window=hall.window, handler=handler, now=NOW)
    complaint_propose(actor=handler, complaint=c, proposal="解释", now=NOW)
    complaint_reply(actor=inspector, complaint=c, reply="已解释", now=NOW)
    complaint_satisfaction(actor=inspector, complaint=c, satisfied=False, now=NOW)
    return c


def test_a_repeat_by_the_same_phone_is_linked_and_charged_to_the_handler(
    hall, inspector, department_head
):
    first = _badly_handled(hall, inspector, department_head)
    again = register(hall, inspector, now=at(2026, 10, 20, 9), escalated=True)
    assert again.repeat_of == first
    occurrence = Occurrence.objects.get(rule="R-ACC-8")
    assert occurrence.person == department_head and occurrence.window == hall.window
    assert occurrence.source_id == again.pk
    from complaints.services import _record_repeat

    _record_repeat(again, at(2026, 10, 20, 10))  # recorded once, whatever runs it again
    assert Occurrence.objects.filter(rule="R-ACC-8").count() == 1
    # A third complaint repeats the second, which was not handled late nor badly.
    third = register(hall, inspector, now=at(2026, 10, 21, 9))
    assert third.repeat_of == again
    assert Occurrence.objects.filter(rule="R-ACC-8").count() == 1


def test_a_repeat_on_the_same_case_by_another_phone(hall, inspector, clerk):
    case = finished_case(clerk, hall, at(2026, 9, 29, 10))
    first = register(hall, inspector, case=case)
    second = register(
        hall, inspector, now=at(2026, 10, 9, 9), case=case, complainant_phone="13600000000"
    )
    assert second.repeat_of == first
    assert not Occurrence.objects.filter(rule="R-ACC-8").exists()  # never handed to anyone


def test_a_late_step_makes_the_repeat_chargeable(hall, inspector, department_head):
    first = register(hall, inspector)
    complaint_transfer(
        actor=inspector, complaint=first, window=hall.window, handler=department_head, now=NOW
    )
    complaints_sweep(at(2026, 10, 14, 9))  # the proposal was due 13 October
    register(hall, inspector, now=at(2026, 10, 15, 9))
    assert Occurrence.objects.get(rule="R-ACC-8").person == department_head


def test_outside_the_period_it_is_a_new_complaint(hall, inspector, department_head):
    _badly_handled(hall, inspector, department_head)
    later = register(hall, inspector, now=NOW + dt.timedelta(days=91))
    assert later.repeat_of is None
    assert not Occurrence.objects.filter(rule="R-ACC-8").exists()


def test_repeats_and_escalations_are_counted_and_shown(client, hall, inspector, department_head):
    first = _badly_handled(hall, inspector, department_head)
    again = register(hall, inspector, now=at(2026, 10, 20, 9), escalated=True)
    client.force_login(inspector)
    page = client.get(reverse("complaints:list")).content.decode()
    assert 'data-testid="repeat-badge"' in page
    counts = page.split('data-testid="complaint-counts">')[1].split("</div>")[0]
    assert "1" in counts.split("·")[2] and "1" in counts.split("·")[3]
    detail = client.get(reverse("complaints:detail", args=[first.number])).content.decode()
    assert again.number in detail
    assert Complaint.objects.filter(escalated=True).count() == 1


def test_the_overview_shows_what_is_overdue(client, hall, inspector, supervisor, department_head):
    from django.utils import timezone

    register(hall, inspector, now=timezone.now() - dt.timedelta(days=20))
    register(hall, inspector, now=timezone.now(), complainant_phone="13600000000")
    client.force_login(supervisor)
    page = client.get(reverse("supervision:overview")).content.decode()
    late = page.split('data-testid="late-complaints"')[1].split("</a>")[0]
    assert '<span class="badge text-bg-light">1</span>' in late
    client.force_login(department_head)  # a department head sees their bad reviews only
    page = client.get(reverse("supervision:overview")).content.decode()
    assert 'data-testid="late-complaints"' not in page
    assert 'data-testid="late-rectifications"' in page
