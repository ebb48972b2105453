"""The center's eyes (N-3): the supervision overview per persona, its figures and their
click-through, the public hall screen without personal data, and the bell of alerts.

The overview reads the real clock (timezone.now()), so these cases are taken in today
and their due dates are set around today; the on-time rate of a fixed month is checked
on the selector with a fixed `now`.
"""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Light
from cases.services import case_approve, case_pickup
from cases.sweep import sweep_lights
from hall.models import Alert
from supervision.selectors import hall_figures
from windows.models import Window

from .support import ID_NUMBER, MOBILE, NAME, accept, at, make_item

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def set_dues(case, promised: dt.date, statutory: dt.date) -> None:
    Case.objects.filter(pk=case.pk).update(promised_due=promised, statutory_due=statutory)


@pytest.fixture
def lit(clerk, hall, item, other_clerk):
    """Cases of today in both windows, swept now: A01 has 2 red, 1 yellow, 1 warning,
    1 green; B01 has 1 red."""
    today = timezone.localdate()
    now = timezone.now()
    cases = {}
    for name, promised, statutory in [
        ("red1", today - 10 * DAY, today - DAY),
        ("red2", today - 20 * DAY, today - 2 * DAY),
        ("yellow", today - DAY, today + 20 * DAY),
        ("warning", today, today + 20 * DAY),  # the promised day itself
        ("green", today + 30 * DAY, today + 40 * DAY),
    ]:
        cases[name] = accept(clerk, hall.window, item, now)
        set_dues(cases[name], promised, statutory)
    cases["b_red"] = accept(other_clerk, hall.other_window, make_item(hall.other_department), now)
    set_dues(cases["b_red"], today - 10 * DAY, today - DAY)
    sweep_lights(now=now)
    for case in cases.values():
        case.refresh_from_db()
    assert [cases[n].light for n in ("red1", "red2", "yellow", "warning", "green", "b_red")] == [
        "red",
        "red",
        "yellow",
        "warning",
        "green",
        "red",
    ]
    return cases


def row_counts(page: str, window: str) -> dict[str, int]:
    """The per-light counts of one window's row, read from its click-through links."""
    found = re.findall(rf'href="/cases/\?window={window}&amp;light=(\w+)"[^>]*>(\d+)</a>', page)
    return {light: int(n) for light, n in found}


def stored_counts(window) -> dict[str, int]:
    counts = dict.fromkeys(Light.values, 0)
    for light in Case.objects.filter(window=window, status__in=Case.OPEN_STATUSES).values_list(
        "light", flat=True
    ):
        if light:
            counts[light] += 1
    return counts


# --- who sees the overview ---------------------------------------------------------------


