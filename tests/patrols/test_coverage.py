"""Coverage (R-PATROL-1): a morning and an afternoon round covering every window on
every working day; the scheduled check tells the director what was missed."""

import datetime as dt

import pytest
from django.utils import translation

from hall.models import Alert
from patrols.coverage import coverage, coverage_check
from patrols.tasks import coverage_check_task
from tests.factories import WindowFactory

from .support import WEDNESDAY, afternoon, morning, walk

pytestmark = pytest.mark.django_db

HOLIDAY = dt.date(2026, 10, 1)  # 国庆节, a Thursday
MAKE_UP = dt.date(2026, 10, 10)  # a Saturday worked in exchange (调休上班)
EVENING = dt.time(17, 45)


def _evening(day):
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, EVENING))


def test_a_working_day_with_both_rounds_covering_every_window_is_covered(
    hall, supervisor, director
):
    walk(supervisor, [hall.window, hall.other_window], morning())
    walk(supervisor, [hall.window, hall.other_window], afternoon())
    assert coverage_check(now=_evening(WEDNESDAY)) == []
    assert not Alert.objects.filter(user=director).exists()
    statuses = [h.status for h in coverage(WEDNESDAY, WEDNESDAY, now=_evening(WEDNESDAY))]
    assert statuses == ["covered", "covered"]


def test_the_director_hears_of_a_missed_half_day_and_missed_windows(hall, supervisor, director):
    WindowFactory(number="C01", department=hall.department)
    walk(supervisor, [hall.window, hall.other_window], morning())  # C01 missed
    with translation.override("en"):
        gaps = coverage_check(now=_evening(WEDNESDAY))
    assert [(g.half, g.missed) for g in gaps] == [
        ("morning", ["C01"]),
        ("afternoon", ["A01", "B01", "C01"]),
    ]
    alert = Alert.objects.get(user=director)
    assert "C01" in alert.body and "no patrol round" in alert.body
    assert alert.url.endswith("?month=2026-11")
    # Run again (a second beat, a retry): nothing new.
    coverage_check(now=_evening(WEDNESDAY) + dt.timedelta(minutes=5))
    assert Alert.objects.filter(user=director).count() == 1


def test_nothing_is_due_on_a_holiday(hall, director):
    assert coverage_check(now=_evening(HOLIDAY)) == []
    assert not Alert.objects.exists()
    assert {h.status for h in coverage(HOLIDAY, HOLIDAY, now=_evening(HOLIDAY))} == {"off"}


def test_nothing_is_due_on_an_ordinary_weekend(hall, director):
    sunday = dt.date(2026, 11, 22)
    assert coverage_check(now=_evening(sunday)) == []
    assert not Alert.objects.exists()


def test_a_make_up_working_day_needs_its_rounds(hall, supervisor, director):
    walk(supervisor, [hall.window, hall.other_window], morning(MAKE_UP))
    gaps = coverage_check(now=_evening(MAKE_UP))
    assert [g.half for g in gaps] == ["afternoon"]
    assert Alert.objects.filter(user=director, key="patrol-coverage:2026-10-10").exists()


def test_rounds_of_a_half_day_together_cover_the_hall(hall, supervisor, director):
    """Two rounds in one morning (one signed, an extra one) count together."""
    from patrols.services import round_sign

    first = walk(supervisor, [hall.window, hall.other_window], morning())
    round_sign(actor=supervisor, round_=first, now=morning(minute=50))
    walk(supervisor, [hall.window], morning(hour=11))
    walk(supervisor, [hall.window, hall.other_window], afternoon())
    assert coverage_check(now=_evening(WEDNESDAY)) == []


def test_the_scheduled_task_checks_today(hall, director, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: _evening(WEDNESDAY))
    assert coverage_check_task.delay().get() == 2
    assert Alert.objects.filter(user=director, key="patrol-coverage:2026-11-18").exists()


def test_today_is_pending_until_the_half_day_is_over(hall):
    halves = coverage(WEDNESDAY, WEDNESDAY, now=morning())
    assert [h.status for h in halves] == ["pending", "pending"]
    halves = coverage(WEDNESDAY, WEDNESDAY, now=afternoon())
    assert [h.status for h in halves] == ["missed", "pending"]


def test_the_beat_schedules_the_check_at_the_set_time():
    from config.beat import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["patrols-coverage-check"]
    assert entry["task"] == "patrols.tasks.coverage_check"
    assert entry["schedule"].hour == {17} and entry["schedule"].minute == {45}
