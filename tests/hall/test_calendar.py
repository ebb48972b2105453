"""The working-day calendar on the real 2026 schedule seeded by migration hall/0002.

R-CASE-6: working days follow the national holiday schedule with its make-up
working days (调休). N-4: a date beyond the loaded schedule is provisional,
counted Monday–Friday, and never raises. N-1: a limit of n working days ends
on the n-th working day after the start day.
"""

import datetime as dt

import pytest

from hall.calendar import (
    DueDate,
    WorkingCalendar,
    WorkingDays,
    add_working_days,
    is_working_day,
    working_days_between,
)
from hall.models import CalendarDay, CalendarYear, Weekday
from hall.services import calendar_import_year

pytestmark = pytest.mark.django_db

D = dt.date
NEW_YEAR_2027 = "元旦, 放假, 2027-01-01 至 2027-01-03\n"


def test_the_test_database_holds_the_real_2026_schedule_and_not_2027():
    # N-4: the migration seeds 2004–2026 from the chinesecalendar package.
    assert CalendarYear.objects.get(year=2026).source == CalendarYear.Source.PACKAGE
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert CalendarDay.objects.get(date=D(2026, 10, 1)).name == "国庆节"


@pytest.mark.parametrize("day", [D(2026, 10, 1) + dt.timedelta(days=i) for i in range(7)])
def test_national_day_2026_is_not_a_working_day(day):
    # R-CASE-6: 2026-10-01..07 are off, weekdays included.
    assert is_working_day(day) is False


def test_the_sunday_before_national_day_is_a_make_up_working_day():
    # R-CASE-6: 调休 — 2026-09-20 is a Sunday worked in exchange for National Day.
    assert D(2026, 9, 20).weekday() == 6
    assert is_working_day(D(2026, 9, 20)) is True


def test_the_saturday_after_national_day_is_a_make_up_working_day():
    # R-CASE-6: 调休 — 2026-10-10 is a Saturday worked in exchange for National Day.
    assert D(2026, 10, 10).weekday() == 5
    assert is_working_day(D(2026, 10, 10)) is True


def test_an_ordinary_saturday_is_not_a_working_day():
    assert D(2026, 11, 21).weekday() == 5
    assert is_working_day(D(2026, 11, 21)) is False


def test_an_ordinary_weekday_is_a_working_day():
    assert is_working_day(D(2026, 11, 20)) is True


def test_twenty_working_days_from_28_september_skip_national_day_and_count_the_make_up_day():
    # R-CASE-6, N-1: 9/29, 9/30, (10/1–7 off), 10/8, 10/9, 10/10 (调休), … → 10/30.
    assert add_working_days(D(2026, 9, 28), 20) == DueDate(D(2026, 10, 30), provisional=False)


def test_it_counts_the_make_up_working_day_after_national_day():
    # R-CASE-6: 10/8 Thu, 10/9 Fri, 10/10 Sat (调休) — the third working day after 9/30.
    assert add_working_days(D(2026, 9, 30), 3).date == D(2026, 10, 10)


def test_the_start_day_itself_is_not_counted():
    # N-1: one working day after Monday is Tuesday.
    assert add_working_days(D(2026, 11, 16), 1).date == D(2026, 11, 17)


def test_zero_working_days_returns_the_start_even_on_a_holiday():
    assert add_working_days(D(2026, 10, 3), 0) == DueDate(D(2026, 10, 3), provisional=False)


def test_negative_working_days_go_backwards_over_national_day():
    # R-CASE-6: the working day before 10/8 is 9/30, the holiday week is skipped.
    assert add_working_days(D(2026, 10, 8), -1) == DueDate(D(2026, 9, 30), provisional=False)
    # and the working day before Monday 10/12 is the make-up Saturday 10/10.
    assert add_working_days(D(2026, 10, 12), -1).date == D(2026, 10, 10)
    assert add_working_days(D(2026, 10, 30), -20).date == D(2026, 9, 28)


@pytest.mark.parametrize(
    "start", [D(2026, 1, 1), D(2026, 2, 13), D(2026, 9, 19), D(2026, 9, 28), D(2026, 10, 3)]
)
@pytest.mark.parametrize("n", [0, 1, 3, 7, 20, 45])
def test_working_days_between_is_the_inverse_of_add_working_days(start, n):
    # R-CASE-6: counting the days back gives the n that produced the due date.
    calendar = WorkingCalendar()
    due = calendar.add_working_days(start, n)
    assert calendar.working_days_between(start, due.date) == WorkingDays(n, provisional=False)


@pytest.mark.parametrize("start", [D(2026, 9, 28), D(2026, 10, 8), D(2026, 10, 12)])
@pytest.mark.parametrize("n", [1, 5, 20])
def test_working_days_between_is_the_inverse_of_going_backwards_from_a_working_day(start, n):
    calendar = WorkingCalendar()
    back = calendar.add_working_days(start, -n)
    assert calendar.working_days_between(start, back.date).days == -n


