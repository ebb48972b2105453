"""The inspector's desk: who sees which case, the queue by deadline and the twelve-month
record (R-ACC-1; privacy of the people concerned)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from accountability.decisions import appeal_file, appeal_review, hearing_start
from accountability.desk import cases_visible_to, may_read_case, queue, record
from accountability.models import Appeal, Rule
from hall.roles import Role
from tests.accountability.test_decisions import (
    HOUR,
    NOW,
    at,
    decided,
    hear,
    open_case,
    state,
)
from tests.factories import StaffMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspector2(db):
    """A second discipline inspector, made like the `inspector` persona."""
    return UserFactory(username="inspector2", first_name="刘监察", roles=[Role.INSPECTOR])


@pytest.fixture
def clerk2(hall):
    """Another clerk at the same window as `clerk`."""
    member = StaffMemberFactory(
        user=UserFactory(username="clerk2", first_name="赵小红", roles=[Role.CLERK]),
        window=hall.window,
        department=hall.department,
    )
    return member.user


@pytest.fixture
def clerk_b(hall):
    """A clerk at window B01, in the other department."""
    member = StaffMemberFactory(
        user=UserFactory(username="clerkb", first_name="孙窗口", roles=[Role.CLERK]),
        window=hall.other_window,
        department=hall.other_department,
    )
    return member.user


# --- who sees which case ----------------------------------------------------------------


@pytest.fixture
def cases(hall, clerk, clerk2, clerk_b, inspector):
    """One case each: about the clerk; about another clerk of the same window; about
    window A01 alone, in which the clerk is heard; about a clerk of window B01."""
    own = open_case(inspector, "R-ACC-5.1", window=hall.window, person=clerk)
    neighbour = open_case(inspector, "R-ACC-5.1", window=hall.window, person=clerk2)
    window_only = open_case(inspector, "R-ACC-4.5", window=hall.window)
    hearing_start(actor=inspector, case=window_only, charged={"clerk": clerk}, now=NOW)
    elsewhere = open_case(inspector, "R-ACC-5.1", window=hall.other_window, person=clerk_b)
    return {"own": own, "neighbour": neighbour, "window_only": window_only, "B01": elsewhere}


@pytest.mark.parametrize(
    "persona,expected",
    [
        ("clerk", {"own", "window_only"}),
        ("clerk2", {"neighbour"}),
        ("clerk_b", {"B01"}),
        ("window_head", {"own", "neighbour", "window_only"}),
        ("department_head", {"own", "neighbour", "window_only"}),
        ("inspector", {"own", "neighbour", "window_only", "B01"}),
        ("director", {"own", "neighbour", "window_only", "B01"}),
        ("supervisor", set()),
        ("applicant", set()),
        ("outsider", set()),
    ],
)
def test_r_acc_1_each_person_sees_only_the_cases_they_may(request, cases, persona, expected):
    # R-ACC-1 with the privacy of the people concerned: a clerk sees the cases in
    # which they are concerned, heard or charged; a window head their window's; a
    # department head their department's; the inspectors and the director all.
    user = request.getfixturevalue(persona)
    names = {case.pk: name for name, case in cases.items()}
    assert {names[c.pk] for c in cases_visible_to(user)} == expected
    assert all(may_read_case(user, cases[name]) == (name in expected) for name in cases)


def test_r_acc_2_a_person_heard_at_a_link_sees_the_case(hall, clerk, clerk2, supervisor, inspector):
    # R-ACC-2: the supervisor charged at the supervision link of a clerk's case sees
    # it once heard; the other clerk of the window still does not.
    case = open_case(inspector, "R-ACC-8", window=hall.window, person=clerk2)
    assert not may_read_case(supervisor, case)
    hear(inspector, case, {"clerk": clerk2, "supervisor": supervisor})
    assert list(cases_visible_to(supervisor)) == [case]
    assert not may_read_case(clerk, case)


def test_r_acc_1_nobody_logged_out_sees_a_case(hall, clerk, inspector):
    open_case(inspector, "R-ACC-9", person=clerk)
    assert not cases_visible_to(AnonymousUser()).exists()


def test_r_acc_1_a_department_head_sees_a_case_about_a_member_of_their_staff(
    hall, clerk, department_head, inspector
):
    # A case about a person, with no window, reaches their department's head.
    case = open_case(inspector, "R-ACC-9", person=clerk)
    assert may_read_case(department_head, case)
    hall.department.head = None
    hall.department.save()
    hall.other_department.head = department_head
    hall.other_department.save()
    assert not may_read_case(department_head, case)


def test_r_acc_1_a_window_head_sees_a_case_about_a_member_of_their_window(
    hall, clerk, window_head, inspector
):
    # A case about a person, with no window, reaches the head of the person's window.
    case = open_case(inspector, "R-ACC-9", person=clerk)
    assert may_read_case(window_head, case)
    hall.window.window_head = None
    hall.window.save()
    assert not may_read_case(window_head, case)


# --- the queue ---------------------------------------------------------------------------


def _tasks(user, now):
    with translation.override("en"):
        return [(t.due, str(t.what), t.case.pk, t.overdue) for t in queue(user, now=now)]


def test_r_acc_1_the_queue_lists_what_waits_earliest_deadline_first(
    hall, clerk, clerk2, window_head, inspector, inspector2, director
):
    # R-ACC-1: cases to hear, hearings running, decisions due, countersignatures,
    # appeals, self-examinations and rectifications, by deadline.
    lapsed = open_case(inspector, "R-ACC-9", person=clerk, now=at(2026, 10, 27, 9))
    hear(inspector, lapsed, {"clerk": clerk}, now=at(2026, 10, 27, 9))  # due 30 October
    to_hear = open_case(inspector, "R-ACC-9", person=clerk2, now=at(2026, 11, 2, 9))
    ready = open_case(inspector, "R-ACC-9", person=clerk2, now=at(2026, 11, 2, 10))
    [heard] = hear(inspector, ready, {"clerk": clerk2}, now=at(2026, 11, 2, 10))
    state(heard, now=at(2026, 11, 2, 14))
    running = open_case(inspector, "R-ACC-9", person=clerk, now=at(2026, 11, 3, 9))
    hear(inspector, running, {"clerk": clerk}, now=at(2026, 11, 3, 9))  # due 6 November
    rectifying = decided(
        inspector,
        "R-ACC-4.5",
        {"clerk": 5},
        window=hall.window,
        person=clerk,
        now=at(2026, 11, 2, 8),
        rectify_by=dt.date(2026, 11, 20),
    ).case
    waiting = decided(
        inspector,
        "R-ACC-4.5",
        {"clerk": 6, "chief": 5},
        window=hall.window,
        person=clerk2,
        now=at(2026, 11, 3, 8),
    ).case
    appeal_file(actor=clerk, decision=rectifying.decision, grounds="不服", now=at(2026, 11, 4, 10))
    now = at(2026, 11, 4, 12)
    end = dt.time(23, 59, 59)

    def end_of(day):
        return at(2026, *day, end.hour, end.minute, end.second)

    expected = [
        (end_of((10, 30)), "Decision due", lapsed.pk, True),  # its deadline passed
        (at(2026, 11, 2, 14), "Decision due", ready.pk, True),  # the statement is in
        (end_of((11, 6)), "Hearing until", running.pk, False),
        # HALL_ACC_TAKE_UP_DAYS (5) working days after it was opened
        (end_of((11, 9)), "To be heard", to_hear.pk, False),
        (end_of((11, 9)), "Written self-examination", rectifying.pk, False),
        (end_of((11, 20)), "Rectification order", rectifying.pk, False),
    ]
    assert _tasks(inspector, now) == expected  # whoever decided does not review
    # An appeal or a countersignature is due HALL_ACC_REVIEW_DAYS (5) working days
    # after it was filed or decided.
    appeal = (end_of((11, 11)), "Appeal to review", rectifying.pk, False)
    assert _tasks(inspector2, now) == sorted([*expected, appeal])
    countersign = (end_of((11, 10)), "Countersignature", waiting.pk, False)
    assert _tasks(director, now) == [countersign, appeal]
    assert _tasks(clerk, now) == [] and _tasks(window_head, now) == []


def test_r_acc_1_a_settled_case_leaves_the_queue(hall, clerk, inspector, director):
    # R-ACC-1: a reviewed appeal and a report handed in wait on nobody.
    decision = decided(inspector, "R-ACC-9", {"clerk": 2}, window=hall.window, person=clerk)
    appeal = appeal_file(actor=clerk, decision=decision, grounds="不服", now=NOW + 3 * HOUR)
    assert [t[1] for t in _tasks(director, NOW + 4 * HOUR)] == ["Appeal to review"]
    appeal_review(
        actor=director,
        appeal=appeal,
        outcome=Appeal.Outcome.UPHELD,
        reasons="维持",
        now=NOW + 4 * HOUR,
    )
    assert _tasks(director, NOW + 5 * HOUR) == []
    assert _tasks(inspector, NOW + 5 * HOUR) == []


def test_r_acc_1_an_inspector_charged_by_a_decision_is_not_asked_to_review_its_appeal(
    hall, clerk, inspector, inspector2, admin_user
):
    # R-ACC-1, R-ACC-2: the appeal goes to an inspector the decision does not charge.
    rule = Rule.objects.get(code="R-ACC-4.5")
    rule.links = ["clerk", "inspector"]
    rule._history_user = admin_user
    rule.save()
    decision = decided(
        inspector,
        "R-ACC-4.5",
        {"clerk": 5, "inspector": 5},
        window=hall.window,
        person=clerk,
        charged={"clerk": clerk, "inspector": inspector2},
    )
    appeal_file(actor=clerk, decision=decision, grounds="不服", now=NOW + 3 * HOUR)
    third = UserFactory(username="inspector3", roles=[Role.INSPECTOR])
    assert "Appeal to review" in [t[1] for t in _tasks(third, NOW + 4 * HOUR)]
    assert "Appeal to review" not in [t[1] for t in _tasks(inspector2, NOW + 4 * HOUR)]


# --- the twelve-month record ----------------------------------------------------------------


def test_r_acc_1_the_record_covers_twelve_months_and_sums_the_points(
    hall, clerk, clerk2, clerk_b, window_head, inspector, director
):
    # The record of a person and of a window: the last twelve months, effects in
    # force, points per kind (a person's own, a window's).
    old_person = decided(
        inspector,
        "R-ACC-5.1",
        {"clerk": 10},
        window=hall.window,
        person=clerk,
        now=at(2025, 10, 20, 9),
    ).case
    old_window = decided(
        inspector,
        "R-ACC-4.5",
        {"clerk": 5},
        window=hall.window,
        person=clerk,
        now=at(2025, 10, 21, 9),
    ).case
    december = decided(
        inspector, "R-ACC-9", {"clerk": 3}, window=hall.window, person=clerk, now=at(2025, 12, 1, 9)
    ).case
    june = decided(
        inspector,
        "R-ACC-5.1",
        {"clerk": 10},
        window=hall.window,
        person=clerk,
        now=at(2026, 6, 1, 9),
    ).case
    annulled = decided(
        inspector, "R-ACC-9", {"clerk": 4}, window=hall.window, person=clerk, now=at(2026, 9, 1, 9)
    )
    appeal = appeal_file(actor=clerk, decision=annulled, grounds="不服", now=at(2026, 9, 1, 12))
    appeal_review(
        actor=director,
        appeal=appeal,
        outcome=Appeal.Outcome.ANNULLED,
        reasons="证据不足",
        now=at(2026, 9, 2, 9),
    )
    november = decided(
        inspector, "R-ACC-4.5", {"clerk": 5, "chief": 5}, window=hall.window, person=clerk
    ).case
    neighbour = decided(
        inspector, "R-ACC-5.1", {"clerk": 10}, window=hall.window, person=clerk2
    ).case
    elsewhere = decided(
        inspector, "R-ACC-4.5", {"clerk": 7}, window=hall.other_window, person=clerk_b
    ).case
    today = dt.date(2026, 11, 10)

    mine = record(today=today, person=clerk)
    assert mine.since == dt.date(2025, 12, 1)
    assert {c.pk for c in mine.cases} == {december.pk, june.pk, annulled.case_id, november.pk}
    assert old_person.pk not in {c.pk for c in mine.cases}
    assert mine.points == Decimal(13)  # December 3 + June 10; not the annulled 4
    assert mine.criticisms == 1
    assert [c.month for c in mine.cases] == sorted((c.month for c in mine.cases), reverse=True)

    head = record(today=today, person=window_head)
    assert [c.pk for c in head.cases] == [november.pk] and head.points == Decimal(5)

    window = record(today=today, window=hall.window)
    assert {c.pk for c in window.cases} == {
        december.pk,
        june.pk,
        annulled.case_id,
        november.pk,
        neighbour.pk,
    }
    assert old_window.pk not in {c.pk for c in window.cases}
    assert window.points == Decimal(5)  # November's window points; October 2025's is out
    assert record(today=today, window=hall.other_window).points == Decimal(7)
    assert elsewhere.pk not in {c.pk for c in window.cases}
