"""From a red card to a decision and its notice PDF, in a real browser (issue 8;
R-ACC-1, R-ACC-2, R-ACC-5): a case past its statutory limit turns red in the sweep;
the inspector takes the occurrence up, notifies the clerk and the window's head, who
state and defend; only then can the inspector decide; 12 points need the director's
countersignature; in force, the decision brings its effects and its notice (问责决定书)."""

import datetime as dt
import importlib
import re
import subprocess

import pytest
from django.apps import apps
from django.utils import timezone, translation
from playwright.sync_api import expect

from accountability.decisions import points_range
from accountability.models import (
    AccountabilityCase,
    Decision,
    Effect,
    Hearing,
    Link,
    Occurrence,
    Rule,
)
from cases.services import ApplicantInput, MaterialInput, case_intake
from cases.sweep import sweep_lights
from tests.factories import MaterialFactory, ServiceItemFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1366, "height": 768}
REASONS = "该件食品经营许可超过法定时限三十日仍未办结，岗位责任人未及时请示报告，事实清楚。"


def new_page(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def login(page, username):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("pw-for-tests-1")
    # The header's language buttons are submit buttons too: click the login form's own.
    page.locator("form[novalidate] button[type=submit]").click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))


def zh(text, **values):
    """The page's text of a msgid (Chinese, or the English msgid while untranslated)."""
    with translation.override("zh-hans"):
        return translation.gettext(text) % values if values else translation.gettext(text)


def zh_label(choice):
    with translation.override("zh-hans"):
        return str(choice.label)


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def seed_rule_catalog():
    """The catalog as its data migration seeds it: a transactional test starts empty."""
    migration = importlib.import_module("accountability.migrations.0003_seed_rule_catalog")
    migration.seed(apps, None)


def a_red_case(clerk, hall):
    """A case taken in at the clerk's window 30 days ago, with a 3-working-day statutory
    limit, and the sweep that turns it red (R-ACC-4.5 and R-ACC-5.1 occurrences)."""
    item = ServiceItemFactory(
        code="SC-201",
        name="食品经营许可",
        department=hall.department,
        statutory_limit_days=3,
        promised_limit_days=1,
    )
    material = MaterialFactory(item=item, name="申请书")
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
        now=timezone.now() - dt.timedelta(days=30),
    )
    sweep_lights()  # what beat does every minute
    return case


def state_and_defend(browser, live_server, username, statement, screenshot=None):
    """The person heard finds the notice among their alerts and records a statement."""
    page = new_page(browser, live_server)
    login(page, username)
    page.get_by_test_id("bell").click()
    page.wait_for_url(re.compile(r"/alerts/"))
    notice = page.get_by_test_id("alert").locator('a[href^="/accountability/hearings/"]')
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("陈述申辩")
    notice.click()
    page.wait_for_url(re.compile(r"/accountability/hearings/\d+/$"))
    expect(page.get_by_test_id("state-form")).to_be_visible()
    page.locator("textarea#s-statement").fill(statement)
    if screenshot:
        screenshot(page, "accountability-hearing")
    page.get_by_test_id("state").click()
    expect(page.get_by_test_id("statement")).to_have_text(statement)
    expect(page.get_by_test_id("state-form")).to_have_count(0)
    page.context.close()