def test_working_days_between_is_the_inverse_of_going_backwards_from_a_holiday():
    start = D(2026, 10, 3)  # Saturday inside National Day
    back = add_working_days(start, -1)
    assert back.date == D(2026, 9, 30)
    assert working_days_between(start, back.date).days == -1


def test_working_days_between_is_negative_when_the_end_is_before_the_start():
    assert working_days_between(D(2026, 10, 30), D(2026, 9, 28)).days == -20


def test_working_days_between_skips_national_day():
    # 9/30 → 10/9: 10/8 and 10/9 only.
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 9)) == WorkingDays(2, False)


def test_a_span_into_an_unloaded_year_is_provisional_and_counts_monday_to_friday():
    # N-4: 2027 is not loaded, so 2027-01-01 (a Friday) counts as a working day
    # and the result says it rests on a guess.
    # 12/21–25 (5), 12/28–31 (9), 1/1 (10), 1/4–8 (15), 1/11–15 (20).
    assert add_working_days(D(2026, 12, 20), 20) == DueDate(D(2027, 1, 15), provisional=True)
    assert working_days_between(D(2026, 12, 20), D(2027, 1, 15)) == WorkingDays(20, True)


def test_a_2027_date_never_raises_and_falls_back_to_monday_to_friday():
    # N-4: chinesecalendar raises for 2027; the calendar must not.
    calendar = WorkingCalendar()
    assert calendar.is_loaded(D(2027, 1, 1)) is False
    assert calendar.is_working_day(D(2027, 1, 1)) is True  # Friday
    assert calendar.is_working_day(D(2027, 1, 2)) is False  # Saturday
    assert calendar.is_working_day(D(2027, 10, 1)) is True  # Friday, not yet known as a holiday


def test_a_span_wholly_inside_a_loaded_year_is_not_provisional():
    assert add_working_days(D(2026, 12, 1), 10).provisional is False
    assert working_days_between(D(2026, 1, 1), D(2026, 12, 31)).provisional is False


def test_loading_2027_makes_the_same_computation_final_and_skips_new_years_day(admin_user):
    # N-4: once the administrator loads 2027 the guess is replaced by the schedule.
    # 12/21–25 (5), 12/28–31 (9), (1/1–3 off), 1/4–8 (14), 1/11–15 (19), 1/18 (20).
    calendar_import_year(year=2027, text=NEW_YEAR_2027, user=admin_user)

    assert add_working_days(D(2026, 12, 20), 20) == DueDate(D(2027, 1, 18), provisional=False)
    assert is_working_day(D(2027, 1, 1)) is False
    assert is_working_day(D(2027, 1, 4)) is True


def test_a_working_saturday_in_the_weekly_pattern_counts_an_ordinary_saturday():
    # R-CASE-6: the hall's weekly pattern decides ordinary days.
    Weekday.objects.filter(weekday=Weekday.Day.SATURDAY).update(is_working_day=True)

    assert is_working_day(D(2026, 11, 21)) is True
    assert is_working_day(D(2026, 11, 22)) is False  # Sunday stays off


def test_a_working_saturday_in_the_weekly_pattern_does_not_open_a_saturday_holiday():
    # R-CASE-6: the holiday schedule wins over the weekly pattern.
    Weekday.objects.filter(weekday=Weekday.Day.SATURDAY).update(is_working_day=True)

    assert D(2026, 10, 3).weekday() == 5
    assert is_working_day(D(2026, 10, 3)) is False


@pytest.mark.parametrize("year", [1999, 2100])
def test_the_module_functions_do_not_raise_far_outside_the_loaded_years(year):
    # N-4: never raise, fall back to Monday–Friday and say it is provisional.
    start = D(year, 12, 20)
    assert is_working_day(D(year, 6, 1)) is (D(year, 6, 1).weekday() < 5)
    due = add_working_days(start, 20)
    assert due.provisional is True
    assert due.date.weekday() < 5
    assert working_days_between(start, due.date) == WorkingDays(20, True)
    assert add_working_days(start, -20).provisional is True


def test_the_calendar_reads_the_table_not_the_package():
    # N-4: the table is the only source; deleting a row changes the answer.
    assert is_working_day(D(2026, 10, 5)) is False
    CalendarDay.objects.filter(date=D(2026, 10, 5)).delete()

    assert D(2026, 10, 5).weekday() == 0
    assert is_working_day(D(2026, 10, 5)) is True


def test_a_year_missing_from_the_table_is_provisional_even_if_the_package_knows_it():
    # N-4: the package covers 2026, but the table decides whether it is loaded.
    CalendarYear.objects.filter(year=2026).delete()

    due = add_working_days(D(2026, 9, 28), 20)
    assert due.provisional is True
    assert is_working_day(D(2026, 10, 5)) is True  # Monday–Friday guess
