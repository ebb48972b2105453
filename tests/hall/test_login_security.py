"""Logins in the manner of graded protection (等保 2.0): lockout after repeated failures,
password complexity, idle sessions ended, a log administrators read, and a forced
password change for passwords someone else set."""

from __future__ import annotations

import time

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from hall.accounts import password_change_require
from hall.middleware import SESSION_LAST_SEEN
from hall.models import Account
from hall.passwords import character_classes

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"
LOGIN = "/accounts/login/"


def log_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def fail(client, username, times):
    return [log_in(client, username, "wrong-password-9").status_code for _ in range(times)]


# --- Lockout (django-axes) ---------------------------------------------------------


def test_five_failures_lock_the_account_for_fifteen_minutes(client, clerk, settings):
    assert settings.AXES_FAILURE_LIMIT == 5 and settings.HALL_LOGIN_LOCKOUT_MINUTES == 15
    assert fail(client, "clerk", 4) == [200, 200, 200, 200]  # the form again, with its error
    # Four failures: the right password still works, and resets the count.
    assert log_in(client, "clerk").status_code == 302
    client.logout()
    assert fail(client, "clerk", 5) == [200, 200, 200, 200, 429]
    locked = log_in(client, "clerk")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    page = locked.content.decode()
    assert 'data-testid="locked-out"' in page and "15" in page and "5" in page
    # Fourteen minutes later: still locked. Sixteen: the right password gets in.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(minutes=14))
    assert log_in(client, "clerk").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(minutes=16))
    assert log_in(client, "clerk").status_code == 302


def test_the_lock_is_per_account_not_per_address(client, clerk, window_head):
    """A hall's counters share one address: one clerk's typos lock only their account."""
    fail(client, "clerk", 5)
    assert log_in(client, "clerk").status_code == 429
    assert log_in(client, "windowhead").status_code == 302


def test_the_lockout_page_speaks_chinese(client, clerk):
    fail(client, "clerk", 5)
    page = log_in(client, "clerk").content.decode()
    assert "账号" in page and "分钟" in page


# --- Passwords -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["Ab1!", "abcdefghijkl", "abcdefgh1234", "ABCDEFGH1234", "1234567890123"],
    ids=["short", "one-class", "two-classes", "two-classes-upper", "digits"],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["hall-demo-2026", "Zhengwu2026x", "窗口Ab3x-办事大厅"])
def test_strong_passwords_pass(password):
    validate_password(password)


def test_character_classes_counts_the_four_kinds():
    assert character_classes("abc") == 1
    assert character_classes("aB") == 2
    assert character_classes("aB3") == 3
    assert character_classes("aB3-") == 4
    assert character_classes("窗口") == 1  # letters of no case count as "other"


def test_the_password_refusal_is_chinese(client, clerk):
    client.force_login(clerk)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "abcdefghijk", "new_password2": "abcdefghijk"},
    )
    assert response.status_code == 200
    assert "至少" in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


# --- Idle sessions -------------------------------------------------------------------


def test_an_idle_session_ends_after_thirty_minutes(client, clerk, settings):
    assert settings.HALL_SESSION_IDLE_MINUTES == 30
    assert log_in(client, "clerk").status_code == 302
    assert client.get("/cases/").status_code == 200
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - 29 * 60
    session.save()
    assert client.get("/cases/").status_code == 200  # 29 minutes: still there
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - 31 * 60
    session.save()
    response = client.get("/cases/?light=red")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/cases/%3Flight%3Dred"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "30" in page and "未操作" in page


def test_a_poll_does_not_keep_the_session_alive(client, clerk):
    client.force_login(clerk)
    client.get("/cases/")
    session = client.session
    session[SESSION_LAST_SEEN] = before = time.time() - 10 * 60
    session.save()
    status = client.get("/accounts/session/", HTTP_X_HALL_BACKGROUND="1").json()
    assert 19 * 60 <= status["remaining"] <= 20 * 60
    assert client.session[SESSION_LAST_SEEN] == before
    # "Stay signed in" does.
    status = client.post("/accounts/session/").json()
    assert status["remaining"] >= 29 * 60
    assert client.session[SESSION_LAST_SEEN] > before


