"""Deadlines computed on a provisional calendar, and recomputing them once the year is loaded (N-4).

The source registered here is a small in-memory store of deadlines, each
computed with the real calendar, so the tests see what an app that stores
deadlines would see.
"""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from hall import provisional
from hall.calendar import WorkingCalendar
from hall.services import calendar_import_year

pytestmark = pytest.mark.django_db

D = dt.date
LABEL = "tests.deadlines"
NEW_YEAR_2027 = "元旦, 放假, 2027-01-01 至 2027-01-03"


class DeadlineStore:
    """Stored deadlines: start, n working days, the due date and whether it was provisional."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, code: str, start: dt.date, n: int) -> dict:
        row = {"code": code, "start": start, "n": n}
        self._compute(WorkingCalendar(), row)
        self.rows.append(row)
        return row

    @staticmethod
    def _compute(calendar: WorkingCalendar, row: dict) -> None:
        due = calendar.add_working_days(row["start"], row["n"])
        row["due"], row["provisional"] = due.date, due.provisional

    def pending(self) -> list[dict]:
        return [row for row in self.rows if row["provisional"]]

    def recompute(self, calendar: WorkingCalendar, rows: list) -> int:
        for row in rows:
            self._compute(calendar, row)
        return sum(1 for row in rows if row["provisional"])

    @staticmethod
    def describe(row: dict) -> str:
        return f"{row['code']} due {row['due']:%Y-%m-%d}"


@pytest.fixture
def store(request):
    deadlines = DeadlineStore()
    provisional.register(
        provisional.ProvisionalSource(
            label=LABEL,
            pending=deadlines.pending,
            recompute=deadlines.recompute,
            describe=deadlines.describe,
        )
    )
    request.addfinalizer(lambda: provisional.unregister(LABEL))
    return deadlines


def run_command(*args) -> str:
    out = StringIO()
    call_command("calendar_provisional", *args, stdout=out)
    return out.getvalue()


def test_a_deadline_reaching_into_an_unloaded_year_is_stored_as_provisional(store):
    # N-4: 20 working days from 2026-12-20 counts 2027-01-01 as a working day.
    row = store.add("CASE-1", D(2026, 12, 20), 20)
    assert (row["due"], row["provisional"]) == (D(2027, 1, 15), True)
    assert provisional.pending_results()[LABEL] == [row]


def test_the_command_lists_the_provisional_deadline(store):
    store.add("CASE-1", D(2026, 12, 20), 20)
    store.add("CASE-2", D(2026, 9, 28), 20)  # wholly in 2026: final

    out = run_command()

    assert f"{LABEL}: 1 provisional" in out
    assert "CASE-1 due 2027-01-15" in out
    assert "CASE-2" not in out
    assert "Loaded years: 2004–2026" in out


def test_the_command_says_so_when_nothing_is_provisional(store):
    store.add("CASE-2", D(2026, 9, 28), 20)

    out = run_command()

    assert f"{LABEL}: 0 provisional" in out
    assert "No provisional result." in out


def test_the_command_without_recompute_changes_nothing_even_after_loading_the_year(
    store, admin_user
):
    row = store.add("CASE-1", D(2026, 12, 20), 20)
    calendar_import_year(year=2027, text=NEW_YEAR_2027, user=admin_user)  # on_commit not run

    run_command()

    assert (row["due"], row["provisional"]) == (D(2027, 1, 15), True)


def test_recompute_after_loading_2027_moves_the_deadline_past_new_years_day(store, admin_user):
    # N-4: once 2027 is loaded, 1/1 is a holiday: the deadline moves from 1/15 to 1/18.
    row = store.add("CASE-1", D(2026, 12, 20), 20)
    final = store.add("CASE-2", D(2026, 9, 28), 20)
    calendar_import_year(year=2027, text=NEW_YEAR_2027, user=admin_user)

    out = run_command("--recompute")

    assert f"{LABEL}: recomputed 1, still provisional 0" in out
    assert (row["due"], row["provisional"]) == (D(2027, 1, 18), False)
    assert (final["due"], final["provisional"]) == (D(2026, 10, 30), False)
    assert f"{LABEL}: 0 provisional" in run_command()


def test_recompute_before_the_year_is_loaded_leaves_the_deadline_provisional(store):
    row = store.add("CASE-1", D(2026, 12, 20), 20)

    out = run_command("--recompute")

    assert f"{LABEL}: recomputed 1, still provisional 1" in out
    assert (row["due"], row["provisional"]) == (D(2027, 1, 15), True)


def test_importing_a_year_queues_the_recomputation_after_commit(
    store, admin_user, django_capture_on_commit_callbacks
):
    # N-4: loading a year recomputes provisional deadlines by itself
    # (hall.tasks.recompute_provisional, run eagerly in tests).
    row = store.add("CASE-1", D(2026, 12, 20), 20)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        calendar_import_year(year=2027, text=NEW_YEAR_2027, user=admin_user)

    assert len(callbacks) == 1
    assert (row["due"], row["provisional"]) == (D(2027, 1, 18), False)


def test_the_recomputation_waits_for_the_commit(
    store, admin_user, django_capture_on_commit_callbacks
):
    # The job must not run inside the import's transaction (it would read the
    # old schedule, or run for an import that is rolled back).
    row = store.add("CASE-1", D(2026, 12, 20), 20)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        calendar_import_year(year=2027, text=NEW_YEAR_2027, user=admin_user)

    assert len(callbacks) == 1
    assert row["due"] == D(2027, 1, 15)  # not yet


def test_the_recompute_task_reports_how_many_it_recomputed(store, admin_user):
    from hall.tasks import recompute_provisional

    store.add("CASE-1", D(2026, 12, 20), 20)
    store.add("CASE-3", D(2026, 12, 28), 4)
    calendar_import_year(year=2027, text=NEW_YEAR_2027, user=admin_user)

    result = recompute_provisional.delay().get()

    assert result[LABEL] == 2
    assert store.pending() == []
    assert [row["due"] for row in store.rows] == [D(2027, 1, 18), D(2027, 1, 4)]


def test_unregistering_a_source_removes_it_from_the_registry(store):
    assert LABEL in [s.label for s in provisional.sources()]
    provisional.unregister(LABEL)
    assert LABEL not in [s.label for s in provisional.sources()]
