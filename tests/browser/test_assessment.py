"""A month from draft to publication, in a real browser (issue 9; R-SCORE-1): a
supervisor records a letter of thanks with its scan, opens last month, computes the
draft — the window's score shows the commendation — and marks it reviewed; the
director publishes it for objections; the clerk reads their own score and objects; the
public notice shows the windows' scores."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone, translation
from PIL import Image
from playwright.sync_api import expect

from assessment.models import Objection, Period, Score
from assessment.services import previous_month

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def login(page, username):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("pw-for-tests-1")
    page.locator("form[novalidate] button[type=submit]").click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))


def logout(page):
    page.context.clear_cookies()


def zh(text):
    """A period status as the page shows it (its msgid has the "assessment" context)."""
    with translation.override("zh-hans"):
        return translation.pgettext("assessment", text)


def test_a_month_goes_from_draft_to_publication(
    page, screenshot, tmp_path, hall, clerk, window_head, supervisor, director
):
    month = previous_month(timezone.localdate())
    scan = tmp_path / "letter.png"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 0, 0)).save(buffer, "PNG")
    scan.write_bytes(buffer.getvalue())

    # The supervisor records a letter of thanks for the window, with its scan.
    login(page, "supervisor")
    page.goto("/assessment/commendations/")
    page.locator("#c-kind").select_option("thanks")
    page.get_by_test_id("c-window").select_option(str(hall.window.pk))
    page.locator("#c-on").fill((month + dt.timedelta(days=5)).isoformat())
    page.locator("#c-description").fill("群众送来感谢信")
    page.locator("#c-evidence").set_input_files(str(scan))
    page.get_by_test_id("record-commendation").click()
    expect(page.get_by_test_id("commendation-row")).to_have_count(1)

    # Opens last month and computes its draft.
    page.goto("/assessment/")
    page.locator("input[name=month]").fill(f"{month:%Y-%m}")
    page.get_by_test_id("open-month").click()
    page.get_by_test_id("compute").click()
    expect(page.get_by_test_id("period-status")).to_have_text(zh("Draft"))
    row = page.get_by_test_id("window-row").filter(has_text=hall.window.name)
    expect(row.get_by_test_id("window-total")).to_have_text("102.00")  # 100 + letter (2)
    screenshot(page, "assessment-draft")
    page.get_by_test_id("review").click()
    expect(page.get_by_test_id("period-status")).to_have_text(zh("Reviewed"))
    expect(page.get_by_test_id("publish")).to_have_count(0)  # only the director publishes

    # The director publishes it for objections.
    logout(page)
    login(page, "director")
    page.goto(f"/assessment/month/{month:%Y-%m}/")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("period-status")).to_have_text(zh("Published for objections"))
    expect(page.get_by_test_id("objections-until")).to_be_visible()
    period = Period.objects.get(kind="month", start=month)
    assert period.status == Period.Status.PUBLICITY
    assert period.history.first().history_user == director

    # The clerk sees only their own score, and objects.
    logout(page)
    login(page, "clerk")
    page.goto(f"/assessment/month/{month:%Y-%m}/")
    expect(page.get_by_test_id("person-row")).to_have_count(1)
    expect(page.get_by_test_id("window-row")).to_have_count(0)
    page.get_by_test_id("person-row").get_by_role("link").click()
    page.locator("textarea[name=grounds]").fill("本月群众电话表扬未计入")
    page.get_by_test_id("object").click()
    expect(page.get_by_test_id("objection")).to_have_count(1)
    screenshot(page, "assessment-objection")
    objection = Objection.objects.get()
    assert objection.score == Score.objects.get(period=period, member__user=clerk)

    # Anyone reads the published scores on the public notice.
    logout(page)
    page.goto("/assessment/public/")
    expect(page.get_by_test_id("public-window-row")).to_have_count(2)
    expect(page.get_by_test_id("public-windows")).to_contain_text("102.00")
    screenshot(page, "assessment-public")
