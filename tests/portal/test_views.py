import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from hall.roles import Role
from tests.factories import WindowFactory

pytestmark = pytest.mark.django_db


def test_it_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- each persona's home page (domain.md, "Who uses it") ---------------------------

PASSWORD = "pw-for-tests-1"  # tests/factories.py UserFactory


def home_as(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.text


def in_default_language(text_or_callable):
    """The text as the default language renders it, whether or not its catalog is compiled."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text_or_callable() if callable(text_or_callable) else text_or_callable)


def role_badge(role: Role) -> str:
    return f'data-testid="role">{in_default_language(role.label)}</span>'


def scope_card(html: str) -> str:
    start = html.index('data-testid="scope-card"')
    return html[start : html.index('class="col-lg-7"', start)]


def whole_hall_counts(windows: int, departments: int) -> tuple[str, str, str]:
    return (
        in_default_language(lambda: gettext("The whole hall")),
        in_default_language(
            lambda: (
                ngettext("%(counter)s window", "%(counter)s windows", windows)
                % {"counter": windows}
            )
        ),
        in_default_language(
            lambda: (
                ngettext("%(counter)s department", "%(counter)s departments", departments)
                % {"counter": departments}
            )
        ),
    )


@pytest.mark.parametrize("persona", ["clerk", "window_head"])
def test_a_clerk_or_window_head_sees_their_own_window(client, hall, request, persona):
    user = request.getfixturevalue(persona)
    html = home_as(client, user)
    role = Role.CLERK if persona == "clerk" else Role.WINDOW_HEAD
    assert role_badge(role) in html
    card = scope_card(html)
    assert "A01 企业开办窗口" in card
    assert "县市场监督管理局" in card
    assert "B01" not in html
    assert "户政窗口" not in html


def test_a_department_head_sees_their_department(client, hall, department_head):
    html = home_as(client, department_head)
    assert role_badge(Role.DEPARTMENT_HEAD) in html
    card = scope_card(html)
    assert 'data-testid="scope">县市场监督管理局</p>' in card
    assert "A01" in html  # the department's window is listed below
    assert "县公安局" not in html
    assert "B01" not in html


@pytest.mark.parametrize(
    ("persona", "role"),
    [
        ("supervisor", Role.SUPERVISOR),
        ("director", Role.DIRECTOR),
        ("inspector", Role.INSPECTOR),
    ],
)
def test_a_hall_wide_persona_sees_the_whole_hall(client, hall, request, persona, role):
    html = home_as(client, request.getfixturevalue(persona))
    assert role_badge(role) in html
    whole, windows, departments = whole_hall_counts(2, 2)
    card = scope_card(html)
    assert whole in card
    assert windows in card
    assert departments in card


def test_the_whole_hall_count_follows_the_hall(client, hall, supervisor):
    WindowFactory(number="C01", department=hall.department)
    _, windows, _ = whole_hall_counts(3, 2)
    assert windows in scope_card(home_as(client, supervisor))


def test_an_applicant_is_shown_the_service_guide(client, hall, applicant):
    html = home_as(client, applicant)
    assert role_badge(Role.APPLICANT) in html
    card = scope_card(html)
    assert f'href="{reverse("windows:guide_list")}"' in card
    assert "A01" not in html
    assert "县市场监督管理局" not in html


def test_an_outsider_is_told_they_have_no_scope_yet(client, hall, outsider):
    html = home_as(client, outsider)
    assert 'data-testid="role"' not in html
    card = scope_card(html)
    assert 'class="text-warning" data-testid="scope"' in card
    assert "A01" not in html


def test_the_login_page_logs_in_and_goes_home(client, clerk):
    response = client.post(reverse("login"), {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_the_login_page_refuses_a_wrong_password(client, clerk):
    response = client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    assert response.status_code == 200
    assert client.get(reverse("home")).status_code == 302


def test_logout_refuses_a_get(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200


def test_logout_by_post_logs_out(client, clerk):
    client.force_login(clerk)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_the_interface_is_chinese_even_for_an_english_browser(client, hall):
    # zh-hans is the default; a browser's Accept-Language does not switch it.
    response = client.get(reverse("windows:guide_list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "办事指南" in response.content.decode()


def test_the_language_switch_turns_the_interface_into_english(client, hall):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("windows:guide_list")}
    )
    assert response.status_code == 302
    page = client.get(reverse("windows:guide_list"))
    assert page["Content-Language"] == "en"
    assert "Service guide" in page.content.decode()
