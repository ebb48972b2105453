"""The rule catalog (R-ACC-4, -5, -8, -9) and occurrences turned into cases (R-ACC-1)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from accountability.grouping import case_open, cases_from_occurrences
from accountability.models import AccountabilityCase, Occurrence, Rule
from accountability.services import occurrence_record, occurrence_withdraw
from accountability.tasks import cases_from_occurrences_task
from windows.models import Window

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(dt.datetime(*args))


def occurrence(rule, source, when, *, window=None, person=None, detail="事实"):
    found, _ = occurrence_record(
        rule=rule, source=source, occurred_at=when, window=window, person=person, detail=detail
    )
    return found


# --- The catalog ------------------------------------------------------------------


def test_the_catalog_holds_every_rule_with_its_seeded_range():
    window_rules = Rule.objects.filter(group="R-ACC-4")
    person_rules = Rule.objects.filter(group="R-ACC-5")
    assert window_rules.count() == 9 and person_rules.count() == 7
    five = Rule.objects.get(code="R-ACC-4.5")
    assert "超过承诺时限" in five.text and five.basis == "S1 八(四)5"
    assert (five.points_min, five.points_max, five.target) == (Decimal(5), Decimal(10), "window")
    assert five.self_examination and five.rectification and not five.award_loss
    statutory = Rule.objects.get(code="R-ACC-5.1")
    assert (statutory.points_min, statutory.points_max) == (Decimal(10), Decimal(15))
    assert statutory.award_loss and statutory.warn_window_head
    assert Rule.objects.get(code="R-ACC-9").criticism
    # Every rule an app records occurrences under is in the catalog.
    for code in [
        "R-ACC-4.2",
        "R-ACC-4.5",
        "R-ACC-5.1",
        "R-ACC-8",
        "R-ORG-7",
        "R-COMP-2",
        "R-PATROL-2",
        "R-ACC-9",
    ]:
        assert Rule.objects.filter(code=code).exists(), code


@pytest.mark.parametrize(
    "code,inside,outside",
    [
        ("R-ACC-4.1", [Decimal(5), Decimal("7.5"), Decimal(10)], [Decimal("4.9"), Decimal(11)]),
        ("R-ACC-5.7", [Decimal(10), Decimal(15)], [Decimal(9), Decimal("15.5")]),
    ],
)
def test_each_rules_range_is_enforced(code, inside, outside):
    rule = Rule.objects.get(code=code)
    assert all(rule.points_allowed(p) for p in inside)
    assert not any(rule.points_allowed(p) for p in outside)


def test_a_range_upside_down_is_refused():
    rule = Rule.objects.get(code="R-ACC-4.1")
    rule.points_max = Decimal(3)
    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert "points_max" in refused.value.message_dict
    with pytest.raises(IntegrityError):
        rule.save()


def test_unknown_links_are_refused():
    rule = Rule.objects.get(code="R-ACC-4.1")
    rule.links = ["clerk", "mayor"]
    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert "links" in refused.value.message_dict


def test_an_edit_is_kept_in_history_and_a_rule_in_use_cannot_be_deleted(
    rf, admin_user, hall, clerk
):
    from django.contrib.admin.sites import site

    rule = Rule.objects.get(code="R-ACC-4.3")
    rule.points_max = Decimal(8)
    rule._history_user = admin_user
    rule.save()
    assert rule.history.first().history_user == admin_user
    model_admin = site._registry[Rule]
    request = rf.get("/")
    request.user = admin_user
    assert model_admin.has_delete_permission(request, rule)
    occurrence("R-ACC-4.3", hall.window, at(2026, 11, 2, 10), window=hall.window)
    assert not model_admin.has_delete_permission(request, rule)


# --- From occurrences to cases ----------------------------------------------------


def test_the_job_opens_one_case_per_occurrence_and_twice_opens_nothing_new(hall, clerk):
    first = occurrence("R-ACC-4.5", hall.window, at(2026, 11, 2, 10), window=hall.window)
    second = occurrence(
        "R-ACC-5.1", hall.window, at(2026, 11, 3, 10), window=hall.window, person=clerk
    )
    assert cases_from_occurrences(now=at(2026, 11, 4, 9)) == 2
    assert cases_from_occurrences(now=at(2026, 11, 4, 9, 10)) == 0
    assert AccountabilityCase.objects.count() == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.case.rule.code == "R-ACC-4.5" and first.case.window == hall.window
    assert second.case.person == clerk and second.case.month == dt.date(2026, 11, 1)
    assert first.case.number.startswith("WZ-") and first.case != second.case
    assert first.history.first().case_id == first.case_id  # the attachment is in history


def test_per_person_and_month_groups_a_months_occurrences(hall, clerk):
    rule = "R-ORG-7"
    occurrence(
        rule,
        hall.window,
        at(2026, 11, 2, 10),
        person=clerk,
        window=hall.window,
        detail="离岗35分钟",
    )
    occurrence(
        rule,
        hall.other_window,
        at(2026, 11, 20, 10),
        person=clerk,
        window=hall.window,
        detail="离岗40分钟",
    )
    occurrence(rule, hall.department, at(2026, 12, 1, 10), person=clerk, window=hall.window)
    assert cases_from_occurrences(now=at(2026, 12, 2, 9)) == 2
    november = AccountabilityCase.objects.get(month=dt.date(2026, 11, 1))
    assert november.occurrences.count() == 2
    assert "离岗35分钟" in november.facts and "离岗40分钟" in november.facts
    # A later November act, after the job ran, joins the open November case.
    occurrence(rule, hall.other_department, at(2026, 11, 28, 10), person=clerk, window=hall.window)
    assert cases_from_occurrences(now=at(2026, 12, 2, 9, 10)) == 0
    assert november.occurrences.count() == 3


def test_a_decided_months_case_is_not_reopened_by_a_later_act(hall, clerk):
    occurrence("R-ORG-7", hall.window, at(2026, 11, 2, 10), person=clerk, window=hall.window)
    cases_from_occurrences(now=at(2026, 11, 3, 9))
    AccountabilityCase.objects.update(status=AccountabilityCase.Status.CLOSED)
    occurrence("R-ORG-7", hall.other_window, at(2026, 11, 5, 10), person=clerk, window=hall.window)
    assert cases_from_occurrences(now=at(2026, 11, 6, 9)) == 1
    assert AccountabilityCase.objects.filter(status="open").get().occurrences.count() == 1


def test_a_withdrawn_occurrence_never_becomes_a_case(hall, clerk):
    card = occurrence("R-ACC-4.5", hall.window, at(2026, 11, 2, 10), window=hall.window)
    occurrence_withdraw(rule="R-ACC-4.5", source=hall.window, when=at(2026, 11, 2, 15))
    assert cases_from_occurrences(now=at(2026, 11, 3, 9)) == 0
    card.refresh_from_db()
    assert card.case is None and not AccountabilityCase.objects.exists()


def test_a_withdrawn_patrol_finding_never_becomes_a_case(hall, supervisor):
    from patrols.services import finding_correct
    from tests.patrols.support import finding, morning

    found = finding(supervisor, hall.window, "tidiness", morning())
    finding_correct(actor=supervisor, finding=found, reason="看错窗口", now=morning())
    assert cases_from_occurrences(now=morning(hour=16)) == 0


def test_an_occurrence_under_a_retired_rule_waits(hall):
    Rule.objects.filter(code="R-ACC-4.5").update(is_active=False)
    occurrence("R-ACC-4.5", hall.window, at(2026, 11, 2, 10), window=hall.window)
    assert cases_from_occurrences(now=at(2026, 11, 3, 9)) == 0
    Rule.objects.filter(code="R-ACC-4.5").update(is_active=True)
    assert cases_from_occurrences(now=at(2026, 11, 3, 9)) == 1


def test_the_scheduled_task_runs_the_job(hall):
    occurrence("R-ACC-4.5", hall.window, at(2026, 11, 2, 10), window=hall.window)
    assert cases_from_occurrences_task.delay().get() == 1
    assert cases_from_occurrences_task.delay().get() == 0


# --- Opened by hand ---------------------------------------------------------------


def test_an_inspector_opens_a_case_from_an_inspection(hall, inspector, clerk):
    case = case_open(
        actor=inspector,
        rule=Rule.objects.get(code="R-ACC-5.7"),
        origin=AccountabilityCase.Origin.MEDIA,
        facts="县电视台曝光窗口人员刁难群众",
        window=hall.window,
        person=clerk,
        now=at(2026, 11, 10, 15),
    )
    assert case.number == f"WZ-{case.pk:06d}" and case.opened_by == inspector
    assert case.month == dt.date(2026, 11, 1) and case.group_key is None
    assert case.history.first().history_user == inspector


@pytest.mark.parametrize("persona", ["clerk", "window_head", "supervisor", "department_head"])
def test_only_an_inspector_opens_a_case_by_hand(request, hall, persona):
    with pytest.raises(PermissionDenied):
        case_open(
            actor=request.getfixturevalue(persona),
            rule=Rule.objects.get(code="R-ACC-4.1"),
            origin="inspection",
            facts="事实",
            window=hall.window,
            now=at(2026, 11, 10, 15),
        )
    assert not AccountabilityCase.objects.exists()


def test_a_case_by_hand_needs_facts_origin_and_someone(hall, inspector):
    with pytest.raises(ValidationError) as refused:
        case_open(
            actor=inspector,
            rule=Rule.objects.get(code="R-ACC-4.1"),
            origin="occurrence",
            facts="  ",
            now=at(2026, 11, 10, 15),
        )
    assert set(refused.value.message_dict) == {"origin", "facts", "window"}
    assert not AccountabilityCase.objects.exists()
    assert Window.objects.count() == 2 and Occurrence.objects.count() == 0
