"""A supervisor walks this half-day's patrol round on a tablet (1024×768): passes windows
with one tap, records a finding with a photo at a window whose clerk has a whereabouts
sign up, and signs the round off; the window head disputes the finding (R-PATROL-1..3)."""

import datetime as dt
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation
from playwright.sync_api import expect

from accountability.models import Occurrence
from patrols.models import Finding, Round, WindowCheck
from staff.attendance import session_of, whereabouts_post
from staff.models import StaffMember
from tests.factories import WindowFactory
from tests.patrols.support import ensure_checklist, jpeg_bytes
from windows.models import Window

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TABLET = {"width": 1024, "height": 768}


def new_page(browser, live_server):
    context = browser.new_context(viewport=TABLET, locale="zh-CN", base_url=live_server.url)
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


def the_hall(hall):
    """Four active windows whose walking order is not their number order, and a closed one."""
    ensure_checklist()
    Window.objects.filter(pk=hall.other_window.pk).update(floor_order=2)
    Window.objects.filter(pk=hall.window.pk).update(floor_order=3)
    WindowFactory(number="C01", name="不动产登记窗口", floor_order=1)
    WindowFactory(number="A02", name="社保医保窗口", floor_order=4)
    WindowFactory(number="D01", name="已撤并窗口", floor_order=0, is_active=False)
    return ["C01", "B01", "A01", "A02"]


def row(page, number):
    return page.locator(f'[data-testid="round-window"][data-window="{number}"]')


def start_this_half_day(page):
    page.goto("/patrols/")
    half = session_of(timezone.now())[0]
    page.get_by_test_id(f"start-{half}").click()
    page.wait_for_url(re.compile(r"/patrols/rounds/\d+/$"))


def pass_window(page, number, done, total):
    row(page, number).get_by_test_id("pass").click()
    expect(row(page, number).get_by_test_id("window-state")).to_contain_text(zh("All items passed"))
    expect(page.get_by_test_id("round-progress")).to_contain_text(
        zh("%(done)s of %(total)s windows covered", done=done, total=total)
    )


