"""The foundation as a person uses it, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import MaterialFactory, ServiceItemFactory

# serialized_rollback: a transactional test empties the tables; this puts back
# what the migrations seeded (persona groups, the holiday calendar) for the next test.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_clerk_logs_in_and_sees_their_window(page, clerk, hall, screenshot):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label(re.compile("用户名|Username")).fill("clerk")
    page.get_by_label(re.compile("密码|Password")).fill("pw-for-tests-1")
    page.get_by_role("button", name=re.compile("登录|Log in")).click()
    expect(page.get_by_test_id("scope")).to_contain_text("A01")
    expect(page.get_by_test_id("current-user")).to_have_text("王小明")
    screenshot(page, "clerk-home")


def test_an_anonymous_visitor_finds_a_guide_by_pinyin_initials_and_opens_it(page, hall, screenshot):
    item = ServiceItemFactory(code="BDC-003", name="不动产登记资料查询", department=hall.department)
    MaterialFactory(item=item, name="不动产权证书")
    ServiceItemFactory(code="GA-001", name="居民身份证换领", department=hall.other_department)

    page.goto("/guide/")
    page.locator("#guide-q").fill("bdc")
    # htmx replaces the results as the visitor types.
    expect(page.get_by_test_id("guide-item")).to_have_count(1)
    expect(page.get_by_test_id("guide-item")).to_have_text("不动产登记资料查询")
    screenshot(page, "guide-search-bdc")
    page.get_by_test_id("guide-item").click()
    expect(page.get_by_test_id("item-name")).to_have_text("不动产登记资料查询")
    expect(page.get_by_text("不动产权证书")).to_be_visible()
    screenshot(page, "guide-detail")
    response = page.request.get(page.get_by_test_id("guide-pdf").get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"


def test_the_language_switch_turns_the_page_into_english_and_back(page, hall, screenshot):
    page.goto("/guide/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Service guide")
    screenshot(page, "guide-english")
    page.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_the_home_page_fits_a_tablet(browser, live_server, supervisor, screenshot):
    context = browser.new_context(viewport={"width": 820, "height": 1180}, base_url=live_server.url)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("supervisor")
    page.locator("#id_password").fill("pw-for-tests-1")
    page.locator("main button[type=submit]").click()
    expect(page.get_by_test_id("scope-card")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 820, "the page scrolls sideways on a tablet"
    screenshot(page, "supervisor-home-tablet")
    context.close()
