"""From a case to a decision, its effects and the appeal (R-ACC-1, -2, -4..-7, -9; R-ORG-5).

Every test goes through the services of `accountability.decisions`. Dates are in
November 2026, a month without holidays: the case is opened on Monday 2 November,
the hearing runs to the end of Thursday 5 November (three working days) and a
decision taken on the 2nd may be appealed until the end of Monday 9 November.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accountability.decisions import (
    appeal_file,
    appeal_review,
    decision_countersign,
    decision_send_back,
    decision_take,
    earlier_acts,
    effect_hand_in,
    hearing_start,
    hearing_state,
    link_candidates,
    link_default,
    points_range,
    sweep,
)
from accountability.grouping import case_open, cases_from_occurrences
from accountability.models import (
    AccountabilityCase,
    Appeal,
    Charge,
    Decision,
    Effect,
    Hearing,
    Rule,
)
from accountability.services import occurrence_record
from hall.models import Alert
from hall.roles import Role
from staff.models import StaffMember
from staff.returns import return_check
from tests.factories import StaffMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = AccountabilityCase.Status
Kind = Effect.Kind
HOUR = dt.timedelta(hours=1)


def at(*args):
    return timezone.make_aware(dt.datetime(*args))


NOW = at(2026, 11, 2, 9)  # Monday
HEARING_DUE = at(2026, 11, 5, 23, 59, 59)  # the end of the third working day after
APPEAL_DUE = at(2026, 11, 9, 23, 59, 59)  # the end of the fifth working day after NOW


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


# --- helpers ----------------------------------------------------------------------


def open_case(inspector, code, *, window=None, person=None, now=NOW, facts=""):
    return case_open(
        actor=inspector,
        rule=Rule.objects.get(code=code),
        origin=AccountabilityCase.Origin.INSPECTION,
        facts=facts or f"{code}：督查发现的事实",
        window=window,
        person=person,
        now=now,
    )


def hear(inspector, case, charged, *, now=NOW):
    return hearing_start(actor=inspector, case=case, charged=charged, now=now)


def state(hearing, *, now, actor=None):
    return hearing_state(
        actor=actor or hearing.person,
        hearing=hearing,
        statement="情况属实，但事出有因，特此说明。",
        now=now,
    )


def heard_case(inspector, code, links, *, window=None, person=None, now=NOW, charged=None):
    """A case opened at `now`, each link heard (the form's default person unless
    `charged` names them) and every statement in an hour later."""
    case = open_case(inspector, code, window=window, person=person, now=now)
    charged = charged or {link: link_default(case, link) for link in links}
    for hearing in hear(inspector, case, charged, now=now):
        state(hearing, now=now + HOUR)
    return case


def decide(inspector, case, points, *, now, **kwargs):
    return decision_take(
        actor=inspector,
        case=case,
        points=points,
        reasons="事实清楚，依规问责。",
        now=now,
        **kwargs,
    )


def decided(inspector, code, points, *, window=None, person=None, now=NOW, charged=None, **kw):
    """A case heard at `now`, decided two hours later with `points` per link."""
    case = heard_case(
        inspector, code, list(points), window=window, person=person, now=now, charged=charged
    )
    return decide(inspector, case, points, now=now + 2 * HOUR, **kw)


def effects_of(decision):
    return sorted(
        (e.kind, e.window_id, e.person_id, e.points)
        for e in Effect.objects.filter(decision=decision)
    )


def status_of(case):
    case.refresh_from_db()
    return case.status


# --- 1. Each rule's range (R-ACC-4, -5, -9) ---------------------------------------------


@pytest.mark.parametrize(
    "code,link,low,high",
    [
        pytest.param("R-ACC-4.5", "clerk", "5", "10", id="R-ACC-4.5-clerk"),
        pytest.param("R-ACC-4.2", "chief", "5", "10", id="R-ACC-4.2-chief"),
        pytest.param("R-ACC-5.1", "clerk", "10", "15", id="R-ACC-5.1-clerk"),
        pytest.param("R-ACC-5.7", "chief", "10", "15", id="R-ACC-5.7-chief"),
        pytest.param("R-ACC-9", "clerk", "0", "5", id="R-ACC-9-clerk"),
    ],
)
def test_r_acc_4_5_9_points_outside_the_rules_range_are_refused_and_its_edges_accepted(
    hall, clerk, window_head, inspector, code, link, low, high
):
    # R-ACC-4: 5–10 points; R-ACC-5: 10–15; R-ACC-9: 0–5 (the seeded catalog).
    low, high = Decimal(low), Decimal(high)
    case = heard_case(inspector, code, [link], window=hall.window, person=clerk)
    for wrong in (low - Decimal("0.1"), high + Decimal("0.1")):
        with pytest.raises(ValidationError) as refused:
            decide(inspector, case, {link: wrong}, now=NOW + 2 * HOUR)
        assert link in refused.value.message_dict
        assert not Decision.objects.exists() and not Charge.objects.exists()
        assert not Effect.objects.exists()
        assert status_of(case) == Status.HEARING
    at_low = decide(inspector, case, {link: low}, now=NOW + 2 * HOUR)
    assert [(c.link, c.points) for c in at_low.charges.all()] == [(link, low)]
    assert (at_low.points_min, at_low.points_max) == (low, high)
    other = heard_case(inspector, code, [link], window=hall.window, person=clerk)
    at_high = decide(inspector, other, {link: high}, now=NOW + 2 * HOUR)
    assert [(c.link, c.points) for c in at_high.charges.all()] == [(link, high)]


def test_r_acc_4_points_that_are_not_a_number_are_refused(hall, clerk, inspector):
    # R-ACC-4: the points are a number within the range.
    case = heard_case(inspector, "R-ACC-4.5", ["clerk"], window=hall.window, person=clerk)
    with pytest.raises(ValidationError) as refused:
        decide(inspector, case, {"clerk": "五分"}, now=NOW + 2 * HOUR)
    assert "clerk" in refused.value.message_dict
    assert not Decision.objects.exists()


# --- 2. No decision before the hearing (R-ACC-1) -----------------------------------------


def test_r_acc_1_a_case_not_yet_heard_cannot_be_decided(hall, clerk, inspector):
    # R-ACC-1: the person is heard (陈述申辩) before a decision.
    case = open_case(inspector, "R-ACC-5.1", window=hall.window, person=clerk)
    with pytest.raises(ValidationError):
        decide(inspector, case, {"clerk": 10}, now=NOW + 2 * HOUR)
    assert not Decision.objects.exists() and status_of(case) == Status.OPEN


def test_r_acc_1_no_decision_while_a_statement_is_awaited_before_its_deadline(
    hall, clerk, window_head, inspector
):
    # R-ACC-1: every statement is in, or its deadline has passed.
    case = open_case(inspector, "R-ACC-4.5", window=hall.window, person=clerk)
    clerk_heard, chief_heard = hear(inspector, case, {"clerk": clerk, "chief": window_head})
    assert clerk_heard.due_at == chief_heard.due_at == HEARING_DUE
    state(clerk_heard, now=NOW + HOUR)  # the chief has not stated yet
    for moment in (NOW + 2 * HOUR, HEARING_DUE):
        with pytest.raises(ValidationError):
            decide(inspector, case, {"clerk": 5, "chief": 5}, now=moment)
    assert not Decision.objects.exists() and status_of(case) == Status.HEARING
    decision = decide(
        inspector, case, {"clerk": 5, "chief": 5}, now=HEARING_DUE + dt.timedelta(seconds=1)
    )
    assert decision.status == Decision.Status.IN_FORCE


def test_r_acc_1_a_decision_may_follow_once_every_statement_is_in(
    hall, clerk, window_head, inspector
):
    # R-ACC-1: with every statement in, no need to wait for the deadline.
    case = open_case(inspector, "R-ACC-4.5", window=hall.window, person=clerk)
    for hearing in hear(inspector, case, {"clerk": clerk, "chief": window_head}):
        state(hearing, now=NOW + HOUR)
    decision = decide(inspector, case, {"clerk": 5, "chief": 5}, now=NOW + 2 * HOUR)
    assert decision.decided_at < HEARING_DUE and status_of(case) == Status.DECIDED


def test_r_acc_1_the_hearing_deadline_counts_working_days(settings, hall, clerk, inspector):
    # R-ACC-1: HALL_ACC_HEARING_DAYS working days, to the end of the last one.
    [monday] = hear(inspector, open_case(inspector, "R-ACC-9", person=clerk), {"clerk": clerk})
    assert monday.due_at == HEARING_DUE and monday.notified_at == NOW
    # Over the National Day holiday: 8, 9 and the make-up Saturday 10 October 2026.
    before = at(2026, 9, 30, 9)
    [holiday] = hear(
        inspector,
        open_case(inspector, "R-ACC-9", person=clerk, now=before),
        {"clerk": clerk},
        now=before,
    )
    assert holiday.due_at == at(2026, 10, 10, 23, 59, 59)
    settings.HALL_ACC_HEARING_DAYS = 5
    [longer] = hear(inspector, open_case(inspector, "R-ACC-9", person=clerk), {"clerk": clerk})
    assert longer.due_at == at(2026, 11, 9, 23, 59, 59)


def test_r_acc_1_a_statement_after_the_deadline_is_refused(hall, clerk, inspector):
    # R-ACC-1: the statement is made by the deadline.
    case = open_case(inspector, "R-ACC-9", person=clerk)
    [hearing] = hear(inspector, case, {"clerk": clerk})
    with pytest.raises(ValidationError):
        state(hearing, now=HEARING_DUE + dt.timedelta(seconds=1))
    hearing.refresh_from_db()
    assert hearing.stated_at is None and hearing.statement == ""
    state(hearing, now=HEARING_DUE)  # the last second still counts
    hearing.refresh_from_db()
    assert hearing.stated_at == HEARING_DUE


def test_r_acc_1_only_the_person_heard_or_an_inspector_states(
    hall, clerk, window_head, supervisor, inspector, inspector2
):
    # R-ACC-1: the person heard states; an inspector may write it down for them.
    case = open_case(inspector, "R-ACC-4.5", window=hall.window, person=clerk)
    clerk_heard, chief_heard = hear(inspector, case, {"clerk": clerk, "chief": window_head})
    for stranger in (clerk, supervisor):
        with pytest.raises(PermissionDenied):
            state(chief_heard, actor=stranger, now=NOW + HOUR)
    chief_heard.refresh_from_db()
    assert chief_heard.stated_at is None
    state(chief_heard, now=NOW + HOUR)
    state(clerk_heard, actor=inspector2, now=NOW + HOUR)
    clerk_heard.refresh_from_db()
    chief_heard.refresh_from_db()
    assert clerk_heard.stated_by == inspector2 and chief_heard.stated_by == window_head
    with pytest.raises(ValidationError):  # once
        state(clerk_heard, now=NOW + 2 * HOUR)


def test_r_acc_1_the_person_heard_is_told_in_app(hall, clerk, inspector):
    # R-ACC-1: each person heard is told the facts and the deadline.
    case = open_case(inspector, "R-ACC-9", person=clerk, facts="窗口受理时态度生硬")
    [hearing] = hear(inspector, case, {"clerk": clerk})
    alert = Alert.objects.get(user=clerk, key=f"acc-hearing-{hearing.pk}")
    assert "2026-11-05" in alert.title and "态度生硬" in alert.body


# --- 3. The chain of responsibility (R-ACC-2) --------------------------------------------


def test_r_acc_2_each_link_of_the_chain_is_heard_and_charged(
    settings, hall, clerk, window_head, supervisor, inspector, inspector2, admin_user
):
    # R-ACC-2: clerk → chief representative → supervisor → inspector, each charged.
    settings.HALL_ACC_COUNTERSIGN_POINTS = 100
    rule = Rule.objects.get(code="R-ACC-4.5")
    rule.links = ["clerk", "chief", "supervisor", "inspector"]
    rule._history_user = admin_user
    rule.save()
    case = open_case(inspector, "R-ACC-4.5", window=hall.window, person=clerk)
    people = {
        "clerk": clerk,
        "chief": window_head,  # no chief representative at A01: its head
        "supervisor": supervisor,
        "inspector": inspector2,
    }
    for link, person in people.items():
        assert link_candidates(case, link).filter(pk=person.pk).exists(), link
    hearings = hear(inspector, case, people)
    assert {(h.link, h.person) for h in hearings} == set(people.items())
    for hearing in hearings:
        state(hearing, now=NOW + HOUR)
    points = {"clerk": 5, "chief": 6, "supervisor": 7, "inspector": 8}
    decision = decide(inspector, case, points, now=NOW + 2 * HOUR)
    assert decision.status == Decision.Status.IN_FORCE
    assert {(c.link, c.person, c.points) for c in decision.charges.all()} == {
        (link, people[link], Decimal(points[link])) for link in people
    }
    # The direct link of a window rule comes off the window's month; the others off
    # each person's own month.
    points_effects = {
        (e.kind, e.window_id, e.person_id, e.points)
        for e in decision.effects.filter(kind__in=[Kind.WINDOW_POINTS, Kind.PERSON_POINTS])
    }
    assert points_effects == {
        (Kind.WINDOW_POINTS, hall.window.pk, clerk.pk, Decimal(5)),
        (Kind.PERSON_POINTS, hall.window.pk, window_head.pk, Decimal(6)),
        (Kind.PERSON_POINTS, None, supervisor.pk, Decimal(7)),
        (Kind.PERSON_POINTS, None, inspector2.pk, Decimal(8)),
    }


def test_r_acc_2_the_chief_link_is_the_windows_chief_representative_or_its_head(
    hall, clerk, window_head, supervisor, inspector
):
    # R-ACC-2: leadership responsibility lies with the window's chief representative.
    chief = UserFactory(username="chief", first_name="首席代表")
    hall.window.chief_representative = chief
    hall.window.save()
    case = open_case(inspector, "R-ACC-4.5", window=hall.window, person=clerk)
    assert set(link_candidates(case, "chief")) == {chief, window_head}
    assert link_default(case, "chief") == chief and link_default(case, "clerk") == clerk
    elsewhere = open_case(inspector, "R-ACC-4.5", window=hall.other_window)
    assert not link_candidates(elsewhere, "chief").exists()
    assert set(link_candidates(case, "supervisor")) == {supervisor}


def test_r_acc_2_a_link_the_rule_does_not_charge_is_refused(hall, clerk, supervisor, inspector):
    # R-ACC-2: which links are charged depends on the rule (R-ACC-4.5: clerk and chief).
    case = open_case(inspector, "R-ACC-4.5", window=hall.window, person=clerk)
    with pytest.raises(ValidationError) as refused:
        hear(inspector, case, {"clerk": clerk, "supervisor": supervisor})
    assert set(refused.value.message_dict) == {"supervisor"}
    assert not Hearing.objects.exists() and status_of(case) == Status.OPEN


def test_r_acc_2_a_person_not_eligible_for_a_link_is_refused(
    hall, clerk, supervisor, applicant, outsider, inspector
):
    # R-ACC-2: the supervisor link charges a center supervisor, the clerk link a
    # member of staff, the chief link the window's chief or head (R-ACC-8: all three).
    case = open_case(inspector, "R-ACC-8", window=hall.window, person=clerk)
    with pytest.raises(ValidationError) as refused:
        hear(inspector, case, {"clerk": outsider, "chief": supervisor, "supervisor": applicant})
    assert set(refused.value.message_dict) == {"clerk", "chief", "supervisor"}
    assert not Hearing.objects.exists() and status_of(case) == Status.OPEN
    assert not Alert.objects.filter(key__startswith="acc-hearing-").exists()


def test_r_acc_2_a_second_person_at_a_link_already_heard_is_refused(hall, clerk, clerk2, inspector):
    # R-ACC-2: a decision charges each link once; a second person heard at a link
    # would be silently dropped (or charged instead of the first).
    case = open_case(inspector, "R-ACC-4.5", window=hall.window, person=clerk)
    hear(inspector, case, {"clerk": clerk})
    with pytest.raises(ValidationError) as refused:
        hear(inspector, case, {"clerk": clerk2}, now=NOW + HOUR)
    assert "clerk" in refused.value.message_dict
    assert list(case.hearings.values_list("person", flat=True)) == [clerk.pk]


def test_r_acc_2_an_inspector_charged_neither_hears_nor_decides_the_case(
    hall, clerk, window_head, inspector, inspector2, admin_user
):
    # R-ACC-2, R-ACC-1: the inspector link (failure to detect) is judged by another.
    rule = Rule.objects.get(code="R-ACC-4.5")
    rule.links = ["clerk", "chief", "inspector"]
    rule._history_user = admin_user
    rule.save()
    case = open_case(inspector, "R-ACC-4.5", window=hall.window, person=clerk)
    with pytest.raises(ValidationError) as refused:
        hear(inspector, case, {"clerk": clerk, "inspector": inspector})
    assert "inspector" in refused.value.message_dict
    for hearing in hear(inspector, case, {"clerk": clerk, "inspector": inspector2}):
        state(hearing, now=NOW + HOUR)
    with pytest.raises(PermissionDenied):
        decide(inspector2, case, {"clerk": 5, "inspector": 5}, now=NOW + 2 * HOUR)
    assert not Decision.objects.exists()
    decision = decide(inspector, case, {"clerk": 5, "inspector": 5}, now=NOW + 2 * HOUR)
    assert decision.decided_by == inspector


@pytest.mark.parametrize("persona", ["clerk", "window_head", "supervisor", "director"])
def test_r_acc_1_only_an_inspector_hears_and_decides(request, hall, clerk, inspector, persona):
    # R-ACC-1: the discipline inspectors hear and decide.
    actor = request.getfixturevalue(persona)
    case = open_case(inspector, "R-ACC-9", person=clerk)
    with pytest.raises(PermissionDenied):
        hear(actor, case, {"clerk": clerk})
    [hearing] = hear(inspector, case, {"clerk": clerk})
    state(hearing, now=NOW + HOUR)
    with pytest.raises(PermissionDenied):
        decide(actor, case, {"clerk": 2}, now=NOW + 2 * HOUR)
    assert not Decision.objects.exists()


def test_r_acc_2_only_links_heard_are_charged(hall, clerk, window_head, inspector):
    # R-ACC-2, R-ACC-1: a link not heard cannot be charged.
    case = heard_case(inspector, "R-ACC-4.5", ["clerk"], window=hall.window, person=clerk)
    with pytest.raises(ValidationError) as refused:
        decide(inspector, case, {"clerk": 5, "chief": 5}, now=NOW + 2 * HOUR)
    assert set(refused.value.message_dict) == {"chief"}
    assert not Decision.objects.exists()


# --- 4. Aggravation (R-ACC-6) ---------------------------------------------------------------


def _decided_from_occurrence(inspector, person, window, source, when):
    """An R-ACC-5.1 act of `person` on `when`, turned into a case, heard and decided."""
    occurrence_record(
        rule="R-ACC-5.1",
        source=source,
        occurred_at=when,
        window=window,
        person=person,
        detail=f"超过法定时限办结（{when:%Y-%m-%d}）",
    )
    assert cases_from_occurrences(now=when + HOUR) == 1
    case = AccountabilityCase.objects.get(occurrences__occurred_at=when)
    for hearing in hear(inspector, case, {"clerk": person}, now=when + HOUR):
        state(hearing, now=when + 2 * HOUR)
    decide(inspector, case, {"clerk": 10}, now=when + 3 * HOUR)
    return case


def test_r_acc_6_3_earlier_acts_count_within_twelve_months_only(hall, clerk, clerk2, inspector):
    # R-ACC-6.3: two or more accountable acts within a year.
    thirteen_months = _decided_from_occurrence(
        inspector, clerk, hall.window, hall.department, at(2025, 10, 2, 10)
    )
    eleven_months = _decided_from_occurrence(
        inspector, clerk, hall.window, hall.other_department, at(2025, 12, 1, 10)
    )
    someone_else = _decided_from_occurrence(
        inspector, clerk2, hall.window, hall.other_window, at(2026, 9, 1, 10)
    )
    occurrence_record(
        rule="R-ACC-5.1", source=hall.window, occurred_at=NOW, window=hall.window, person=clerk
    )
    # The act is the occurrence's day, not the day the case was opened.
    assert cases_from_occurrences(now=NOW + HOUR) == 1
    current = AccountabilityCase.objects.get(occurrences__occurred_at=NOW)
    assert earlier_acts(current) == [eleven_months]
    # Each act counts its own year back: two months before the December act.
    assert earlier_acts(eleven_months) == [thirteen_months]
    assert thirteen_months not in earlier_acts(current)
    assert someone_else not in earlier_acts(current)


def test_r_acc_6_3_an_earlier_case_counts_only_with_a_decision_in_force(
    hall, clerk, window_head, inspector, director
):
    # R-ACC-6.3: an accountable act is one decided; a case still being decided is not.
    earlier = heard_case(
        inspector, "R-ACC-5.1", ["clerk", "chief"], window=hall.window, person=clerk
    )
    waiting = decide(inspector, earlier, {"clerk": 10, "chief": 10}, now=NOW + 2 * HOUR)
    assert waiting.status == Decision.Status.COUNTERSIGN
    later = open_case(inspector, "R-ACC-5.2", window=hall.window, person=clerk, now=NOW + 3 * HOUR)
    assert earlier_acts(later) == []
    decision_countersign(actor=director, decision=waiting, now=NOW + 4 * HOUR)
    assert earlier_acts(later) == [earlier]


def test_r_acc_6_an_aggravated_decision_uses_the_raised_range(hall, clerk, inspector):
    # R-ACC-6: heavier; the 10–15 rule aggravated is 15–20.
    rule = Rule.objects.get(code="R-ACC-5.1")
    raised = points_range(rule, aggravating=["3"])
    assert (raised.low, raised.high) == (Decimal(15), Decimal(20))
    assert (points_range(rule).low, points_range(rule).high) == (Decimal(10), Decimal(15))
    case = heard_case(inspector, "R-ACC-5.1", ["clerk"], window=hall.window, person=clerk)
    for wrong in (Decimal("14.9"), Decimal("20.1")):
        with pytest.raises(ValidationError) as refused:
            decide(inspector, case, {"clerk": wrong}, aggravating=["3"], now=NOW + 2 * HOUR)
        assert "clerk" in refused.value.message_dict
    assert not Decision.objects.exists()
    decision = decide(inspector, case, {"clerk": 20}, aggravating=["3"], now=NOW + 2 * HOUR)
    assert (decision.points_min, decision.points_max) == (Decimal(15), Decimal(20))
    assert decision.aggravating == ["3"]
    other = heard_case(inspector, "R-ACC-5.1", ["clerk"], window=hall.window, person=clerk)
    assert decide(inspector, other, {"clerk": 15}, aggravating=["1"], now=NOW + 2 * HOUR)


def test_r_acc_6_an_unknown_circumstance_is_refused(hall, clerk, inspector):
    # R-ACC-6, R-ACC-7: only the circumstances the rules list.
    case = heard_case(inspector, "R-ACC-9", ["clerk"], person=clerk)
    with pytest.raises(ValidationError) as refused:
        decide(
            inspector,
            case,
            {"clerk": 2},
            aggravating=["9"],
            mitigating=["7"],
            now=NOW + 2 * HOUR,
        )
    assert {"aggravating", "mitigating"} <= set(refused.value.message_dict)


def test_r_acc_6_an_aggravated_decision_is_countersigned_notifies_and_proposes_removal(
    hall, clerk, window_head, department_head, director, inspector
):
    # R-ACC-6: aggravated → the director countersigns; then the department head is
    # notified and the person's removal from the post proposed. 6 points are below
    # the countersignature threshold: the aggravation alone needs the director.
    decision = decided(
        inspector, "R-ACC-9", {"clerk": 6}, window=hall.window, person=clerk, aggravating=["1"]
    )
    assert decision.status == Decision.Status.COUNTERSIGN
    assert not Effect.objects.exists()
    decision_countersign(actor=director, decision=decision, now=NOW + 3 * HOUR)
    decision.refresh_from_db()
    assert decision.status == Decision.Status.IN_FORCE
    kinds = {e.kind: e for e in decision.effects.all()}
    assert kinds[Kind.DEPARTMENT_NOTICE].person == department_head
    assert kinds[Kind.REMOVAL].person == clerk
    assert kinds[Kind.PERSON_POINTS].points == 6 and kinds[Kind.CRITICISM].person == clerk
    notice = kinds[Kind.DEPARTMENT_NOTICE]
    assert Alert.objects.filter(user=department_head, key=f"acc-effect-{notice.pk}").exists()


def test_r_acc_6_a_decision_not_aggravated_neither_notifies_nor_proposes_removal(
    hall, clerk, department_head, inspector
):
    # R-ACC-6: the department notice and the removal belong to aggravation only.
    decision = decided(inspector, "R-ACC-9", {"clerk": 5}, window=hall.window, person=clerk)
    kinds = set(decision.effects.values_list("kind", flat=True))
    assert Kind.DEPARTMENT_NOTICE not in kinds and Kind.REMOVAL not in kinds
    assert kinds == {Kind.PERSON_POINTS, Kind.CRITICISM}


# --- 5. Mitigation (R-ACC-7) ---------------------------------------------------------------


def test_r_acc_7_mitigation_lowers_the_range_to_nothing(hall, clerk, window_head, inspector):
    # R-ACC-7: lighter, reduced or none.
    case = heard_case(inspector, "R-ACC-4.5", ["clerk"], window=hall.window, person=clerk)
    with pytest.raises(ValidationError) as refused:
        decide(inspector, case, {"clerk": 0}, now=NOW + 2 * HOUR)
    assert "clerk" in refused.value.message_dict
    assert not Decision.objects.exists()
    decision = decide(inspector, case, {"clerk": 0}, mitigating=["1"], now=NOW + 2 * HOUR)
    assert decision.status == Decision.Status.IN_FORCE
    assert (decision.points_min, decision.points_max) == (Decimal(0), Decimal(10))
    with pytest.raises(ValidationError):  # the top stays the rule's
        decided(
            inspector,
            "R-ACC-4.5",
            {"clerk": 11},
            window=hall.window,
            person=clerk,
            mitigating=["2"],
        )


def test_r_acc_7_a_decision_waived_to_nothing_brings_no_effects(
    hall, clerk, window_head, inspector
):
    # R-ACC-7: 免于处理 — no points, no self-examination, no rectification, nothing.
    waived = decided(
        inspector,
        "R-ACC-4.5",
        {"clerk": 0, "chief": 0},
        window=hall.window,
        person=clerk,
        mitigating=["3"],
    )
    assert waived.status == Decision.Status.IN_FORCE
    assert not Effect.objects.exists()
    # Reduced but not waived: the rule's effects follow.
    reduced = decided(
        inspector,
        "R-ACC-4.5",
        {"clerk": 3, "chief": 0},
        window=hall.window,
        person=clerk,
        mitigating=["3"],
    )
    assert {e.kind for e in reduced.effects.all()} == {
        Kind.WINDOW_POINTS,
        Kind.SELF_EXAMINATION,
        Kind.RECTIFICATION,
    }


# --- 6. The director's countersignature -------------------------------------------------------


def test_r_acc_countersign_above_the_threshold_the_decision_waits_for_the_director(
    hall, clerk, window_head, director, inspector
):
    # Above HALL_ACC_COUNTERSIGN_POINTS (10) the director countersigns first.
    decision = decided(
        inspector, "R-ACC-4.5", {"clerk": 6, "chief": 5}, window=hall.window, person=clerk
    )
    assert decision.status == Decision.Status.COUNTERSIGN
    assert decision.in_force_at is None and decision.appeal_due_at is None
    assert status_of(decision.case) == Status.COUNTERSIGN
    assert not Effect.objects.exists()
    assert not Alert.objects.filter(key__startswith=f"acc-decided-{decision.pk}-").exists()
    assert Alert.objects.filter(
        user=director, key=f"acc-countersign-{decision.pk}-{director.pk}"
    ).exists()
    with pytest.raises(ValidationError):  # not in force: nothing to appeal yet
        appeal_file(actor=clerk, decision=decision, grounds="不服", now=NOW + 3 * HOUR)
    signed_at = at(2026, 11, 3, 10)
    decision_countersign(actor=director, decision=decision, now=signed_at)
    decision.refresh_from_db()
    assert decision.status == Decision.Status.IN_FORCE
    assert (decision.countersigned_by, decision.in_force_at) == (director, signed_at)
    assert decision.appeal_due_at == at(2026, 11, 10, 23, 59, 59)  # from the signature
    assert status_of(decision.case) == Status.DECIDED
    assert {e.kind for e in decision.effects.all()} >= {Kind.WINDOW_POINTS, Kind.PERSON_POINTS}
    with pytest.raises(ValidationError):  # once
        decision_countersign(actor=director, decision=decision, now=signed_at)


def test_r_acc_countersign_at_or_below_the_threshold_the_decision_is_in_force_at_once(
    settings, hall, clerk, window_head, inspector
):
    # At HALL_ACC_COUNTERSIGN_POINTS or below, no countersignature.
    at_threshold = decided(
        inspector, "R-ACC-4.5", {"clerk": 5, "chief": 5}, window=hall.window, person=clerk
    )
    assert at_threshold.status == Decision.Status.IN_FORCE
    assert at_threshold.in_force_at == NOW + 2 * HOUR
    assert at_threshold.appeal_due_at == APPEAL_DUE
    assert at_threshold.effects.exists()
    settings.HALL_ACC_COUNTERSIGN_POINTS = 12
    eleven = decided(
        inspector, "R-ACC-4.5", {"clerk": 6, "chief": 5}, window=hall.window, person=clerk
    )
    assert eleven.status == Decision.Status.IN_FORCE


def test_r_acc_countersign_only_the_director_and_not_whoever_decided(
    hall, clerk, window_head, supervisor, director, inspector, inspector2
):
    # Only the center director countersigns, and never their own decision.
    decision = decided(
        inspector, "R-ACC-4.5", {"clerk": 6, "chief": 5}, window=hall.window, person=clerk
    )
    for actor in (inspector, inspector2, supervisor, window_head):
        with pytest.raises(PermissionDenied):
            decision_countersign(actor=actor, decision=decision, now=NOW + 3 * HOUR)
        with pytest.raises(PermissionDenied):
            decision_send_back(actor=actor, decision=decision, reasons="偏重", now=NOW)
    decision.refresh_from_db()
    assert decision.status == Decision.Status.COUNTERSIGN and not Effect.objects.exists()
    both = UserFactory(username="both", roles=[Role.INSPECTOR, Role.DIRECTOR])
    own = decided(both, "R-ACC-4.5", {"clerk": 6, "chief": 5}, window=hall.window, person=clerk)
    with pytest.raises(PermissionDenied):
        decision_countersign(actor=both, decision=own, now=NOW + 3 * HOUR)
    own.refresh_from_db()
    assert own.status == Decision.Status.COUNTERSIGN
    decision_countersign(actor=director, decision=own, now=NOW + 3 * HOUR)


def test_r_acc_countersign_the_director_sends_a_decision_back_and_a_new_one_is_taken(
    hall, clerk, window_head, director, inspector
):
    # The director does not countersign: the case goes back to be decided again.
    decision = decided(
        inspector, "R-ACC-4.5", {"clerk": 8, "chief": 7}, window=hall.window, person=clerk
    )
    with pytest.raises(ValidationError):
        decision_send_back(actor=director, decision=decision, reasons=" ", now=NOW + 3 * HOUR)
    decision_send_back(actor=director, decision=decision, reasons="量分偏重", now=NOW + 3 * HOUR)
    decision.refresh_from_db()
    assert decision.status == Decision.Status.SENT_BACK and "量分偏重" in decision.reasons
    case = decision.case
    assert status_of(case) == Status.HEARING and not Effect.objects.exists()
    assert Alert.objects.filter(user=inspector, key=f"acc-sent-back-{decision.pk}").exists()
    with pytest.raises(ValidationError):
        decision_countersign(actor=director, decision=decision, now=NOW + 4 * HOUR)
    again = decide(inspector, case, {"clerk": 5, "chief": 5}, now=NOW + 4 * HOUR)
    assert again.status == Decision.Status.IN_FORCE and case.decision == again
    assert status_of(case) == Status.DECIDED
    assert set(Effect.objects.values_list("decision", flat=True)) == {again.pk}


# --- 7. Effects (R-ACC-4, -5, -9) ----------------------------------------------------------------


def test_r_acc_5_a_person_rule_takes_points_the_award_and_warns_the_window_head(
    hall, clerk, window_head, inspector
):
    # R-ACC-5: 10–15 points off the person's month, the window loses the award, the
    # window head is warned.
    decision = decided(inspector, "R-ACC-5.1", {"clerk": 10}, window=hall.window, person=clerk)
    assert decision.status == Decision.Status.IN_FORCE
    window = hall.window.pk
    assert effects_of(decision) == sorted(
        [
            (Kind.AWARD_LOSS, window, None, Decimal(0)),
            (Kind.PERSON_POINTS, window, clerk.pk, Decimal(10)),
            (Kind.WARNING, window, window_head.pk, Decimal(0)),
        ]
    )
    assert set(decision.effects.values_list("month", flat=True)) == {dt.date(2026, 11, 1)}
    warning = decision.effects.get(kind=Kind.WARNING)
    assert Alert.objects.filter(user=window_head, key=f"acc-effect-{warning.pk}").exists()
    told = Alert.objects.get(user=clerk, key=f"acc-decided-{decision.pk}-{clerk.pk}")
    assert "2026-11-09" in told.body  # the appeal deadline


def test_r_acc_4_a_window_rule_takes_window_points_self_examination_and_rectification(
    hall, clerk, window_head, inspector
):
    # R-ACC-4: 5–10 points off the window's month, a written self-examination and a
    # rectification by a deadline.
    decision = decided(
        inspector,
        "R-ACC-4.5",
        {"clerk": 5, "chief": 5},
        window=hall.window,
        person=clerk,
        rectify_by=dt.date(2026, 11, 30),
    )
    window = hall.window.pk
    assert effects_of(decision) == sorted(
        [
            (Kind.WINDOW_POINTS, window, clerk.pk, Decimal(5)),
            (Kind.PERSON_POINTS, window, window_head.pk, Decimal(5)),
            (Kind.SELF_EXAMINATION, window, clerk.pk, Decimal(0)),
            (Kind.RECTIFICATION, window, clerk.pk, Decimal(0)),
        ]
    )
    due = dict(decision.effects.values_list("kind", "due_on"))
    # HALL_ACC_SELF_EXAMINATION_DAYS = 5 working days after Monday 2 November.
    assert due[Kind.SELF_EXAMINATION] == dt.date(2026, 11, 9)
    assert due[Kind.RECTIFICATION] == dt.date(2026, 11, 30)
    assert Kind.AWARD_LOSS not in due and Kind.WARNING not in due


def test_r_acc_4_the_rectification_deadline_defaults_to_the_working_days_set(
    settings, hall, clerk, inspector
):
    # R-ACC-4: without a date, HALL_ACC_RECTIFICATION_DAYS working days.
    settings.HALL_ACC_SELF_EXAMINATION_DAYS = 2
    decision = decided(inspector, "R-ACC-4.5", {"clerk": 5}, window=hall.window, person=clerk)
    due = dict(decision.effects.values_list("kind", "due_on"))
    assert due[Kind.RECTIFICATION] == dt.date(2026, 11, 16)
    assert due[Kind.SELF_EXAMINATION] == dt.date(2026, 11, 4)


def test_r_acc_4_a_rectification_deadline_in_the_past_is_refused(hall, clerk, inspector):
    # R-ACC-4: rectification by a deadline yet to come.
    with pytest.raises(ValidationError) as refused:
        decided(
            inspector,
            "R-ACC-4.5",
            {"clerk": 5},
            window=hall.window,
            person=clerk,
            rectify_by=dt.date(2026, 11, 2),
        )
    assert "rectify_by" in refused.value.message_dict
    assert not Decision.objects.exists()


def test_r_acc_9_brings_a_circulated_criticism(hall, clerk, inspector):
    # R-ACC-9: poor efficiency or attitude → circulated criticism (通报批评).
    decision = decided(inspector, "R-ACC-9", {"clerk": 2}, window=hall.window, person=clerk)
    assert effects_of(decision) == sorted(
        [
            (Kind.CRITICISM, hall.window.pk, clerk.pk, Decimal(0)),
            (Kind.PERSON_POINTS, hall.window.pk, clerk.pk, Decimal(2)),
        ]
    )
    zero = decided(inspector, "R-ACC-9", {"clerk": 0}, window=hall.window, person=clerk)
    assert effects_of(zero) == [(Kind.CRITICISM, hall.window.pk, clerk.pk, Decimal(0))]


# --- 8. Criticisms toward the return rule (R-ORG-5) ----------------------------------------------


def _criticisms_met(clerk, today):
    candidates, legend = return_check(today=today, members=StaffMember.objects.filter(user=clerk))
    assert {r.rule.code: r.available for r in legend}["criticisms"] is True
    return [
        (c.member.user_id, len(r.facts))
        for c in candidates
        for r in c.met
        if r.rule.code == "criticisms"
    ]


def test_r_org_5_two_criticisms_in_twelve_months_meet_the_return_rule_until_one_is_annulled(
    hall, clerk, inspector, director
):
    # R-ORG-5, R-ACC-9: two or more circulated criticisms in a year → return.
    june = at(2026, 6, 1, 9)
    decided(inspector, "R-ACC-9", {"clerk": 2}, window=hall.window, person=clerk, now=june)
    assert _criticisms_met(clerk, dt.date(2026, 11, 20)) == []  # one is not enough
    november = decided(inspector, "R-ACC-9", {"clerk": 1}, window=hall.window, person=clerk)
    assert _criticisms_met(clerk, dt.date(2026, 11, 20)) == [(clerk.pk, 2)]
    appeal = appeal_file(actor=clerk, decision=november, grounds="已改正", now=NOW + 3 * HOUR)
    appeal_review(
        actor=director,
        appeal=appeal,
        outcome=Appeal.Outcome.ANNULLED,
        reasons="事实不清",
        now=NOW + 4 * HOUR,
    )
    assert _criticisms_met(clerk, dt.date(2026, 11, 20)) == []


def test_r_org_5_a_criticism_older_than_twelve_months_does_not_count(hall, clerk, inspector):
    # R-ORG-5: "in a year".
    old = at(2025, 10, 20, 9)
    decided(inspector, "R-ACC-9", {"clerk": 2}, window=hall.window, person=clerk, now=old)
    decided(inspector, "R-ACC-9", {"clerk": 2}, window=hall.window, person=clerk)
    assert _criticisms_met(clerk, dt.date(2026, 11, 20)) == []


# --- 9. The sweep -------------------------------------------------------------------------------


def test_r_acc_4_the_sweep_flags_a_late_rectification_once(hall, clerk, window_head, inspector):
    # R-ACC-4: rectification by a deadline; not handed in by its day → flagged, once.
    decision = decided(
        inspector,
        "R-ACC-4.5",
        {"clerk": 5},
        window=hall.window,
        person=clerk,
        rectify_by=dt.date(2026, 11, 4),
    )
    rectification = decision.effects.get(kind=Kind.RECTIFICATION)
    examination = decision.effects.get(kind=Kind.SELF_EXAMINATION)  # due on the 9th
    assert sweep(now=at(2026, 11, 4, 23)) == {"late": 0, "closed": 0}  # its day is not over
    first = at(2026, 11, 5, 9)
    assert sweep(now=first) == {"late": 1, "closed": 0}
    alerts = Alert.objects.filter(key__startswith=f"acc-late-{rectification.pk}-")
    assert set(alerts.values_list("user", flat=True)) == {inspector.pk, window_head.pk}
    assert sweep(now=at(2026, 11, 5, 9, 10)) == {"late": 0, "closed": 0}
    assert alerts.count() == 2
    rectification.refresh_from_db()
    examination.refresh_from_db()
    assert rectification.late_at == first and examination.late_at is None


def test_r_acc_4_a_report_handed_in_is_not_flagged(hall, clerk, window_head, inspector):
    # R-ACC-4: the self-examination and rectification handed in by their day.
    decision = decided(
        inspector,
        "R-ACC-4.5",
        {"clerk": 5},
        window=hall.window,
        person=clerk,
        rectify_by=dt.date(2026, 11, 4),
    )
    rectification = decision.effects.get(kind=Kind.RECTIFICATION)
    with pytest.raises(PermissionDenied):
        effect_hand_in(actor=clerk, effect=rectification, now=at(2026, 11, 3, 9))
    effect_hand_in(actor=window_head, effect=rectification, now=at(2026, 11, 3, 9))
    with pytest.raises(ValidationError):  # once
        effect_hand_in(actor=inspector, effect=rectification, now=at(2026, 11, 3, 10))
    with pytest.raises(ValidationError):  # points are not handed in
        effect_hand_in(
            actor=inspector,
            effect=decision.effects.get(kind=Kind.WINDOW_POINTS),
            now=at(2026, 11, 3, 10),
        )
    assert sweep(now=at(2026, 11, 5, 9))["late"] == 0
    rectification.refresh_from_db()
    assert rectification.late_at is None and rectification.done_at == at(2026, 11, 3, 9)


def test_r_acc_1_the_sweep_closes_a_decided_case_past_its_appeal_deadline(hall, clerk, inspector):
    # R-ACC-1: once the time to appeal has passed, the case is closed.
    decision = decided(inspector, "R-ACC-9", {"clerk": 2}, window=hall.window, person=clerk)
    appealed = decided(inspector, "R-ACC-9", {"clerk": 3}, window=hall.window, person=clerk)
    appeal_file(actor=clerk, decision=appealed, grounds="不服", now=NOW + 3 * HOUR)
    assert sweep(now=APPEAL_DUE)["closed"] == 0
    assert status_of(decision.case) == Status.DECIDED
    after = APPEAL_DUE + dt.timedelta(seconds=1)
    assert sweep(now=after)["closed"] == 1
    assert status_of(decision.case) == Status.CLOSED and decision.case.closed_at == after
    assert status_of(appealed.case) == Status.APPEALED  # its appeal waits for review
    assert sweep(now=after + HOUR)["closed"] == 0
    assert decision.case.history.first().history_user is None


# --- 10. The appeal (R-ACC-1) ---------------------------------------------------------------------


@pytest.fixture
def in_force(hall, clerk, window_head, inspector):
    """An R-ACC-4.5 decision in force since Monday 2 November 11:00: the clerk 5
    points off the window, the chief (the window head) 5 off their own month."""
    return decided(
        inspector, "R-ACC-4.5", {"clerk": 5, "chief": 5}, window=hall.window, person=clerk
    )


def test_r_acc_1_a_person_charged_appeals_within_the_appeal_days(
    in_force, clerk, window_head, inspector, inspector2, director
):
    # R-ACC-1: appeal within HALL_ACC_APPEAL_DAYS working days.
    assert in_force.appeal_due_at == APPEAL_DUE
    appeal = appeal_file(actor=clerk, decision=in_force, grounds="系统故障所致", now=APPEAL_DUE)
    assert (appeal.appellant, appeal.filed_at, appeal.outcome) == (clerk, APPEAL_DUE, "")
    assert status_of(in_force.case) == Status.APPEALED
    told = set(Alert.objects.filter(key__startswith="acc-appeal-").values_list("user", flat=True))
    assert told == {inspector2.pk, director.pk}  # not whoever decided
    second = appeal_file(actor=window_head, decision=in_force, grounds="非我职责", now=APPEAL_DUE)
    assert second.appellant == window_head


def test_r_acc_1_an_appeal_after_the_deadline_is_refused(settings, in_force, clerk):
    # R-ACC-1: the time to appeal is set.
    with pytest.raises(ValidationError):
        appeal_file(
            actor=clerk,
            decision=in_force,
            grounds="不服",
            now=APPEAL_DUE + dt.timedelta(seconds=1),
        )
    assert not Appeal.objects.exists() and status_of(in_force.case) == Status.DECIDED


def test_r_acc_1_only_a_person_charged_appeals_and_only_once(
    in_force, clerk, clerk2, supervisor, outsider
):
    # R-ACC-1: the person charged appeals, once per decision.
    for stranger in (clerk2, supervisor, outsider):
        with pytest.raises(PermissionDenied):
            appeal_file(actor=stranger, decision=in_force, grounds="不服", now=NOW + 3 * HOUR)
    with pytest.raises(ValidationError):
        appeal_file(actor=clerk, decision=in_force, grounds="  ", now=NOW + 3 * HOUR)
    assert not Appeal.objects.exists()
    appeal_file(actor=clerk, decision=in_force, grounds="不服", now=NOW + 3 * HOUR)
    with pytest.raises(ValidationError):
        appeal_file(actor=clerk, decision=in_force, grounds="再次不服", now=NOW + 4 * HOUR)
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize("reviewer", ["inspector2", "director"])
def test_r_acc_1_a_different_inspector_or_the_director_reviews_an_appeal(
    request, in_force, clerk, inspector, reviewer
):
    # R-ACC-1: not whoever decided, nor the appellant.
    appeal = appeal_file(actor=clerk, decision=in_force, grounds="不服", now=NOW + 3 * HOUR)
    for wrong in (inspector, clerk):
        with pytest.raises(PermissionDenied):
            appeal_review(
                actor=wrong,
                appeal=appeal,
                outcome=Appeal.Outcome.UPHELD,
                reasons="维持",
                now=NOW + 4 * HOUR,
            )
    appeal.refresh_from_db()
    assert appeal.outcome == ""
    actor = request.getfixturevalue(reviewer)
    appeal_review(
        actor=actor,
        appeal=appeal,
        outcome=Appeal.Outcome.UPHELD,
        reasons="维持",
        now=NOW + 4 * HOUR,
    )
    appeal.refresh_from_db()
    assert (appeal.outcome, appeal.reviewer) == (Appeal.Outcome.UPHELD, actor)


def test_r_acc_1_an_inspector_charged_by_the_decision_does_not_review_its_appeal(
    hall, clerk, inspector, inspector2, admin_user
):
    # R-ACC-1 (fair), R-ACC-2: an inspector charged at the inspector link is no
    # "different inspector" for the appeal against the same decision.
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
    appeal = appeal_file(actor=clerk, decision=decision, grounds="不服", now=NOW + 3 * HOUR)
    with pytest.raises(PermissionDenied):
        appeal_review(
            actor=inspector2,
            appeal=appeal,
            outcome=Appeal.Outcome.CHANGED,
            reasons="改",
            points={"inspector": 0},
            now=NOW + 4 * HOUR,
        )
    assert not Alert.objects.filter(key__startswith="acc-appeal-", user=inspector2).exists()


def test_r_acc_1_an_appeal_upheld_leaves_the_decision_and_its_effects(in_force, clerk, director):
    # R-ACC-1: upheld → unchanged, and the case is closed.
    before = effects_of(in_force)
    appeal = appeal_file(actor=clerk, decision=in_force, grounds="不服", now=NOW + 3 * HOUR)
    kept = appeal_review(
        actor=director,
        appeal=appeal,
        outcome=Appeal.Outcome.UPHELD,
        reasons="事实清楚",
        now=NOW + 4 * HOUR,
    )
    in_force.refresh_from_db()
    assert kept == in_force and in_force.status == Decision.Status.IN_FORCE
    assert effects_of(in_force) == before
    assert not Effect.objects.filter(revoked_at__isnull=False).exists()
    assert status_of(in_force.case) == Status.CLOSED
    assert Alert.objects.filter(user=clerk, key=f"acc-reviewed-{appeal.pk}").exists()
    with pytest.raises(ValidationError):  # once
        appeal_review(
            actor=director,
            appeal=appeal,
            outcome=Appeal.Outcome.ANNULLED,
            reasons="再审",
            now=NOW + 5 * HOUR,
        )


def test_r_acc_1_an_appeal_changed_replaces_the_decision_and_its_effects(
    in_force, hall, clerk, window_head, inspector2
):
    # R-ACC-1: changed → a new decision with the new points, new effects; the old
    # effects revoked.
    old_effects = list(in_force.effects.all())
    appeal = appeal_file(actor=clerk, decision=in_force, grounds="不服", now=NOW + 3 * HOUR)
    with pytest.raises(ValidationError):  # above the old decision's top
        appeal_review(
            actor=inspector2,
            appeal=appeal,
            outcome=Appeal.Outcome.CHANGED,
            reasons="改",
            points={"clerk": 11},
            now=NOW + 4 * HOUR,
        )
    new = appeal_review(
        actor=inspector2,
        appeal=appeal,
        outcome=Appeal.Outcome.CHANGED,
        reasons="情节较轻",
        points={"clerk": 3},
        now=NOW + 4 * HOUR,
    )
    in_force.refresh_from_db()
    assert in_force.status == Decision.Status.SUPERSEDED and in_force.replaced_by == new
    assert new.status == Decision.Status.IN_FORCE and new.decided_by == inspector2
    assert {(c.link, c.person, c.points) for c in new.charges.all()} == {
        ("clerk", clerk, Decimal(3)),
        ("chief", window_head, Decimal(5)),
    }
    for effect in old_effects:
        effect.refresh_from_db()
        assert effect.revoked_at == NOW + 4 * HOUR
    assert set(Effect.objects.in_force().values_list("decision", flat=True)) == {new.pk}
    assert new.effects.get(kind=Kind.WINDOW_POINTS).points == 3
    assert new.case.decision == new and status_of(new.case) == Status.CLOSED


def test_r_acc_1_an_appeal_changed_to_the_same_points_is_refused(in_force, clerk, inspector2):
    # R-ACC-1: a change that changes nothing is an uphold.
    appeal = appeal_file(actor=clerk, decision=in_force, grounds="不服", now=NOW + 3 * HOUR)
    for points in ({"clerk": 5, "chief": 5}, {"clerk": 5}):
        with pytest.raises(ValidationError):
            appeal_review(
                actor=inspector2,
                appeal=appeal,
                outcome=Appeal.Outcome.CHANGED,
                reasons="改",
                points=points,
                now=NOW + 4 * HOUR,
            )
    in_force.refresh_from_db()
    assert in_force.status == Decision.Status.IN_FORCE
    assert Decision.objects.count() == 1


def test_r_acc_1_an_appeal_annulled_revokes_every_effect(
    in_force, hall, clerk, window_head, director, inspector
):
    # R-ACC-1: annulled → every effect revoked; the monthly assessment no longer reads
    # them.
    later = open_case(inspector, "R-ACC-5.1", window=hall.window, person=clerk, now=NOW + HOUR)
    assert earlier_acts(later) == [in_force.case]
    effects = list(in_force.effects.all())
    assert len(effects) == 4
    first = appeal_file(actor=clerk, decision=in_force, grounds="不服", now=NOW + 3 * HOUR)
    second = appeal_file(actor=window_head, decision=in_force, grounds="不服", now=NOW + 3 * HOUR)
    found = appeal_review(
        actor=director,
        appeal=first,
        outcome=Appeal.Outcome.ANNULLED,
        reasons="证据不足",
        now=NOW + 4 * HOUR,
    )
    assert found is None
    in_force.refresh_from_db()
    assert in_force.status == Decision.Status.ANNULLED
    for effect in effects:
        effect.refresh_from_db()
        assert effect.revoked_at == NOW + 4 * HOUR
    assert not Effect.objects.in_force().exists()
    second.refresh_from_db()  # settled with it
    assert (second.outcome, second.reviewer) == (Appeal.Outcome.ANNULLED, director)
    assert status_of(in_force.case) == Status.CLOSED
    # An annulled decision is no earlier act either (R-ACC-6.3).
    assert earlier_acts(later) == []


# --- 11. Grouping stays idempotent (R-ACC-1) ----------------------------------------------------


def test_r_acc_1_a_case_being_heard_takes_no_new_occurrence(hall, clerk, inspector):
    # R-ACC-1: the job run again opens nothing new; a later act of the same person and
    # month opens a new case rather than joining the one being heard.
    first, _ = occurrence_record(
        rule="R-ACC-9",
        source=hall.window,
        occurred_at=at(2026, 11, 2, 10),
        window=hall.window,
        person=clerk,
        detail="态度生硬",
    )
    assert cases_from_occurrences(now=at(2026, 11, 2, 11)) == 1
    first.refresh_from_db()
    case = first.case
    hear(inspector, case, {"clerk": clerk}, now=at(2026, 11, 2, 12))
    assert cases_from_occurrences(now=at(2026, 11, 2, 13)) == 0
    assert status_of(case) == Status.HEARING and case.occurrences.count() == 1
    later, _ = occurrence_record(
        rule="R-ACC-9",
        source=hall.department,
        occurred_at=at(2026, 11, 3, 10),
        window=hall.window,
        person=clerk,
        detail="推诿群众",
    )
    assert cases_from_occurrences(now=at(2026, 11, 3, 11)) == 1
    later.refresh_from_db()
    assert later.case != case and later.case.group_key == f"{case.group_key}:2"
    assert later.case.status == Status.OPEN
    case.refresh_from_db()
    assert case.occurrences.count() == 1 and "推诿群众" not in case.facts
    assert cases_from_occurrences(now=at(2026, 11, 3, 12)) == 0


# --- 13. History ----------------------------------------------------------------------------------


def test_r_acc_1_every_step_is_in_history_with_whoever_took_it(
    hall, clerk, window_head, director, inspector, inspector2
):
    # R-ACC-1: facts first and fair — every step is on record with its author.
    case = open_case(inspector, "R-ACC-4.5", window=hall.window, person=clerk)
    clerk_heard, chief_heard = hear(inspector, case, {"clerk": clerk, "chief": window_head})
    assert clerk_heard.history.first().history_user == inspector
    assert case.history.first().history_user == inspector and case.history.first().status == (
        Status.HEARING
    )
    state(clerk_heard, now=NOW + HOUR)
    state(chief_heard, actor=inspector2, now=NOW + HOUR)
    assert clerk_heard.history.first().history_user == clerk
    assert chief_heard.history.first().history_user == inspector2
    decision = decide(inspector, case, {"clerk": 6, "chief": 5}, now=NOW + 2 * HOUR)
    assert decision.history.first().history_user == inspector
    assert {c.history.first().history_user for c in decision.charges.all()} == {inspector}
    decision_countersign(actor=director, decision=decision, now=NOW + 3 * HOUR)
    assert decision.history.first().history_user == director
    assert decision.history.last().history_user == inspector
    assert case.history.first().history_user == director
    assert {e.history.first().history_user for e in decision.effects.all()} == {director}
    appeal = appeal_file(actor=clerk, decision=decision, grounds="不服", now=NOW + 4 * HOUR)
    assert appeal.history.first().history_user == clerk
    assert case.history.first().history_user == clerk
    assert case.history.first().status == Status.APPEALED
    appeal_review(
        actor=inspector2,
        appeal=appeal,
        outcome=Appeal.Outcome.ANNULLED,
        reasons="证据不足",
        now=NOW + 5 * HOUR,
    )
    assert appeal.history.first().history_user == inspector2
    assert decision.history.first().history_user == inspector2
    assert {
        (e.history.first().history_user, e.history.first().revoked_at is not None)
        for e in decision.effects.all()
    } == {(inspector2, True)}
    assert case.history.first().history_user == inspector2
