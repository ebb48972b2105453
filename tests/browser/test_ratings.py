"""An applicant rates a finished case on the window's tablet as very dissatisfied; the
window head calls back and reports the rectification, an inspector spot-checks and
closes it (issue 6, N-2, R-COMP-5)."""

import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from complaints.models import Rating, Rectification, SpotCheck
from staff.models import StaffMember
from tests.complaints.support import finished_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def new_page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def login(page, username):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("pw-for-tests-1")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))


def status_label(status):
    with translation.override("zh-hans"):
        return str(Rectification.Status(status).label)


def test_a_bad_review_on_the_tablet_is_called_back_rectified_and_closed(
    page, browser, live_server, clerk, window_head, supervisor, inspector, hall, screenshot
):
    case = finished_case(clerk, hall, timezone.now())

    # The supervisor sets up window A01's tablet and reads its address.
    login(page, "supervisor")
    page.goto("/ratings/tablets/")
    card = page.get_by_test_id("tablet-card").filter(has_text="A01")
    card.get_by_test_id("tablet-issue").click()
    card = page.get_by_test_id("tablet-card").filter(has_text="A01")
    expect(card.get_by_test_id("tablet-url")).to_contain_text("/rate/tablet/")
    tablet_url = card.get_by_test_id("tablet-url").inner_text().strip()
    screenshot(page, "ratings-tablet-set-up")

    # The applicant, not logged in, rates the case on the tablet.
    tablet = new_page(browser, live_server)
    tablet.goto(tablet_url)
    expect(tablet.get_by_test_id("tablet-item")).to_contain_text(case.number)
    screenshot(tablet, "ratings-tablet-levels")
    tablet.get_by_test_id("level-1").click()
    expect(tablet.get_by_test_id("chosen-level")).to_be_visible()
    tablet.get_by_test_id("reason-attitude").click()
    expect(tablet.locator("#reason-attitude")).to_be_checked()
    tablet.locator("textarea#comment").fill("窗口人员态度冷淡，不耐烦")
    screenshot(tablet, "ratings-tablet-reasons")
    tablet.get_by_test_id("rating-submit").click()
    expect(tablet.get_by_test_id("tablet-thanks")).to_be_visible()
    screenshot(tablet, "ratings-tablet-thanks")
    tablet.context.close()

    rating = Rating.objects.get(case=case)
    assert rating.level == 1
    assert rating.source == Rating.Source.TABLET
    assert rating.window == hall.window
    assert rating.staff_member == StaffMember.objects.get(user=clerk)
    assert rating.reasons == ["attitude"]
    assert rating.comment == "窗口人员态度冷淡，不耐烦"
    rectification = Rectification.objects.get(rating=rating)
    assert rectification.status == Rectification.Status.OPEN
    assert rectification.window == hall.window

    # The window head calls the applicant back and reports the result.
    head = new_page(browser, live_server)
    login(head, "windowhead")
    head.goto("/ratings/rectifications/")
    row = head.get_by_test_id("rectification-row").filter(has_text=rectification.number)
    expect(row).to_have_count(1)
    screenshot(head, "ratings-rectifications")
    row.get_by_role("link", name=rectification.number).click()
    status = head.get_by_test_id("rectification-status")
    expect(status).to_have_text(status_label("open"))
    head.locator("textarea#cb-note").fill("已致电申请人致歉，申请人接受")
    head.get_by_test_id("callback").click()
    expect(status).to_have_text(status_label("rectifying"))
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.RECTIFYING
    assert rectification.called_back_at is not None
    assert rectification.callback_note == "已致电申请人致歉，申请人接受"
    screenshot(head, "ratings-called-back")

    head.locator("textarea#result").fill("已对窗口人员批评教育并组织服务礼仪培训，已告知申请人")
    head.get_by_test_id("report").click()
    expect(status).to_have_text(status_label("reported"))
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.REPORTED
    assert rectification.reported_at is not None
    screenshot(head, "ratings-reported")
    head.context.close()

    # The inspector spot-checks and closes it.
    check = new_page(browser, live_server)
    login(check, "inspector")
    check.goto(f"/ratings/rectifications/{rectification.pk}/")
    status = check.get_by_test_id("rectification-status")
    expect(status).to_have_text(status_label("reported"))
    check.get_by_test_id("spot-check").click()
    expect(check.get_by_test_id("spot-checks").locator("li")).to_have_count(1)
    check.get_by_test_id("close").click()
    expect(status).to_have_text(status_label("closed"))
    expect(check.get_by_test_id("close")).to_have_count(0)
    screenshot(check, "ratings-closed")
    check.context.close()

    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.CLOSED
    assert rectification.closed_at is not None
    spot_check = SpotCheck.objects.get(rectification=rectification)
    assert spot_check.checked_by == inspector
    assert spot_check.reached is True and spot_check.confirmed is True