@pytest.mark.parametrize("persona", ["supervisor", "director", "inspector"])
def test_the_center_sees_every_window(client, request, hall, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("supervision:overview"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "A01" in page and "B01" in page
    numbers = [r.window.number for r in response.context["figures"].rows]
    assert numbers == ["A01", "B01"]


def test_a_department_head_sees_only_their_departments_windows(client, hall, department_head):
    client.force_login(department_head)
    response = client.get(reverse("supervision:overview"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "A01" in page
    assert "B01" not in page and hall.other_window.name not in page
    assert [r.window.number for r in response.context["figures"].rows] == ["A01"]


@pytest.mark.parametrize("persona", ["clerk", "window_head", "applicant", "outsider"])
def test_the_overview_is_refused_to_others(client, request, hall, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("supervision:overview")).status_code == 403


def test_the_overview_sends_an_anonymous_visitor_to_log_in(client):
    response = client.get(reverse("supervision:overview"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_overview_refuses_post(client, supervisor):
    client.force_login(supervisor)
    assert client.post(reverse("supervision:overview")).status_code == 405


# --- figures -------------------------------------------------------------------------------


def test_the_light_counts_match_the_stored_lights(client, hall, lit, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("supervision:overview")).content.decode()
    assert row_counts(page, "A01") == stored_counts(hall.window)
    assert row_counts(page, "A01") == {"green": 1, "warning": 1, "yellow": 1, "red": 2}
    assert row_counts(page, "B01") == {"green": 0, "warning": 0, "yellow": 0, "red": 1}
    totals = page.split('data-testid="totals"')[1].split('data-testid="taken-today"')[0]
    assert re.findall(r'badge light-(\w+)">(\d+)<', totals) == [
        ("green", "1"),
        ("warning", "1"),
        ("yellow", "1"),
        ("red", "3"),
    ]


def test_the_department_heads_counts_leave_out_other_departments(
    client, hall, lit, department_head
):
    client.force_login(department_head)
    page = client.get(reverse("supervision:overview")).content.decode()
    totals = page.split('data-testid="totals"')[1].split('data-testid="taken-today"')[0]
    assert ("red", "2") in re.findall(r'badge light-(\w+)">(\d+)<', totals)


def test_taken_in_today_and_completed_today_are_counted(client, clerk, hall, item, supervisor):
    now = timezone.now()
    yesterday = accept(clerk, hall.window, item, now - DAY)
    today = [accept(clerk, hall.window, item, now) for _ in range(3)]
    case_approve(case=today[0], actor=clerk, now=now)
    case_approve(case=yesterday, actor=clerk, now=now)
    done_yesterday = accept(clerk, hall.window, item, now - 2 * DAY)
    case_approve(case=done_yesterday, actor=clerk, now=now - DAY)

    client.force_login(supervisor)
    page = client.get(reverse("supervision:overview")).content.decode()
    assert re.search(r'data-testid="taken-today">3<', page)
    assert re.search(r'data-testid="completed-today">2<', page)
    row = page.split('data-testid="window-row"')[1]
    cells = re.findall(r'<td class="text-end">([^<]*)</td>', row)
    assert cells[:2] == ["3", "2"]  # A01: taken in today, completed today


def test_the_on_time_rate_counts_this_months_completed_cases(clerk, hall, item):
    # Accepted Mon 9/28, promised due Wed 10/14. Completed in October 2026:
    # Tue 10/13 and Wed 10/14 17:00 on time; Thu 10/15 07:30 in Beijing (still 10/14 in
    # UTC) late. One completed in September does not count.
    cases = [accept(clerk, hall.window, item, at(9, 28, 9, n)) for n in range(4)]
    case_approve(case=cases[0], actor=clerk, now=at(10, 13))
    case_approve(case=cases[1], actor=clerk, now=at(10, 14, 17))
    case_approve(case=cases[2], actor=clerk, now=at(10, 15, 7, 30))
    case_approve(case=cases[3], actor=clerk, now=at(9, 30))
    case_pickup(case=cases[0], actor=clerk, now=at(10, 16))

    figures = hall_figures(Window.objects.all(), now=at(10, 20, 12))
    a01 = figures.rows[0]
    assert a01.window == hall.window
    assert (a01.completed_month, a01.on_time_month) == (3, 2)
    assert a01.on_time_rate == pytest.approx(200 / 3)
    assert figures.on_time_rate == pytest.approx(200 / 3)
    assert figures.rows[1].on_time_rate is None  # B01 completed nothing
    # On the day of the last completion, it counts as completed today.
    assert hall_figures(Window.objects.all(), now=at(10, 15, 9)).rows[0].completed_today == 1


def test_the_on_time_rate_shows_on_the_overview(client, clerk, hall, item, supervisor):
    now = timezone.now()
    cases = [accept(clerk, hall.window, item, now) for _ in range(3)]
    set_dues(cases[2], timezone.localdate() - DAY, timezone.localdate() + 10 * DAY)  # late
    for case in cases:
        case.refresh_from_db()
        case_approve(case=case, actor=clerk, now=now)
    client.force_login(supervisor)
    page = client.get(reverse("supervision:overview")).content.decode()
    assert re.search(r'data-testid="on-time-rate">66\.7%<', page)


def test_the_red_count_links_to_exactly_the_red_cases_of_the_window(client, hall, lit, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("supervision:overview")).content.decode()
    link = re.search(r'href="(/cases/\?window=A01&amp;light=red)"', page).group(1)
    listing = client.get(link.replace("&amp;", "&"))
    assert listing.status_code == 200
    numbers = re.findall(r'<a href="/cases/([^/]+)/">', listing.content.decode())
    assert sorted(numbers) == sorted([lit["red1"].number, lit["red2"].number])
    assert listing.content.decode().count('data-testid="case-row"') == 2


def test_the_department_head_follows_the_red_count_to_their_window(
    client, hall, lit, department_head
):
    client.force_login(department_head)
    listing = client.get(reverse("cases:list"), {"window": "A01", "light": "red"})
    assert listing.content.decode().count('data-testid="case-row"') == 2
    other = client.get(reverse("cases:list"), {"window": "B01", "light": "red"})
    assert other.content.decode().count('data-testid="case-row"') == 0


# --- the public screen --------------------------------------------------------------------


def test_the_screen_is_public_and_shows_no_personal_data(client, hall, lit):
    response = client.get(reverse("supervision:screen"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "A01" in page and "B01" in page
    assert re.search(r'data-testid="screen-taken">6<', page)
    for private in (NAME, ID_NUMBER, MOBILE, ID_NUMBER[-4:], MOBILE[-4:]):
        assert private not in page
    assert 'hx-trigger="every' in page
    assert page.lstrip().startswith("<!doctype html>")


def test_the_screen_answers_htmx_polling_with_the_figures_only(client, hall, lit):
    response = client.get(reverse("supervision:screen"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page and "hx-trigger" not in page
    assert 'data-testid="screen-row"' in page and "A01" in page
    assert NAME not in page and ID_NUMBER not in page and MOBILE not in page
    assert "HX-Request" in response["Vary"]


# --- the bell and the alerts page -----------------------------------------------------------


def alert(user, key, read=False, **kw):
    return Alert.objects.create(
        user=user,
        key=key,
        level=kw.pop("level", "yellow"),
        title=kw.pop("title", f"提醒 {key}"),
        created_at=timezone.now(),
        read_at=timezone.now() if read else None,
        **kw,
    )


@pytest.fixture
def alerts(clerk, window_head):
    return {
        "mine1": alert(clerk, "case:1:warning", title="我的提醒一"),
        "mine2": alert(clerk, "case:2:yellow", title="我的提醒二"),
        "mine_read": alert(clerk, "case:3:yellow", read=True, title="我的已读提醒"),
        "theirs": alert(window_head, "case:1:yellow", title="别人的提醒"),
    }


def bell(page: str) -> int | None:
    found = re.search(r'data-testid="bell-count">(\d+)<', page)
    return int(found.group(1)) if found else None


def test_a_user_sees_only_their_own_alerts(client, clerk, alerts):
    client.force_login(clerk)
    page = client.get(reverse("hall:alerts")).content.decode()
    assert page.count('data-testid="alert"') == 3
    assert "我的提醒一" in page and "我的已读提醒" in page
    assert "别人的提醒" not in page


def test_the_bell_counts_the_unread_alerts(client, clerk, window_head, alerts):
    client.force_login(clerk)
    assert bell(client.get(reverse("hall:alerts")).content.decode()) == 2
    client.force_login(window_head)
    assert bell(client.get(reverse("hall:alerts")).content.decode()) == 1


def test_the_bell_shows_no_count_without_unread_alerts(client, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("hall:alerts")).content.decode()
    assert 'data-testid="bell"' in page
    assert bell(page) is None


def test_the_sweeps_alerts_ring_the_clerks_bell(client, clerk, case):
    sweep_lights(now=at(10, 15))
    client.force_login(clerk)
    page = client.get(reverse("hall:alerts")).content.decode()
    assert bell(page) == 1
    assert case.number in page and f'href="{case.get_absolute_url()}"' in page


def test_marking_one_alert_read(client, clerk, alerts):
    client.force_login(clerk)
    response = client.post(reverse("hall:alerts_read"), {"id": alerts["mine1"].pk})
    assert response.status_code == 302 and response.url == reverse("hall:alerts")
    alerts["mine1"].refresh_from_db()
    alerts["mine2"].refresh_from_db()
    assert alerts["mine1"].read_at is not None
    assert alerts["mine2"].read_at is None
    assert bell(client.get(reverse("hall:alerts")).content.decode()) == 1


def test_marking_another_users_alert_changes_nothing(client, clerk, alerts):
    client.force_login(clerk)
    client.post(reverse("hall:alerts_read"), {"id": alerts["theirs"].pk})
    assert Alert.objects.filter(read_at__isnull=True).count() == 3
    alerts["theirs"].refresh_from_db()
    assert alerts["theirs"].read_at is None


def test_a_garbled_id_marks_nothing(client, clerk, alerts):
    client.force_login(clerk)
    client.post(reverse("hall:alerts_read"), {"id": "abc"})
    assert Alert.objects.filter(user=clerk, read_at__isnull=True).count() == 2


def test_marking_all_read_marks_only_the_users_own(client, clerk, alerts):
    client.force_login(clerk)
    response = client.post(reverse("hall:alerts_read"))
    assert response.status_code == 302
    assert not Alert.objects.filter(user=clerk, read_at__isnull=True).exists()
    alerts["theirs"].refresh_from_db()
    assert alerts["theirs"].read_at is None
    assert bell(client.get(reverse("hall:alerts")).content.decode()) is None


def test_marking_read_returns_to_a_local_page_only(client, clerk, alerts):
    client.force_login(clerk)
    back = client.post(
        reverse("hall:alerts_read"), {"id": alerts["mine1"].pk, "next": "/alerts/?unread=1"}
    )
    assert back.url == "/alerts/?unread=1"
    away = client.post(
        reverse("hall:alerts_read"), {"id": alerts["mine2"].pk, "next": "//evil.example/"}
    )
    assert away.url == reverse("hall:alerts")


def test_the_read_url_refuses_get(client, clerk, alerts):
    client.force_login(clerk)
    assert client.get(reverse("hall:alerts_read")).status_code == 405
    assert Alert.objects.filter(user=clerk, read_at__isnull=True).count() == 2


def test_the_alerts_pages_send_an_anonymous_visitor_to_log_in(client):
    for url in (reverse("hall:alerts"), reverse("hall:alerts_read")):
        response = client.get(url) if url == reverse("hall:alerts") else client.post(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
