"""Two workers sweep at the same instant (style.md "Jobs"; cases/sweep.py): on
PostgreSQL the second UPDATE waits for the first one's row locks and re-checks its
WHERE, so every transition, occurrence (R-ACC-4.5, R-ACC-5.1) and alert is recorded
once, and the work is done once in all."""

import threading
from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from accountability.models import Occurrence
from cases.models import Case, Light
from cases.sweep import sweep_lights
from hall.models import Alert
from hall.roles import Role
from tests.factories import (
    DepartmentFactory,
    PostFactory,
    StaffMemberFactory,
    UserFactory,
    WindowFactory,
)

from .support import accept, at, make_item, sweep_reasons

WORKERS = 2
RED_CASES = 15  # 20 statutory days: statutory due Fri 10/30, red on Sat 10/31
YELLOW_CASES = 15  # 30 statutory days: statutory due 11/13, still yellow on 10/31


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_sweeping_at_once_record_everything_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (DATABASE_URL)")
    # Committed objects, so that the workers' own connections see them.
    department = DepartmentFactory(code="D-SWP", name="县自然资源局")
    window = WindowFactory(number="C09", department=department)
    clerk = UserFactory(username="sweepclerk", roles=[Role.CLERK])
    StaffMemberFactory(
        user=clerk, window=window, department=department, post=PostFactory(window=window)
    )
    head = UserFactory(username="sweephead", roles=[Role.WINDOW_HEAD])
    department.head = UserFactory(username="sweepdept", roles=[Role.DEPARTMENT_HEAD])
    department.save()
    window.window_head = head
    window.save()
    UserFactory(username="sweepsupervisor", roles=[Role.SUPERVISOR])

    short, long = make_item(department, statutory=20), make_item(department, statutory=30)
    cases = [accept(clerk, window, short, at(9, 28, 9, n)) for n in range(RED_CASES)]
    cases += [accept(clerk, window, long, at(9, 28, 11, n)) for n in range(YELLOW_CASES)]

    start = threading.Barrier(WORKERS)
    reports, errors = [], []

    def worker():
        try:
            start.wait(timeout=30)  # both sweeps start at the same instant
            reports.append(sweep_lights(now=at(10, 31, 9)))
        except BaseException as exc:  # reported below; a thread cannot raise into the test
            errors.append(exc)
        finally:
            from django.db import connection as worker_connection

            worker_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    assert len(reports) == WORKERS
    # One of them did the work: their totals add up to one transition per case.
    assert sum(r.total for r in reports) == RED_CASES + YELLOW_CASES
    assert sum(r.changed["case:red"] for r in reports) == RED_CASES
    assert sum(r.changed["case:yellow"] for r in reports) == YELLOW_CASES

    for case in cases[:RED_CASES]:
        assert sweep_reasons(case) == ["sweep: light → red"]
    for case in cases[RED_CASES:]:
        assert sweep_reasons(case) == ["sweep: light → yellow"]
    assert Counter(Case.objects.values_list("light", flat=True)) == {
        Light.RED: RED_CASES,
        Light.YELLOW: YELLOW_CASES,
    }

    # One occurrence per (case, rule): R-ACC-4.5 for every card, R-ACC-5.1 for the red.
    occurrences = Occurrence.objects.filter(source_type=ContentType.objects.get_for_model(Case))
    per_case_rule = Counter(occurrences.values_list("source_id", "rule"))
    assert set(per_case_rule.values()) == {1}
    assert Counter(rule for _, rule in per_case_rule) == {
        "R-ACC-4.5": RED_CASES + YELLOW_CASES,
        "R-ACC-5.1": RED_CASES,
    }

    # One alert per (user, key): red to the clerk, the head, the supervisor and the
    # department head; yellow to the clerk and the head.
    per_user_key = Counter(Alert.objects.values_list("user_id", "key"))
    assert set(per_user_key.values()) == {1}
    assert len(per_user_key) == RED_CASES * 4 + YELLOW_CASES * 2

    # A third sweep finds nothing left to do.
    assert sweep_lights(now=at(10, 31, 9, 1)).total == 0
