"""A clerk takes in a promised case, prints the receipt, and the applicant tracks it (issue 3)."""

import io
import re

import pytest
from django.utils import translation
from playwright.sync_api import expect
from pypdf import PdfReader

from cases.models import Case
from tests.factories import MaterialFactory, ServiceItemFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_clerk_takes_in_a_case_prints_the_receipt_and_the_applicant_tracks_it(
    page, browser, live_server, clerk, hall, screenshot
):
    item = ServiceItemFactory(
        code="SC-101",
        name="食品经营许可",
        department=hall.department,
        statutory_limit_days=20,
        promised_limit_days=8,
    )
    MaterialFactory(item=item, name="食品经营许可申请书")
    MaterialFactory(item=item, name="营业执照复印件")

    page.goto("/accounts/login/")
    page.locator("#id_username").fill("clerk")
    page.locator("#id_password").fill("pw-for-tests-1")
    page.locator("main button[type=submit]").click()

    page.goto("/cases/new/")
    page.locator("#item-q").fill("spjy")  # pinyin initials of 食品经营许可
    expect(page.get_by_test_id("item-choice")).to_have_count(1)
    page.get_by_test_id("item-choice").click()

    page.locator("#id_applicant_name").fill("张三")
    page.locator("#id_id_number").fill("11010519491231002X")
    page.locator("#id_phone").fill("13812345678")
    rows = page.get_by_test_id("material-row")
    for index in range(rows.count()):
        row = rows.nth(index)
        row.locator("input[type=checkbox]").check()
        row.locator("input[type=number]").fill(str(index + 2))
    screenshot(page, "intake-filled")
    page.get_by_test_id("intake-submit").click()

    expect(page.get_by_test_id("case-number")).to_have_text(re.compile(r"2\d{3}-A01-\d{6}"))
    number = page.get_by_test_id("case-number").inner_text()
    case = Case.objects.get(number=number)
    assert case.status == Case.Status.IN_PROGRESS
    screenshot(page, "case-taken-in")

    receipt = page.request.get(page.get_by_test_id("pdf-receipt").get_attribute("href"))
    assert receipt.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt.body())).pages)
    assert "收件回执" in text and number in text and case.tracking_code in text

    applicant = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url
    )
    phone = applicant.new_page()
    phone.goto(f"/track/?number={number}")
    phone.locator("#id_code").fill(case.tracking_code)
    phone.locator("main button[type=submit]").click()
    expect(phone.get_by_test_id("track-result")).to_contain_text(number)
    with translation.override("zh-hans"):  # the page speaks Chinese whatever the browser
        expect(phone.get_by_test_id("track-status")).to_have_text(case.get_status_display())
    assert "张三" not in phone.content()
    screenshot(phone, "applicant-tracks-case")
    applicant.close()


def test_a_clerk_records_a_first_inquiry_from_the_keyboard_alone(page, clerk, hall, screenshot):
    # R-FIRST-1: in under ten seconds — the subject has the focus, Enter saves.
    import time

    from cases.models import FirstInquiry

    page.goto("/accounts/login/")
    page.locator("#id_username").fill("clerk")
    page.locator("#id_password").fill("pw-for-tests-1")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))
    page.goto("/cases/inquiries/new/")
    started = time.monotonic()
    page.keyboard.type("咨询营业执照办理所需材料")
    page.keyboard.press("Tab")
    page.keyboard.type("王五")
    page.keyboard.press("Enter")
    expect(page.locator(".alert-success")).to_be_visible()
    assert time.monotonic() - started < 10
    inquiry = FirstInquiry.objects.get()
    assert (inquiry.subject, inquiry.inquirer_name, inquiry.disposition) == (
        "咨询营业执照办理所需材料",
        "王五",
        "answered",
    )
    screenshot(page, "inquiry-recorded")
