"""差评整改 (N-2): call-back within 1 working day, rectification within 5 (15 when complex),
one extension at most, the invalid-review appeal decided by a supervisor, the result
reported, closed by an inspector, spot checks; each refusal of an illegal step. The dates
are on the 2026 calendar: Sat 10 October is a make-up working day."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from complaints.models import Rectification
from complaints.ratings import rating_submit, tablet_issue
from complaints.rectification import (
    rectification_appeal,
    rectification_appeal_decide,
    rectification_callback,
    rectification_close,
    rectification_extend,
    rectification_report,
    spot_check_record,
)
from tests.complaints.support import at, finished_case

pytestmark = pytest.mark.django_db

NOW = at(2026, 10, 9, 15, 0)  # Friday
LATER = NOW + dt.timedelta(hours=2)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def rect(clerk, hall, supervisor) -> Rectification:
    case = finished_case(clerk, hall, NOW)
    tablet = tablet_issue(actor=supervisor, window=hall.window, now=NOW)
    rating = rating_submit(
        level=1, reasons=["attitude"], source="tablet", case=case, tablet=tablet, now=NOW
    )
    return rating.rectification


def test_the_whole_way_call_back_rectify_report_close_spot_check(rect, window_head, inspector):
    rectification_callback(
        actor=window_head, rectification=rect, note="已致歉", complex=False, now=LATER
    )
    assert rect.status == "rectifying" and rect.rectify_due == dt.date(2026, 10, 15)
    rectification_report(
        actor=window_head, rectification=rect, result="已培训并回复申请人", now=LATER
    )
    assert rect.status == "reported" and rect.reported_at == LATER
    spot_check_record(
        actor=inspector, rectification=rect, reached=True, confirmed=True, note="满意", now=LATER
    )
    rectification_close(actor=inspector, rectification=rect, note="", now=LATER)
    assert rect.status == "closed"
    assert rect.spot_checks.get().confirmed is True
    users = list(rect.history.order_by("history_date").values_list("history_user", flat=True))
    assert users == [None, window_head.pk, window_head.pk, inspector.pk]


def test_a_complex_matter_gets_15_working_days_and_one_extension(rect, department_head):
    rectification_callback(
        actor=department_head, rectification=rect, note="需协调", complex=True, now=LATER
    )
    assert rect.rectify_due == dt.date(2026, 10, 29)  # 15 working days after Fri 9 October
    rectification_extend(actor=department_head, rectification=rect, reason="待上级答复", now=LATER)
    assert rect.extended and rect.rectify_due == dt.date(2026, 11, 5)  # + 5 working days
    with pytest.raises(ValidationError, match="extended once already"):
        rectification_extend(actor=department_head, rectification=rect, reason="再延", now=LATER)


def test_no_extension_after_the_deadline_passed(rect, window_head):
    rectification_callback(
        actor=window_head, rectification=rect, note="x", complex=False, now=LATER
    )
    with pytest.raises(ValidationError, match="deadline has passed"):
        rectification_extend(
            actor=window_head, rectification=rect, reason="晚了", now=at(2026, 10, 16, 9)
        )
    rect.refresh_from_db()
    assert not rect.extended and rect.rectify_due == dt.date(2026, 10, 15)


def test_illegal_steps_are_refused(rect, window_head, inspector, clerk, supervisor):
    with pytest.raises(ValidationError, match="Not possible"):
        rectification_report(actor=window_head, rectification=rect, result="x", now=LATER)
    with pytest.raises(ValidationError, match="Not possible"):
        rectification_close(actor=inspector, rectification=rect, note="", now=LATER)
    with pytest.raises(ValidationError, match="Not possible"):
        spot_check_record(
            actor=inspector, rectification=rect, reached=True, confirmed=True, note="", now=LATER
        )
    with pytest.raises(ValidationError, match="Write what the applicant said"):
        rectification_callback(
            actor=window_head, rectification=rect, note="  ", complex=False, now=LATER
        )
    # The rated clerk, the center and the inspector are not the window's managers.
    for actor in (clerk, supervisor, inspector):
        with pytest.raises(PermissionDenied):
            rectification_callback(
                actor=actor, rectification=rect, note="x", complex=False, now=LATER
            )
    rectification_callback(
        actor=window_head, rectification=rect, note="x", complex=False, now=LATER
    )
    rectification_report(actor=window_head, rectification=rect, result="done", now=LATER)
    for actor in (window_head, supervisor):
        with pytest.raises(PermissionDenied):
            rectification_close(actor=actor, rectification=rect, note="", now=LATER)
    with pytest.raises(PermissionDenied):
        spot_check_record(
            actor=window_head, rectification=rect, reached=True, confirmed=True, note="", now=LATER
        )
    rect.refresh_from_db()
    assert rect.status == "reported"


def test_an_upheld_appeal_voids_the_review(rect, window_head, supervisor, inspector):
    rectification_appeal(
        actor=window_head, rectification=rect, reason="申请人误评（评错窗口）", now=LATER
    )
    assert rect.status == "appealed"
    with pytest.raises(PermissionDenied, match="supervisor"):
        rectification_appeal_decide(
            actor=inspector, rectification=rect, upheld=True, decision="x", now=LATER
        )
    with pytest.raises(ValidationError, match="reasons"):
        rectification_appeal_decide(
            actor=supervisor, rectification=rect, upheld=True, decision="", now=LATER
        )
    rectification_appeal_decide(
        actor=supervisor,
        rectification=rect,
        upheld=True,
        decision="监控显示申请人在B01办理",
        now=LATER,
    )
    rect.refresh_from_db()
    assert rect.status == "void" and rect.rating.invalid
    assert rect.rating.history.latest().history_user == supervisor


def test_a_refused_appeal_goes_back_and_is_not_repeated(rect, window_head, supervisor):
    rectification_callback(
        actor=window_head, rectification=rect, note="x", complex=False, now=LATER
    )
    rectification_appeal(actor=window_head, rectification=rect, reason="无理差评", now=LATER)
    rectification_appeal_decide(
        actor=supervisor, rectification=rect, upheld=False, decision="差评属实", now=LATER
    )
    assert rect.status == "rectifying" and not rect.rating.invalid
    with pytest.raises(ValidationError, match="appealed once already"):
        rectification_appeal(actor=window_head, rectification=rect, reason="再申诉", now=LATER)


def test_the_call_back_may_come_while_the_appeal_waits(rect, window_head, supervisor):
    rectification_appeal(actor=window_head, rectification=rect, reason="误评", now=LATER)
    rectification_callback(
        actor=window_head, rectification=rect, note="已回访", complex=False, now=LATER
    )
    assert rect.status == "appealed"
    rectification_appeal_decide(
        actor=supervisor, rectification=rect, upheld=False, decision="属实", now=LATER
    )
    assert rect.status == "rectifying"


def test_whoever_appealed_does_not_decide(rect, hall, supervisor, window_head):
    hall.window.window_head = supervisor  # a supervisor who also heads the window
    hall.window.save()
    rect.window.refresh_from_db()
    rectification_appeal(actor=supervisor, rectification=rect, reason="误评", now=LATER)
    with pytest.raises(PermissionDenied, match="cannot decide"):
        rectification_appeal_decide(
            actor=supervisor, rectification=rect, upheld=True, decision="x", now=LATER
        )


# --- The pages ---------------------------------------------------------------------


def test_the_rectification_pages(client, rect, window_head, inspector, clerk, outsider, hall):
    url = reverse("complaints:rectification", args=[rect.pk])
    client.force_login(window_head)
    assert rect.number in client.get(reverse("complaints:rectifications")).content.decode()
    page = client.get(url).content.decode()
    assert "13812345678" in page  # the window calls the applicant back
    refused = client.post(
        reverse("complaints:rectification_act", args=[rect.pk, "report"]), {"result": "想先报结果"}
    )
    assert refused.status_code == 400 and "想先报结果" in refused.content.decode()  # kept
    client.post(
        reverse("complaints:rectification_act", args=[rect.pk, "callback"]),
        {"note": "已电话致歉", "complex": "on"},
    )
    rect.refresh_from_db()
    assert rect.status == "rectifying" and rect.complex
    client.force_login(clerk)  # the rated clerk: not their business
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("complaints:rectifications")).status_code == 403
    client.force_login(inspector)
    page = client.get(url).content.decode()
    assert "13812345678" in page


def test_another_window_head_does_not_see_it(client, rect, hall):
    from hall.roles import Role
    from tests.factories import UserFactory

    other_head = UserFactory(username="head_b01", roles=[Role.WINDOW_HEAD])
    hall.other_window.window_head = other_head
    hall.other_window.save()
    client.force_login(other_head)
    assert client.get(reverse("complaints:rectification", args=[rect.pk])).status_code == 404
    page = client.get(reverse("complaints:rectifications")).content.decode()
    assert rect.number not in page