def test_a_form_posted_after_the_end_changes_nothing(client, clerk):
    from hall.models import Alert

    client.force_login(clerk)
    alert = Alert.objects.create(
        user=clerk, key="k", level="info", title="t", created_at=timezone.now()
    )
    client.get("/cases/")
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - 31 * 60
    session.save()
    response = client.post("/alerts/read/", {"id": alert.pk}, HTTP_REFERER="/alerts/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    alert.refresh_from_db()
    assert alert.read_at is None


def test_the_session_check_answers_401_when_logged_out(client):
    assert client.get("/accounts/session/").status_code == 401


# --- The log of logins -----------------------------------------------------------------


def test_logins_and_failures_are_logged_for_administrators(client, clerk, admin_user):
    fail(client, "clerk", 2)
    log_in(client, "clerk", HTTP_USER_AGENT="HallTest/1.0")
    assert AccessFailureLog.objects.filter(username="clerk").count() == 2
    assert AccessLog.objects.filter(username="clerk").count() == 1
    client.logout()
    client.force_login(admin_user)
    page = client.get("/accounts/log/?username=clerk").content.decode()
    assert page.count('data-event="failure"') == 2
    assert page.count('data-event="login"') == 1
    assert "HallTest/1.0" in page
    only_failures = client.get("/accounts/log/?kind=failure").content.decode()
    assert 'data-event="login"' not in only_failures
    assert only_failures.count('data-event="failure"') == 2
    # The administrator's own login is there too.
    assert client.get("/accounts/log/").content.decode().count('data-event="login"') == 2


def test_a_lockout_shows_in_the_log(client, clerk, admin_user):
    fail(client, "clerk", 5)
    client.force_login(admin_user)
    assert 'data-event="locked"' in client.get("/accounts/log/").content.decode()


@pytest.mark.parametrize("persona", ["clerk", "supervisor", "director"])
def test_the_log_is_for_administrators_only(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/accounts/log/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- Forced password change ----------------------------------------------------------


def test_a_password_someone_else_set_is_changed_at_first_login(client, clerk, admin_user):
    password_change_require(user=clerk, actor=admin_user)
    assert log_in(client, "clerk").status_code == 302
    # Every page leads to the password change until it is done.
    for url in ["/cases/", "/", "/alerts/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    page = client.get("/accounts/password/").content.decode()
    assert 'data-testid="password-forced"' in page
    # Logging out and switching the language stay possible.
    assert client.get("/accounts/session/").status_code == 200
    # A weak new password is refused and the flag stays.
    client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert client.get("/cases/").status_code == 302
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Chuangkou-2026",
            "new_password2": "Chuangkou-2026",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/cases/").status_code == 200  # still logged in, free to go
    account = Account.objects.get(user=clerk)
    assert not account.must_change_password and account.password_changed_at
    # History: the administrator set the flag, the clerk cleared it.
    users = list(account.history.order_by("history_id").values_list("history_user__username"))
    assert users == [("admin",), ("clerk",)]


def test_an_htmx_request_is_sent_to_the_password_change_too(client, clerk, admin_user):
    password_change_require(user=clerk, actor=admin_user)
    log_in(client, "clerk")
    response = client.get("/cases/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == "/accounts/password/"


def test_a_user_an_administrator_creates_must_change_their_password(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "newclerk",
            "password1": "Chuangkou-2026",
            "password2": "Chuangkou-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = get_user_model().objects.get(username="newclerk")
    assert Account.objects.get(user=user).must_change_password


def test_a_password_an_administrator_resets_must_be_changed(client, admin_user, clerk):
    client.force_login(admin_user)
    response = client.post(
        f"/admin/auth/user/{clerk.pk}/password/",
        {
            "password1": "Reset-by-admin-1",
            "password2": "Reset-by-admin-1",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert Account.objects.get(user=clerk).must_change_password


def test_the_persona_users_of_the_tests_are_not_flagged(clerk):
    assert not Account.objects.filter(user=clerk, must_change_password=True).exists()