def test_a_supervisor_walks_a_round_on_a_tablet_and_signs_it_off(
    browser, live_server, hall, clerk, window_head, supervisor, screenshot, tmp_path
):
    order = the_hall(hall)
    now = timezone.now()
    whereabouts_post(
        actor=clerk,
        member=StaffMember.objects.get(user=clerk),
        now=now - dt.timedelta(minutes=5),
        reason="去档案室调取材料",
        expected_back=now + dt.timedelta(minutes=15),
    )

    page = new_page(browser, live_server)
    login(page, "supervisor")
    start_this_half_day(page)

    # The windows in the order the patrol walks past them; the clerk's sign beside A01.
    windows = page.get_by_test_id("round-window")
    expect(windows).to_have_count(4)
    assert windows.evaluate_all("rows => rows.map(r => r.dataset.window)") == order
    away = row(page, "A01").get_by_test_id("away")
    expect(away).to_contain_text("王小明")
    expect(away).to_contain_text("去档案室调取材料")
    for number in ("C01", "B01", "A02"):
        expect(row(page, number).get_by_test_id("away")).to_have_count(0)
    expect(page.get_by_test_id("round-status")).to_have_text(zh_label(Round.Status.OPEN))

    # Two taps: each row is swapped in place and the progress follows.
    pass_window(page, "C01", 1, 4)
    pass_window(page, "B01", 2, 4)
    expect(row(page, "A01").get_by_test_id("window-state")).to_contain_text(zh("Not checked"))
    screenshot(page, "patrols-round-midway")

    # A finding at A01: the tidiness item, a note and a phone photo.
    row(page, "A01").get_by_test_id("record").click()
    expect(page.get_by_test_id("away-here")).to_contain_text("王小明")
    page.get_by_test_id("item-tidiness").click()
    expect(page.locator('input[name="item"]:checked')).to_have_count(1)
    page.locator("textarea#note").fill("窗口台面文件堆放杂乱")
    photo = tmp_path / "desk.jpg"
    photo.write_bytes(jpeg_bytes())
    page.locator("#photo").set_input_files(str(photo))
    screenshot(page, "patrols-finding-form")
    page.get_by_test_id("save-finding").click()
    listed = page.get_by_test_id("window-findings")
    expect(listed).to_contain_text("窗口台面文件堆放杂乱")
    expect(listed).to_contain_text(zh("photo"))
    expect(listed).to_contain_text(zh_label(Finding.Status.RECORDED))
    screenshot(page, "patrols-finding-saved")

    page.get_by_test_id("back-to-round").click()
    page.wait_for_url(re.compile(r"/patrols/rounds/\d+/"))
    expect(page.get_by_test_id("round-progress")).to_contain_text(
        zh("%(done)s of %(total)s windows covered", done=3, total=4)
    )
    with translation.override("zh-hans"):
        one_finding = translation.ngettext("%(n)s finding", "%(n)s findings", 1) % {"n": 1}
    expect(row(page, "A01").get_by_test_id("window-state")).to_have_text(one_finding)
    expect(row(page, "A01").get_by_test_id("pass")).to_have_count(0)

    # The last window; then every window is covered and the round is signed off.
    pass_window(page, "A02", 4, 4)
    expect(page.get_by_test_id("round-status")).to_have_text(zh_label(Round.Status.COMPLETE))
    page.locator("textarea#remarks").fill("大厅秩序良好，A01窗口已当场提醒整改")
    page.get_by_test_id("sign").click()
    signed = page.get_by_test_id("signed")
    expect(signed).to_be_visible()
    expect(signed).to_contain_text("周督查")
    expect(signed).to_contain_text("大厅秩序良好")
    expect(page.get_by_test_id("round-status")).to_have_text(zh_label(Round.Status.SIGNED))
    expect(page.get_by_test_id("pass")).to_have_count(0)
    expect(page.get_by_test_id("sign")).to_have_count(0)
    screenshot(page, "patrols-round-signed")
    page.context.close()

    round_ = Round.objects.get()
    assert round_.status == Round.Status.SIGNED
    assert round_.signed_by == supervisor
    assert round_.remarks == "大厅秩序良好，A01窗口已当场提醒整改"
    assert round_.half == session_of(now)[0]
    active = Window.objects.filter(is_active=True)
    assert active.count() == 4
    checks = WindowCheck.objects.filter(round=round_)
    assert checks.count() == active.count()
    assert set(checks.values_list("window__number", flat=True)) == set(order)
    a01 = checks.get(window=hall.window)
    assert a01.result == WindowCheck.Result.FINDINGS
    assert "去档案室调取材料" in a01.context
    finding = Finding.objects.get()
    assert finding.window == hall.window
    assert finding.item.code == "tidiness"
    assert finding.note == "窗口台面文件堆放杂乱"
    assert finding.photo
    assert finding.recorded_by == supervisor
    occurrence = Occurrence.objects.get(
        source_type=ContentType.objects.get_for_model(Finding), source_id=finding.pk
    )
    assert occurrence.window == hall.window
    assert occurrence.rule == finding.item.rule
    assert occurrence.withdrawn_at is None

    # The window head reads the finding and disputes it.
    head = new_page(browser, live_server)
    login(head, "windowhead")
    head.goto(f"/patrols/findings/{finding.pk}/")
    status = head.get_by_test_id("finding-status")
    expect(status).to_have_text(zh_label(Finding.Status.RECORDED))
    expect(head.get_by_test_id("finding-photo")).to_be_visible()
    expect(head.get_by_test_id("dispute-form")).to_be_visible()
    screenshot(head, "patrols-finding-window-head")
    head.locator("textarea#d-reason").fill("当时正在整理申请材料，并非长期杂乱")
    head.get_by_test_id("dispute").click()
    expect(status).to_have_text(zh_label(Finding.Status.DISPUTED))
    expect(head.get_by_test_id("dispute-form")).to_have_count(0)
    expect(head.get_by_test_id("dispute-record")).to_contain_text("当时正在整理申请材料")
    screenshot(head, "patrols-finding-disputed")
    head.context.close()

    finding.refresh_from_db()
    assert finding.status == Finding.Status.DISPUTED
    assert finding.disputed_by == window_head
    assert finding.dispute_reason == "当时正在整理申请材料，并非长期杂乱"


def test_a_round_is_not_signed_before_every_window_is_covered(
    browser, live_server, hall, supervisor, screenshot
):
    page = new_page(browser, live_server)
    login(page, "supervisor")
    start_this_half_day(page)
    pass_window(page, "A01", 1, 2)
    page.locator("textarea#remarks").fill("先签一下")
    page.get_by_test_id("sign").click()
    error = page.get_by_test_id("sign-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("B01")
    expect(page.locator("textarea#remarks")).to_have_value("先签一下")
    screenshot(page, "patrols-sign-refused")
    page.context.close()

    round_ = Round.objects.get()
    assert round_.status == Round.Status.OPEN
    assert round_.signed_by is None