def test_a_red_card_becomes_a_countersigned_decision_with_its_notice(
    browser, live_server, hall, clerk, window_head, inspector, director, screenshot
):
    seed_rule_catalog()
    red = a_red_case(clerk, hall)
    occurrence = Occurrence.objects.get(rule="R-ACC-5.1")
    assert occurrence.source_id == red.pk
    assert occurrence.person == clerk and occurrence.window == hall.window
    assert Occurrence.objects.filter(rule="R-ACC-4.5", source_id=red.pk).exists()

    # The inspector takes the two new occurrences up and opens the R-ACC-5.1 case.
    page = new_page(browser, live_server)
    login(page, "inspector")
    page.get_by_test_id("nav-accountability").click()
    page.wait_for_url(re.compile(r"/accountability/$"))
    take_up = page.get_by_test_id("take-up")
    expect(take_up).to_contain_text("2")
    take_up.click()
    page.wait_for_url(re.compile(r"/accountability/$"))
    expect(page.get_by_test_id("take-up")).to_contain_text("0")
    rows = page.get_by_test_id("case-row")
    expect(rows).to_have_count(2)
    row = rows.filter(has_text="R-ACC-5.1")
    expect(row).to_contain_text("A01")
    expect(row).to_contain_text("王小明")
    row.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/accountability/cases/\d+/$"))
    case = AccountabilityCase.objects.get(rule__code="R-ACC-5.1")
    assert page.url.endswith(f"/accountability/cases/{case.pk}/")
    expect(page.get_by_test_id("facts")).to_contain_text(red.number)

    # R-ACC-2: the rule charges the clerk and the chief; the form proposes both people.
    hear_form = page.get_by_test_id("hear-form")
    expect(hear_form).to_be_visible()
    expect(page.get_by_test_id("decide-form")).to_have_count(0)
    expect(page.locator('input[name="link_clerk"]')).to_be_checked()
    expect(page.get_by_test_id("person-clerk")).to_have_value(str(clerk.pk))
    expect(page.get_by_test_id("person-chief")).to_have_value(str(window_head.pk))
    expect(page.locator('input[name="link_chief"]')).not_to_be_checked()
    page.locator('input[name="link_chief"]').check()
    page.get_by_test_id("hear").click()
    expect(page.get_by_test_id("hearing-row")).to_have_count(2)
    expect(page.get_by_test_id("hear-form")).to_have_count(0)
    # R-ACC-1: no decision before the persons heard have stated and defended.
    expect(page.get_by_test_id("hearing-wait")).to_be_visible()
    expect(page.get_by_test_id("decide-form")).to_have_count(0)
    expect(page.get_by_test_id("case-status")).to_have_text(
        zh_label(AccountabilityCase.Status.HEARING)
    )

    # The clerk and the window's head each state and defend.
    state_and_defend(
        browser,
        live_server,
        "clerk",
        "该件因申请人补正材料延误，本人已多次电话催告，请求从轻处理。",
        screenshot=screenshot,
    )
    state_and_defend(
        browser, live_server, "windowhead", "窗口已对该岗位加强督办，今后每日核查到期件。"
    )

    # Now the inspector may decide: points outside 10–15 are refused, the text is kept.
    page.reload()
    expect(page.get_by_test_id("hearing-wait")).to_have_count(0)
    decide_form = page.get_by_test_id("decide-form")
    expect(decide_form).to_be_visible()
    expect(page.get_by_test_id("hearing-row").filter(has_text="王小明")).to_contain_text(
        "请求从轻处理"
    )
    page.get_by_test_id("points-clerk").fill("20")
    page.get_by_test_id("reasons").fill(REASONS)
    page.get_by_test_id("decide").click()
    allowed = points_range(Rule.objects.get(code="R-ACC-5.1"))
    error = page.get_by_test_id("case-error")
    expect(error).to_contain_text(
        zh("Points must be between %(low)s and %(high)s.", low=allowed.low, high=allowed.high)
    )
    expect(page.get_by_test_id("kept-text")).to_have_value(REASONS)
    expect(page.get_by_test_id("reasons")).to_have_value(REASONS)
    expect(page.get_by_test_id("points-clerk")).to_have_value("20")
    assert not Decision.objects.exists()

    page.get_by_test_id("points-clerk").fill("12")
    page.get_by_test_id("decide").click()
    expect(page.get_by_test_id("case-error")).to_have_count(0)
    # 12 > HALL_ACC_COUNTERSIGN_POINTS (10): the director must countersign.
    expect(page.get_by_test_id("decision-status")).to_have_text(
        zh_label(Decision.Status.COUNTERSIGN)
    )
    expect(page.get_by_test_id("charge-row")).to_have_count(1)
    expect(page.get_by_test_id("charge-row")).to_contain_text("王小明")
    expect(page.get_by_test_id("effects")).to_have_count(0)
    page.context.close()

    # The director opens the case from the desk and countersigns.
    page = new_page(browser, live_server)
    login(page, "director")
    page.get_by_test_id("nav-accountability").click()
    page.wait_for_url(re.compile(r"/accountability/$"))
    page.get_by_test_id("case-row").filter(has_text="R-ACC-5.1").get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/accountability/cases/{case.pk}/$"))
    expect(page.get_by_test_id("decision-status")).to_have_text(
        zh_label(Decision.Status.COUNTERSIGN)
    )
    page.get_by_test_id("countersign").click()
    expect(page.get_by_test_id("decision-status")).to_have_text(zh_label(Decision.Status.IN_FORCE))
    expect(page.get_by_test_id("countersign")).to_have_count(0)
    effects = page.get_by_test_id("effect-row")
    expect(effects).to_have_count(3)
    points_row = effects.filter(has_text=zh_label(Effect.Kind.PERSON_POINTS))
    expect(points_row).to_contain_text("王小明")
    expect(points_row).to_contain_text("12")
    expect(effects.filter(has_text=zh_label(Effect.Kind.AWARD_LOSS))).to_contain_text("A01")
    expect(effects.filter(has_text=zh_label(Effect.Kind.WARNING))).to_contain_text("李主任")
    screenshot(page, "accountability-case")

    # The decision notice, fetched with the director's session.
    href = page.get_by_test_id("decision-pdf").get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    flat = re.sub(r"\s+", "", text)
    assert "问责决定书" in flat
    assert re.sub(r"\s+", "", REASONS) in flat
    assert "王小明" in flat
    assert "12" in flat
    assert case.number in flat
    page.context.close()

    # What the database holds.
    case.refresh_from_db()
    assert case.status == AccountabilityCase.Status.DECIDED
    assert Hearing.objects.filter(case=case, stated_at__isnull=False).count() == 2
    decision = Decision.objects.get()
    assert decision.status == Decision.Status.IN_FORCE
    assert decision.countersigned_by == director and decision.decided_by == inspector
    assert decision.reasons == REASONS
    charge = decision.charges.get()
    assert (charge.link, charge.person, charge.points) == (Link.CLERK, clerk, 12)
    assert sorted(decision.effects.values_list("kind", flat=True)) == sorted(
        [Effect.Kind.PERSON_POINTS, Effect.Kind.AWARD_LOSS, Effect.Kind.WARNING]
    )
    person_points = decision.effects.get(kind=Effect.Kind.PERSON_POINTS)
    assert (person_points.person, person_points.points) == (clerk, 12)
    assert person_points.window == hall.window
    assert decision.effects.get(kind=Effect.Kind.AWARD_LOSS).window == hall.window
    assert decision.effects.get(kind=Effect.Kind.WARNING).person == window_head
