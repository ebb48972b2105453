"""The center's eyes in a real browser: the bell, the overview, the public screen (issue 4)."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.services import ApplicantInput, MaterialInput, case_intake
from cases.sweep import sweep_lights
from tests.factories import MaterialFactory, ServiceItemFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def login(page, username):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("pw-for-tests-1")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))


def test_a_red_card_reaches_the_bell_the_overview_and_the_screen(
    page, browser, live_server, clerk, window_head, supervisor, hall, screenshot
):
    item = ServiceItemFactory(
        code="SC-201",
        name="食品经营许可",
        department=hall.department,
        statutory_limit_days=3,
        promised_limit_days=1,
    )
    material = MaterialFactory(item=item, name="申请书")
    long_ago = timezone.now() - dt.timedelta(days=30)
    case = case_intake(
        actor=clerk,
        window=hall.window,
        item=item,
        kind="accepted",
        applicant=ApplicantInput(
            kind="person",
            name="张三",
            id_type="resident_id",
            id_number="11010519491231002X",
            phone="13812345678",
        ),
        materials=[
            MaterialInput(name=material.name, item_material_id=material.pk, received=True, pages=2)
        ],
        now=long_ago,
    )
    sweep_lights()  # what beat does every minute

    login(page, "supervisor")
    expect(page.get_by_test_id("bell-count")).to_have_text("1")
    page.goto("/supervision/")
    red = page.locator("tr", has_text="A01").get_by_test_id("red-count")
    expect(red).to_have_text("1")
    screenshot(page, "supervisor-overview")
    red.click()
    expect(page.get_by_test_id("case-row")).to_have_count(1)
    expect(page.get_by_test_id("case-row")).to_contain_text(case.number)

    screen = browser.new_context(
        viewport={"width": 1920, "height": 1080}, base_url=live_server.url
    ).new_page()
    screen.goto("/screen/")
    expect(screen.get_by_test_id("screen-row").first).to_be_visible()
    assert "张三" not in screen.content()
    screenshot(screen, "hall-screen")
    screen.context.close()
