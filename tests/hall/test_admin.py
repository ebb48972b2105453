"""The hall's admin: loading a year's schedule, editing the calendar with history, system status.

Pages are requested in English (the language cookie) so that the assertions do
not depend on the translations being worked on in locale/.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from hall.calendar import is_working_day
from hall.models import CalendarDay, CalendarYear
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

D = dt.date
EN: dict = {}


@pytest.fixture(autouse=True)
def english(client, admin_client):
    """Pages in English (the language switch's cookie), independent of the translation."""
    for c in (client, admin_client):
        c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


IMPORT_URL = "admin:hall_calendaryear_import"
SCHEDULE_2027 = (
    "元旦, 放假, 2027-01-01 至 2027-01-03\n春节, 放假, 2月6日至12日\n春节, 上班, 2月14日"
)


# -- loading a year's schedule (N-4) ---------------------------------------------


def test_the_import_page_opens_for_a_superuser(admin_client):
    response = admin_client.get(reverse(IMPORT_URL), **EN)

    assert response.status_code == 200
    assert 'name="text"' in response.content.decode()
    assert 'name="year"' in response.content.decode()


def test_posting_a_valid_schedule_loads_it_and_redirects_to_the_years(admin_client, admin_user):
    response = admin_client.post(reverse(IMPORT_URL), {"year": "2027", "text": SCHEDULE_2027}, **EN)

    assert response.status_code == 302
    assert response.url == reverse("admin:hall_calendaryear_changelist")
    year = CalendarYear.objects.get(year=2027)
    assert year.source == CalendarYear.Source.IMPORT
    assert year.loaded_by == admin_user
    assert CalendarDay.objects.filter(date__year=2027).count() == 3 + 7 + 1


def test_the_years_list_says_the_schedule_is_loaded(admin_client):
    response = admin_client.post(
        reverse(IMPORT_URL), {"year": "2027", "text": SCHEDULE_2027}, follow=True, **EN
    )

    assert response.status_code == 200
    assert "The schedule of 2027 is loaded" in response.content.decode()


def test_posting_a_bad_line_shows_its_error_and_loads_nothing(admin_client):
    text = "元旦, 放假, 2027-01-01 至 2027-01-03\n春节, 上班, 2月15日"  # a Monday
    response = admin_client.post(reverse(IMPORT_URL), {"year": "2027", "text": text}, **EN)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Line 2:" in page
    assert "2027-02-15" in page
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_posting_a_bad_line_over_a_loaded_year_keeps_the_old_schedule(admin_client):
    before = list(CalendarDay.objects.filter(date__year=2026).values_list("date", "kind"))

    response = admin_client.post(
        reverse(IMPORT_URL), {"year": "2026", "text": "国庆节, 休假吧, 10月1日"}, **EN
    )

    assert "Line 1:" in response.content.decode()
    assert list(CalendarDay.objects.filter(date__year=2026).values_list("date", "kind")) == before
    assert CalendarYear.objects.get(year=2026).source == CalendarYear.Source.PACKAGE


def test_a_year_outside_the_range_is_a_form_error(admin_client):
    response = admin_client.post(
        reverse(IMPORT_URL), {"year": "1999", "text": "元旦, 放假, 1月1日"}, **EN
    )

    assert response.status_code == 200
    assert response.context["form"].errors["year"]
    assert not CalendarYear.objects.filter(year=1999).exists()


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(reverse(IMPORT_URL))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_a_non_staff_user_is_sent_to_the_admin_login_and_cannot_load(client, outsider):
    client.force_login(outsider)

    get = client.get(reverse(IMPORT_URL))
    post = client.post(reverse(IMPORT_URL), {"year": "2027", "text": SCHEDULE_2027})

    assert get.status_code == 302
    assert get.url.startswith(reverse("admin:login"))
    assert post.status_code == 302
    assert post.url.startswith(reverse("admin:login"))
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_a_staff_user_without_the_permission_is_refused(client):
    client.force_login(UserFactory(username="staff-no-perm", is_staff=True))

    response = client.post(reverse(IMPORT_URL), {"year": "2027", "text": SCHEDULE_2027})

    assert response.status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()


# -- editing the calendar by hand leaves a trail ------------------------------------


def test_editing_a_calendar_day_in_the_admin_records_who_changed_it(admin_client, admin_user):
    # R-CASE-6: the Saturday 2026-10-03 becomes a make-up working day.
    day = CalendarDay.objects.get(date=D(2026, 10, 3))

    response = admin_client.post(
        reverse("admin:hall_calendarday_change", args=[day.pk]),
        {"date": "2026-10-03", "kind": "workday", "name": "国庆节调整", "_save": "Save"},
        **EN,
    )

    assert response.status_code == 302
    day.refresh_from_db()
    assert (day.kind, day.name) == ("workday", "国庆节调整")
    assert is_working_day(D(2026, 10, 3)) is True
    record = day.history.latest()
    assert record.history_type == "~"
    assert record.history_user == admin_user
    assert record.name == "国庆节调整"


def test_the_history_page_shows_the_change_and_who_made_it(admin_client, admin_user):
    day = CalendarDay.objects.get(date=D(2026, 10, 5))
    admin_client.post(
        reverse("admin:hall_calendarday_change", args=[day.pk]),
        {"date": "2026-10-05", "kind": "holiday", "name": "国庆节调整", "_save": "Save"},
        **EN,
    )

    response = admin_client.get(reverse("admin:hall_calendarday_history", args=[day.pk]), **EN)

    assert response.status_code == 200
    history_table = response.content.decode().split('id="change-history"')[1].split("</table>")[0]
    assert "2026-10-05 国庆节调整" in history_table
    assert f">{admin_user.username}</a>" in history_table  # the "Changed by" column
    assert "Changed" in history_table


# -- system status on the admin home ------------------------------------------------


def test_the_admin_home_shows_the_system_status_box(admin_client):
    response = admin_client.get(reverse("admin:index"), **EN)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="hall-system-status"' in page
    assert "System status" in page
    assert reverse(IMPORT_URL) in page


@pytest.fixture
def today(monkeypatch):
    """Sets the hall's "today" seen by the system status box."""

    def set_today(day):
        monkeypatch.setattr("hall.templatetags.hall_status.timezone.localdate", lambda: day)

    return set_today


def test_the_system_status_warns_when_next_year_is_not_loaded(admin_client, today):
    # N-4: say clearly when deadlines reach beyond the loaded schedule.
    today(D(2026, 11, 2))

    page = admin_client.get(reverse("admin:index"), **EN).content.decode()

    assert "2027 is not loaded yet" in page


def test_the_system_status_warns_louder_when_this_year_is_not_loaded(admin_client, today):
    today(D(2027, 1, 4))

    page = admin_client.get(reverse("admin:index"), **EN).content.decode()

    assert "2027 is not loaded: deadlines this year are provisional." in page


def test_the_system_status_is_calm_once_next_year_is_loaded(admin_client, today):
    today(D(2026, 11, 2))
    admin_client.post(reverse(IMPORT_URL), {"year": "2027", "text": SCHEDULE_2027})

    page = admin_client.get(reverse("admin:index"), **EN).content.decode()

    assert "not loaded" not in page
    assert "Loaded up to 2027" in page


def test_a_make_up_working_day_on_a_weekday_is_refused_in_the_admin(admin_client):
    # N-4: 2026-10-05 is a Monday; a make-up working day falls on a weekend.
    day = CalendarDay.objects.get(date=D(2026, 10, 5))
    response = admin_client.post(
        reverse("admin:hall_calendarday_change", args=[day.pk]),
        {"date": "2026-10-05", "kind": "workday", "name": "国庆节", "_save": "Save"},
        **EN,
    )

    assert response.status_code == 200
    assert "falls on a weekend" in response.content.decode()
    day.refresh_from_db()
    assert day.kind == "holiday"


def test_a_day_in_a_year_that_is_not_loaded_is_refused_in_the_admin(admin_client):
    # N-4: single corrections only make sense once the year's schedule is loaded.
    response = admin_client.post(
        reverse("admin:hall_calendarday_add"),
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦", "_save": "Save"},
        **EN,
    )

    assert response.status_code == 200
    assert "load the year first" in response.content.decode()
    assert not CalendarDay.objects.filter(date=D(2027, 1, 1)).exists()


def test_correcting_a_day_in_the_admin_recomputes_after_commit(
    admin_client, django_capture_on_commit_callbacks
):
    day = CalendarDay.objects.get(date=D(2026, 10, 3))
    with django_capture_on_commit_callbacks() as callbacks:
        admin_client.post(
            reverse("admin:hall_calendarday_change", args=[day.pk]),
            {"date": "2026-10-03", "kind": "workday", "name": "国庆节调整", "_save": "Save"},
            **EN,
        )
    assert len(callbacks) == 1
