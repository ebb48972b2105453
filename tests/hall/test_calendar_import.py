"""Reading the State Council's holiday notice, and loading a year through the service (N-4).

Messages are checked in English (translation.override) so that a translation
being added to locale/ does not break them; line numbers are what matters.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from hall.calendar_import import ScheduleEntry, parse_schedule
from hall.models import CalendarDay, CalendarYear
from hall.services import calendar_import_year
from tests.factories import UserFactory

D = dt.date

# The 2027 schedule as an administrator might paste it (a made-up notice: the
# real one is published in the autumn of 2026).
SCHEDULE_2027 = """\
# 国务院办公厅关于2027年部分节假日安排的通知
元旦, 放假, 2027-01-01 至 2027-01-03

春节, 放假, 2月6日至12日
春节, 上班, 2月14日, 2月20日
国庆节，放假，10月1日至10月7日
国庆节、上班、9月26日
"""


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def dates(entries, kind=None):
    return [e.date for e in entries if kind is None or e.kind == kind]


def parse_error(text, year=2027):
    with pytest.raises(ValidationError) as caught:
        parse_schedule(text, year)
    return caught.value.messages


# -- the formats of the docstring -----------------------------------------------


def test_it_reads_an_iso_range_with_zhi_including_both_ends():
    entries = parse_schedule("元旦, 放假, 2027-01-01 至 2027-01-03", 2027)
    assert entries == [
        ScheduleEntry(D(2027, 1, 1), "holiday", "元旦"),
        ScheduleEntry(D(2027, 1, 2), "holiday", "元旦"),
        ScheduleEntry(D(2027, 1, 3), "holiday", "元旦"),
    ]


def test_it_reads_month_day_dates_in_the_year_of_the_import():
    entries = parse_schedule("劳动节, 放假, 5月1日至5月5日", 2027)
    assert dates(entries) == [D(2027, 5, d) for d in range(1, 6)]


def test_it_takes_the_start_month_when_the_end_of_a_range_gives_only_the_day():
    # "2月6日至12日" as the notice writes it.
    entries = parse_schedule("春节, 放假, 2月6日至12日", 2027)
    assert dates(entries) == [D(2027, 2, d) for d in range(6, 13)]


def test_it_reads_several_single_make_up_days_on_one_line():
    entries = parse_schedule("春节, 上班, 2月14日, 2月20日", 2027)
    assert entries == [
        ScheduleEntry(D(2027, 2, 14), "workday", "春节"),
        ScheduleEntry(D(2027, 2, 20), "workday", "春节"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "元旦, 放假, 2027/1/1 到 2027/1/3",
        "元旦, 放假, 1月1日~1月3日",
        "元旦, 放假, 1月1日～3日",
        "元旦, 放假, 2027-01-01..2027-01-03",
        "元旦 放假 1月1日至3日",
        "元旦，休，1月1日至1月3日",
        "元旦、holiday、1月1日至1月3日",
        "元旦, Holiday, 1月1日至1月3日",
        "元旦, off, 1月1日至1月3日",
    ],
)
def test_it_reads_every_separator_and_holiday_word_of_the_docstring(line):
    entries = parse_schedule(line, 2027)
    assert dates(entries, "holiday") == [D(2027, 1, 1), D(2027, 1, 2), D(2027, 1, 3)]


@pytest.mark.parametrize("word", ["上班", "班", "调休上班", "workday", "work"])
def test_it_reads_every_working_day_word(word):
    entries = parse_schedule(f"国庆节, {word}, 10月9日", 2027)  # a Saturday in 2027
    assert entries == [ScheduleEntry(D(2027, 10, 9), "workday", "国庆节")]


def test_it_skips_comments_and_blank_lines_and_reads_a_whole_notice():
    entries = parse_schedule(SCHEDULE_2027, 2027)

    holidays = dates(entries, "holiday")
    assert holidays[:3] == [D(2027, 1, 1), D(2027, 1, 2), D(2027, 1, 3)]
    assert len(holidays) == 3 + 7 + 7
    assert dates(entries, "workday") == [D(2027, 2, 14), D(2027, 2, 20), D(2027, 9, 26)]
    assert dates(entries) == sorted(dates(entries))
    assert {e.name for e in entries} == {"元旦", "春节", "国庆节"}


def test_it_accepts_a_weekday_note_in_brackets():
    entries = parse_schedule("春节, 上班, 2月14日（周日）", 2027)
    assert dates(entries) == [D(2027, 2, 14)]


def test_a_date_listed_twice_with_the_same_kind_is_one_entry():
    entries = parse_schedule("元旦, 放假, 1月1日至1月3日\n元旦, 放假, 1月3日", 2027)
    assert dates(entries) == [D(2027, 1, 1), D(2027, 1, 2), D(2027, 1, 3)]


# -- errors name their line -----------------------------------------------------


def test_an_unknown_kind_word_is_refused_naming_its_line():
    messages = parse_error("元旦, 放假, 1月1日\n\n春节, 休假吧, 2月6日")
    assert len(messages) == 1
    assert messages[0].startswith("Line 3:")
    assert "休假吧" in messages[0]


def test_a_line_without_dates_is_refused_naming_its_line():
    messages = parse_error("元旦, 放假")
    assert messages[0].startswith("Line 1:")


def test_a_date_outside_the_year_is_refused_naming_its_line():
    messages = parse_error("元旦, 放假, 2026-12-31\n元旦, 放假, 2027-01-01")
    assert len(messages) == 1
    assert messages[0].startswith("Line 1:")
    assert "2026-12-31" in messages[0]


def test_an_impossible_date_is_refused_naming_its_line():
    messages = parse_error("元旦, 放假, 1月1日\n春节, 放假, 2月30日")
    assert len(messages) == 1
    assert messages[0].startswith("Line 2:")


def test_an_impossible_end_of_a_range_is_refused():
    messages = parse_error("春节, 放假, 2月27日至2月30日")
    assert messages[0].startswith("Line 1:")


def test_a_range_that_ends_before_it_starts_is_refused_naming_its_line():
    messages = parse_error("元旦, 放假, 1月1日\n# note\n国庆节, 放假, 10月7日至10月1日")
    assert len(messages) == 1
    assert messages[0].startswith("Line 3:")


def test_a_make_up_working_day_on_a_weekday_is_refused_naming_its_line():
    # R-CASE-6: 调休上班 falls on a weekend; 2027-02-15 is a Monday.
    messages = parse_error("春节, 放假, 2月6日至12日\n春节, 上班, 2月14日, 2月15日")
    assert len(messages) == 1
    assert messages[0].startswith("Line 2:")
    assert "2027-02-15" in messages[0]


def test_a_date_that_is_both_holiday_and_working_day_is_refused_naming_its_line():
    messages = parse_error("国庆节, 放假, 10月1日至10月7日\n国庆节, 上班, 10月2日")  # Saturday
    assert len(messages) == 1
    assert messages[0].startswith("Line 2:")
    assert "2027-10-02" in messages[0]


def test_unreadable_words_after_the_dates_are_refused():
    messages = parse_error("元旦, 放假, 1月1日 and then some")
    assert messages[0].startswith("Line 1:")


def test_every_bad_line_is_listed_at_once():
    messages = parse_error("元旦, 放假, 2月30日\n春节, 休假吧, 2月6日\n清明节, 放假, 4月5日")
    assert [m.split(":")[0] for m in messages] == ["Line 1", "Line 2"]


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n"])
def test_an_empty_text_is_refused(text):
    assert parse_error(text)


# -- loading a year through the service -----------------------------------------


@pytest.mark.django_db
def test_importing_a_year_loads_its_days_and_marks_it_imported_by_the_user(admin_user):
    # N-4
    calendar_year = calendar_import_year(year=2027, text=SCHEDULE_2027, user=admin_user)

    calendar_year.refresh_from_db()
    assert calendar_year.year == 2027
    assert calendar_year.source == CalendarYear.Source.IMPORT
    assert calendar_year.loaded_by == admin_user
    assert calendar_year.source_text == SCHEDULE_2027
    assert CalendarDay.objects.filter(date__year=2027).count() == 17 + 3
    assert CalendarDay.objects.get(date=D(2027, 2, 14)).kind == CalendarDay.Kind.WORKDAY


@pytest.mark.django_db
def test_reimporting_a_year_with_fewer_days_removes_the_others(admin_user):
    calendar_import_year(year=2027, text=SCHEDULE_2027, user=admin_user)
    calendar_import_year(year=2027, text="元旦, 放假, 1月1日", user=admin_user)

    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", flat=True)) == [
        D(2027, 1, 1)
    ]
    assert CalendarYear.objects.filter(year=2027).count() == 1


@pytest.mark.django_db
def test_importing_over_a_seeded_year_replaces_the_package_schedule(admin_user):
    calendar_import_year(year=2026, text="国庆节, 放假, 10月1日至10月8日", user=admin_user)

    assert CalendarYear.objects.get(year=2026).source == CalendarYear.Source.IMPORT
    assert CalendarDay.objects.filter(date__year=2026).count() == 8
    assert not CalendarDay.objects.filter(date=D(2026, 10, 10)).exists()
    # other years are untouched
    assert CalendarDay.objects.filter(date=D(2025, 10, 1)).exists()


@pytest.mark.django_db
def test_importing_writes_history_with_the_importing_user(admin_user):
    calendar_import_year(year=2027, text="元旦, 放假, 1月1日至1月2日", user=admin_user)
    calendar_import_year(year=2027, text="元旦, 放假, 1月1日", user=admin_user)

    created = CalendarDay.history.filter(date__year=2027, history_type="+")
    deleted = CalendarDay.history.filter(date__year=2027, history_type="-")
    assert created.count() == 3  # 1/1, 1/2, then 1/1 again
    assert deleted.count() == 2  # 1/1 and 1/2 of the first import
    assert {h.history_user for h in created} == {admin_user}
    assert {h.history_user for h in deleted} == {admin_user}
    assert CalendarYear.history.filter(year=2027).latest().history_user == admin_user


@pytest.mark.django_db
def test_a_user_with_the_permission_may_import_without_being_superuser():
    user = UserFactory(username="calendar-keeper")
    user.user_permissions.add(Permission.objects.get(codename="add_calendaryear"))

    calendar_import_year(year=2027, text="元旦, 放假, 1月1日", user=user)

    assert CalendarYear.objects.get(year=2027).loaded_by == user


@pytest.mark.django_db
def test_a_user_without_permission_is_refused_and_nothing_changes(outsider, admin_user):
    calendar_import_year(year=2027, text="元旦, 放假, 1月1日至1月3日", user=admin_user)
    before = list(CalendarDay.objects.filter(date__year=2027).values_list("date", "kind"))

    with pytest.raises(PermissionDenied):
        calendar_import_year(year=2027, text="元旦, 放假, 1月1日", user=outsider)

    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", "kind")) == before
    assert CalendarYear.objects.get(year=2027).loaded_by == admin_user
    assert not CalendarDay.history.filter(history_user=outsider).exists()


@pytest.mark.django_db
def test_a_user_without_permission_cannot_load_a_new_year(outsider):
    with pytest.raises(PermissionDenied):
        calendar_import_year(year=2027, text="元旦, 放假, 1月1日", user=outsider)

    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


@pytest.mark.django_db
def test_a_bad_line_changes_nothing(admin_user):
    calendar_import_year(year=2027, text="元旦, 放假, 1月1日至1月3日", user=admin_user)
    days_before = CalendarDay.objects.count()
    history_before = CalendarDay.history.count()

    with pytest.raises(ValidationError) as caught:
        calendar_import_year(
            year=2027, text="元旦, 放假, 1月1日\n春节, 上班, 2月15日", user=admin_user
        )

    assert caught.value.messages[0].startswith("Line 2:")
    assert CalendarDay.objects.count() == days_before
    assert CalendarDay.history.count() == history_before
    assert CalendarDay.objects.filter(date__year=2027).count() == 3


@pytest.mark.django_db
def test_a_bad_text_does_not_mark_a_new_year_loaded(admin_user):
    with pytest.raises(ValidationError):
        calendar_import_year(year=2027, text="元旦, 放假, 2月30日", user=admin_user)

    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("year", [1999, 2101])
def test_a_year_outside_2000_to_2100_is_refused(admin_user, year):
    with pytest.raises(ValidationError):
        calendar_import_year(year=year, text="元旦, 放假, 1月1日", user=admin_user)

    assert not CalendarYear.objects.filter(year=year).exists()
