"""Case numbers (year-window-sequence, never duplicated) and tracking codes."""

import datetime as dt
import re
import threading

import pytest
from django.db import connection
from django.utils import timezone

from cases.models import Case, CaseSequence
from cases.numbering import new_tracking_code, next_case_number
from cases.services import ApplicantInput, case_intake
from tests.factories import DepartmentFactory, ServiceItemFactory, WindowFactory

# Written out here rather than imported, so a change to the alphabet fails a test:
# no 0/O and no 1/I, which a caller reading the code aloud would confuse.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def consult(clerk, hall, now) -> Case:
    item = ServiceItemFactory(department=hall.department)
    return case_intake(
        actor=clerk,
        window=hall.window,
        item=item,
        kind=Case.Kind.CONSULTATION,
        applicant=ApplicantInput("person", "赵大山", "resident_id", "", "13812345678"),
        materials=[],
        now=now,
    )


@pytest.mark.django_db
def test_a_case_is_numbered_by_year_window_and_sequence(clerk, hall):
    now = timezone.make_aware(dt.datetime(2026, 9, 28, 10, 0))
    first = consult(clerk, hall, now)
    second = consult(clerk, hall, now)
    assert first.number == "2026-A01-000001"
    assert second.number == "2026-A01-000002"


@pytest.mark.django_db
def test_numbers_increase_per_window_and_start_again_for_another_window(hall):
    assert [next_case_number(hall.window, 2026) for _ in range(3)] == [
        "2026-A01-000001",
        "2026-A01-000002",
        "2026-A01-000003",
    ]
    assert next_case_number(hall.other_window, 2026) == "2026-B01-000001"
    assert next_case_number(hall.window, 2026) == "2026-A01-000004"


@pytest.mark.django_db
def test_numbers_start_again_at_1_in_a_new_year(hall):
    next_case_number(hall.window, 2026)
    next_case_number(hall.window, 2026)
    assert next_case_number(hall.window, 2027) == "2027-A01-000001"
    assert next_case_number(hall.window, 2026) == "2026-A01-000003"


@pytest.mark.django_db
def test_the_year_of_a_number_is_the_halls_local_year_not_utcs(clerk, hall):
    # 00:30 on 1 January 2027 in Shanghai is still 31 December 2026 in UTC.
    now = timezone.make_aware(dt.datetime(2027, 1, 1, 0, 30))
    assert now.astimezone(dt.UTC).year == 2026
    assert consult(clerk, hall, now).number == "2027-A01-000001"


@pytest.mark.django_db
def test_eighty_numbers_in_a_row_have_no_gap_and_no_repeat(hall):
    numbers = [next_case_number(hall.window, 2026) for _ in range(80)]
    assert numbers == [f"2026-A01-{n:06d}" for n in range(1, 81)]
    assert CaseSequence.objects.get(window=hall.window, year=2026).last == 80


def test_a_tracking_code_is_8_characters_of_the_unambiguous_alphabet():
    codes = [new_tracking_code() for _ in range(500)]
    assert all(re.fullmatch(f"[{ALPHABET}]{{8}}", code) for code in codes)
    assert len(set(codes)) > 490  # random, not a counter or a constant


@pytest.mark.django_db
def test_a_case_gets_a_tracking_code(clerk, hall):
    case = consult(clerk, hall, timezone.make_aware(dt.datetime(2026, 9, 28, 10, 0)))
    assert re.fullmatch(f"[{ALPHABET}]{{8}}", case.tracking_code)


THREADS = 8
CALLS = 10


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL)"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_clerks_numbering_at_the_same_instant_never_share_or_skip_a_number():
    # The window must be committed for the other threads' connections to see it.
    window = WindowFactory(number="C07", department=DepartmentFactory(code="D-NUM"))
    start = threading.Barrier(THREADS)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def clerk_at_work():
        try:
            start.wait()  # every thread asks for its first number at the same instant
            for _ in range(CALLS):
                numbers.append(next_case_number(window, 2026))
        except BaseException as exc:  # reported below; a thread cannot raise into the test
            errors.append(exc)
        finally:
            from django.db import connection as thread_connection

            thread_connection.close()

    threads = [threading.Thread(target=clerk_at_work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    assert sorted(numbers) == [f"2026-C07-{n:06d}" for n in range(1, THREADS * CALLS + 1)]
    assert CaseSequence.objects.get(window=window, year=2026).last == THREADS * CALLS
