"""A clerk posts a whereabouts sign, the B holder takes over and acts on a case, and the
case history shows "acting for" (issue 5, R-ORG-6, R-ORG-7)."""

import datetime as dt

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from cases.models import Case
from cases.services import ApplicantInput, MaterialInput, case_intake
from hall.roles import Role
from staff.models import Absence, StaffMember
from tests.factories import (
    MaterialFactory,
    ServiceItemFactory,
    StaffMemberFactory,
    UserFactory,
    WindowFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(page, username):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("pw-for-tests-1")
    page.locator("main button[type=submit]").click()


def test_b_takes_over_from_a_behind_a_whereabouts_sign(
    page, browser, live_server, clerk, hall, screenshot
):
    # The B holder sits at another window of the department (back office, A02).
    b = StaffMember.objects.get(user=clerk)
    b.window = WindowFactory(number="A02", name="综合窗口", department=hall.department)
    b.save()
    a = StaffMemberFactory(
        user=UserFactory(username="aholder", first_name="张甲", roles=[Role.CLERK]),
        window=hall.window,
        department=hall.department,
        post=b.post,
        slot="A",
    )
    item = ServiceItemFactory(
        department=hall.department, statutory_limit_days=20, promised_limit_days=8
    )
    material = MaterialFactory(item=item)
    case = case_intake(
        actor=a.user,
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
            MaterialInput(name=material.name, item_material_id=material.pk, received=True, pages=1)
        ],
        now=timezone.now(),
    )

    # B does not see A's window queue while A is at the post.
    b_context = browser.new_context(
        viewport={"width": 1366, "height": 768}, base_url=live_server.url
    )
    b_page = b_context.new_page()
    b_page.set_default_timeout(10_000)
    log_in(b_page, "clerk")
    b_page.goto("/cases/")
    expect(b_page.get_by_text(case.number)).to_have_count(0)

    # A posts a whereabouts sign with a handover note.
    log_in(page, "aholder")
    page.goto("/")
    back = timezone.localtime() + dt.timedelta(minutes=15)
    page.get_by_placeholder("去向／事由（去向牌）").fill("去档案室调档")
    page.locator("input[name=expected_back]").fill(back.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_placeholder("给搭档的交接说明").fill("张三的食品经营许可可办结")
    page.get_by_test_id("sign-up").click()
    expect(page.get_by_test_id("my-sign")).to_contain_text("去档案室调档")
    screenshot(page, "staff-a-whereabouts-sign")
    assert Absence.objects.get(member=a).sign is not None

    # B sees that A is away, opens A's window queue and completes the case.
    b_page.goto("/")
    expect(b_page.get_by_test_id("partner-away")).to_contain_text("张甲")
    expect(b_page.get_by_test_id("partner-away")).to_contain_text("张三的食品经营许可可办结")
    screenshot(b_page, "staff-b-sees-partner-away")
    b_page.get_by_test_id("partner-queue").click()
    b_page.get_by_role("link", name=case.number).click()
    b_page.get_by_test_id("approve").click()
    with translation.override("zh-hans"):
        expect(b_page.get_by_test_id("case-status")).to_have_text(str(Case.Status.APPROVED.label))
    timeline = b_page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("王小明")
    expect(timeline).to_contain_text("代张甲")
    screenshot(b_page, "staff-b-acted-for-a")
    latest = Case.objects.get(pk=case.pk).history.latest()
    assert latest.history_user == clerk and latest.acting_for == a.user

    # A comes back: the substitution ends and A's queue leaves B's scope.
    page.reload()
    page.get_by_test_id("sign-down").click()
    b_page.goto("/cases/")
    expect(b_page.get_by_text(case.number)).to_have_count(0)
    b_context.close()
