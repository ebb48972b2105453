"""The hardening seen from a real browser: the Content-Security-Policy breaks no page,
the idle session warns and ends, what was typed survives the end, and a password
someone else set is changed at the first login."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from hall.accounts import password_change_require

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HOME = re.compile(r"^https?://[^/]+/$")


def log_in(page, username, password="pw-for-tests-1"):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.keyboard.press("Enter")


def watch_csp(page) -> list[str]:
    """Every complaint of the browser about the Content-Security-Policy, and every
    script error (htmx or Bootstrap refusing to run would show here)."""
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error"
            and ("Content Security Policy" in message.text or "Refused" in message.text)
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return problems


def test_no_page_of_the_demo_hall_breaks_the_content_security_policy(
    page, screenshot, migration_seeds
):
    """Every page in each persona's menu, and the pages one click further that carry
    charts, htmx and Bootstrap's menus, load without a single refusal."""
    call_command("seed_demo", stdout=io.StringIO())
    from hall.models import Account

    Account.objects.update(must_change_password=False)
    problems = watch_csp(page)
    visited: set[str] = set()
    for username in ["clerk", "supervisor", "director", "inspector", "depthead"]:
        page.context.clear_cookies()
        log_in(page, username, "hall-demo-2026")
        page.wait_for_url(HOME)
        links = page.locator("header a.nav-link, main a").evaluate_all(
            "els => els.map(a => a.getAttribute('href'))"
        )
        targets = []
        for href in links:
            if not href or not href.startswith("/") or href in visited:
                continue
            if re.search(r"(pdf|xlsx|download|logout|evidence|photo|file)/?", href):
                continue
            visited.add(href)
            targets.append(href)
        for href in targets[:25]:
            page.goto(href)
            page.wait_for_load_state("load")
            # One step further: the first record a list leads to (a case, a complaint…).
            first = page.locator("main table a[href^='/']").first
            if first.count():
                detail = first.get_attribute("href")
                if detail not in visited and not re.search(r"(pdf|xlsx|download)", detail):
                    visited.add(detail)
                    page.goto(detail)
                    page.wait_for_load_state("load")
        # The header's dropdowns and collapsible menu are Bootstrap's script at work.
        page.goto("/")
    assert len(visited) >= 20, visited
    page.goto("/supervision/screen/")
    page.wait_for_timeout(300)
    assert problems == [], problems
    screenshot(page, "csp-screen")


def test_the_idle_session_warns_keeps_and_ends(page, clerk, hall, settings, screenshot):
    settings.HALL_SESSION_IDLE_MINUTES = 0.15  # 9 seconds
    settings.HALL_SESSION_WARNING_SECONDS = 5
    problems = watch_csp(page)
    log_in(page, "clerk")
    page.wait_for_url(HOME)
    page.goto("/cases/inquiries/new/")
    warning = page.get_by_test_id("session-warning")
    expect(warning).to_be_visible(timeout=10_000)
    expect(warning.locator("[data-countdown]")).to_have_text(re.compile(r"0:0[0-5]"))
    screenshot(page, "session-warning")
    page.get_by_test_id("session-stay").click()
    expect(warning).to_be_hidden()
    # Typing counts as use: the page keeps the session by itself, without asking.
    page.locator("#id_subject").fill("咨询不动产登记需要的材料")
    page.wait_for_timeout(7_000)
    expect(warning).to_be_hidden()
    assert "/accounts/login/" not in page.url
    # Then nothing more: the session ends, the page goes to the login, and after the
    # login the form is back with what was typed.
    page.wait_for_url(re.compile(r"/accounts/login/\?next="), timeout=25_000)
    expect(page.locator(".alert-warning")).to_contain_text("未操作")
    page.locator("#id_username").fill("clerk")
    page.locator("#id_password").fill("pw-for-tests-1")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/cases/inquiries/new/$"))
    expect(page.locator("#id_subject")).to_have_value("咨询不动产登记需要的材料")
    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    screenshot(page, "session-draft-restored")
    assert problems == [], problems


def test_a_first_login_with_a_set_password_goes_to_the_password_change(
    page, clerk, admin_user, screenshot
):
    password_change_require(user=clerk, actor=admin_user)
    log_in(page, "clerk")
    page.wait_for_url(re.compile(r"/accounts/password/$"))
    expect(page.get_by_test_id("password-forced")).to_be_visible()
    page.goto("/cases/")
    page.wait_for_url(re.compile(r"/accounts/password/$"))
    page.locator("#id_old_password").fill("pw-for-tests-1")
    page.locator("#id_new_password1").fill("abcdefghijk")
    page.locator("#id_new_password2").fill("abcdefghijk")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("password-error").first).to_contain_text("至少")
    screenshot(page, "password-forced")
    page.locator("#id_old_password").fill("pw-for-tests-1")
    page.locator("#id_new_password1").fill("Chuangkou-2026")
    page.locator("#id_new_password2").fill("Chuangkou-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(HOME)
    expect(page.locator(".alert-success")).to_contain_text("密码已修改")
    page.goto("/cases/")
    assert page.url.endswith("/cases/")


def test_the_lockout_page_after_five_wrong_passwords(page, clerk, screenshot):
    page.goto("/accounts/login/")
    for _ in range(5):
        page.locator("#id_username").fill("clerk")
        page.locator("#id_password").fill("wrong-password-9")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    expect(page.get_by_test_id("locked-out")).to_contain_text("15 分钟")
    screenshot(page, "login-locked-out")
