"""The annual review of 2026 (R-SCORE-3, -4, -5, -6; R-ORG-5).

The year's monthly scores are written as published (or not) months directly: what is
under test is how the year is made of them. The year is computed on 15 January 2027.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from accountability.models import AccountabilityCase, Decision, Effect, Rule
from assessment.annual import annual_grades_in, merit_of, merit_parts, merit_rate
from assessment.models import DepartmentResult, MeritRating, Period, Score
from assessment.services import period_compute, period_publish, period_review
from cases.models import FirstInquiry
from complaints.models import Rating
from hall.roles import Role
from staff.models import StaffMember
from staff.returns import return_check
from tests.factories import StaffMemberFactory, UserFactory, WindowFactory

pytestmark = pytest.mark.django_db

YEAR = dt.date(2026, 1, 1)
NOW = timezone.make_aware(dt.datetime(2027, 1, 15, 9))
GRADES = {
    "HALL_SCORE_EXCELLENT_QUOTA": Decimal("0.15"),
    "HALL_SCORE_EXCELLENT_MIN": 90,
    "HALL_SCORE_COMPETENT_MIN": 70,
    "HALL_SCORE_BASIC_MIN": 60,
}
# The 德能勤绩廉 share (0.4) and weights (self 10, leader 40, peer 20, applicants 30) are
# the settings' defaults: the tests below rely on them on purpose.
EXC, COM, BAS, INC = (
    Score.Grade.EXCELLENT,
    Score.Grade.COMPETENT,
    Score.Grade.BASIC,
    Score.Grade.INCOMPETENT,
)

_seq = itertools.count(1)


def at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


# --- makers --------------------------------------------------------------------------


def month(n, status=Period.Status.FINAL, year=2026) -> Period:
    period, _created = Period.objects.get_or_create(
        kind=Period.Kind.MONTH, start=dt.date(year, n, 1), defaults={"status": status}
    )
    return period


def monthly(period, total, *, window=None, member=None, complaints=0, **indicators):
    """A monthly score of `total` for a window or (given `member`) a staff member."""
    window = window or member.window
    return Score.objects.create(
        period=period,
        subject=Score.Subject.PERSON if member else Score.Subject.WINDOW,
        window=window,
        department_id=member.department_id if member else window.department_id,
        member=member,
        base=Decimal(total),
        total=Decimal(total),
        complaints=complaints,
        **indicators,
    )


def staff(window, n, prefix="员工") -> list[StaffMember]:
    return [
        StaffMemberFactory(
            user=UserFactory(username=f"{prefix}-{next(_seq)}", first_name=f"{prefix}{i}"),
            window=window,
            department=window.department,
        )
        for i in range(n)
    ]


def compute_year(actor, now=NOW) -> Period:
    return period_compute(kind=Period.Kind.YEAR, start=YEAR, actor=actor, now=now)


def annual(period, member) -> Score:
    return Score.objects.get(period=period, subject=Score.Subject.PERSON, member=member)


def annual_window(period, window) -> Score:
    return Score.objects.get(period=period, subject=Score.Subject.WINDOW, window=window)


def marks(value=None, **each):
    return {d: each.get(d, value) for d in MeritRating.DIMENSIONS}


def award_loss(inspector, window, month_, *, revoked=False):
    n = next(_seq)
    when = at(month_.year, month_.month, 20, 10)
    case = AccountabilityCase.objects.create(
        number=f"AN{n:05d}",
        rule=Rule.objects.get(code="R-ACC-5.1"),
        origin=AccountabilityCase.Origin.INSPECTION,
        month=month_,
        facts="超过法定时限",
        status=AccountabilityCase.Status.DECIDED,
        opened_by=inspector,
        opened_at=when,
    )
    decision = Decision.objects.create(
        case=case,
        status=Decision.Status.IN_FORCE,
        decided_by=inspector,
        decided_at=when,
        reasons="事实清楚",
        points_min=Decimal(10),
        points_max=Decimal(15),
    )
    return Effect.objects.create(
        decision=decision,
        kind=Effect.Kind.AWARD_LOSS,
        window=window,
        month=month_,
        created_at=when,
        revoked_at=when if revoked else None,
    )


def grades_of(period, members) -> list:
    return [annual(period, m).grade for m in members]


# --- 1. Grades and the excellent quota ------------------------------------------------


@override_settings(**GRADES)
def test_the_quota_of_twenty_is_three_and_the_fourth_with_the_same_score_is_left_out(
    hall, supervisor
):
    people = staff(hall.window, 20)
    jan = month(1)
    # 98, 96, 95 without a complaint, 95 with one, 92, and fifteen at 80.
    for m, total, complaints in zip(
        people, [98, 96, 95, 95, 92] + [80] * 15, [0, 0, 0, 1, 0] + [0] * 15, strict=True
    ):
        monthly(jan, total, member=m, complaints=complaints)
    year = compute_year(supervisor)
    # 20 × 0.15 = 3 places: the 95 with fewer complaints takes the third; 92 is not
    # excellent although above 90, the quota is used up.
    assert grades_of(year, people[:6]) == [EXC, EXC, EXC, COM, COM, COM]
    assert Score.objects.filter(period=year, grade=EXC).count() == 3


@override_settings(**GRADES)
def test_a_tie_on_the_total_is_broken_by_the_monthly_mean(hall, supervisor, director):
    people = staff(hall.window, 20)
    jan = month(1)
    for m, total in zip(people, [98, 96, 95, 93] + [80] * 16, strict=True):
        monthly(jan, total, member=m)
    # Both end at 95: the third with 95 × 0.6 + 95 × 0.4, the fourth with
    # 93 × 0.6 + 98 × 0.4 = 55.8 + 39.2; the higher monthly mean wins.
    merit_rate(year=2026, member=people[2], actor=director, marks=marks(95), now=NOW)
    merit_rate(year=2026, member=people[3], actor=director, marks=marks(98), now=NOW)
    year = compute_year(supervisor)
    assert [annual(year, m).total for m in people[2:4]] == [Decimal("95.00"), Decimal("95.00")]
    assert grades_of(year, people[:4]) == [EXC, EXC, EXC, COM]


@override_settings(**GRADES)
def test_a_tie_on_every_criterion_across_the_edge_gives_the_place_to_neither(hall, supervisor):
    people = staff(hall.window, 20)
    jan = month(1)
    for m, total in zip(people, [98, 96, 95, 95] + [80] * 16, strict=True):
        monthly(jan, total, member=m)
    year = compute_year(supervisor)
    assert grades_of(year, people[:4]) == [EXC, EXC, COM, COM]
    assert Score.objects.filter(period=year, grade=EXC).count() == 2


@override_settings(**GRADES)
def test_the_quota_is_rounded_down(hall, supervisor):
    people = staff(hall.window, 19)
    jan = month(1)
    for m, total in zip(people, [98, 96, 95] + [80] * 16, strict=True):
        monthly(jan, total, member=m)
    year = compute_year(supervisor)
    # 19 × 0.15 = 2.85: two places.
    assert grades_of(year, people[:3]) == [EXC, EXC, COM]


@override_settings(**{**GRADES, "HALL_SCORE_EXCELLENT_QUOTA": Decimal("0.5")})
def test_nobody_below_the_floor_is_excellent_even_with_places_left(hall, supervisor):
    people = staff(hall.window, 6)
    jan = month(1)
    for m, total in zip(people, ["95", "90.00", "89.99", "89", "85", "80"], strict=True):
        monthly(jan, total, member=m)
    year = compute_year(supervisor)
    # 3 places, but only 95 and 90.00 reach the floor of 90.
    assert grades_of(year, people) == [EXC, EXC, COM, COM, COM, COM]


@override_settings(**GRADES)
def test_the_other_grades_follow_their_floors(hall, supervisor):
    people = staff(hall.window, 6)
    jan = month(1)
    for m, total in zip(people, ["70.00", "69.99", "60.00", "59.99", "89.99", "0"], strict=True):
        monthly(jan, total, member=m)
    year = compute_year(supervisor)
    assert grades_of(year, people) == [COM, BAS, BAS, INC, COM, INC]


@override_settings(**{**GRADES, "HALL_SCORE_COMPETENT_MIN": 80, "HALL_SCORE_BASIC_MIN": 75})
def test_the_floors_come_from_the_settings(hall, supervisor):
    people = staff(hall.window, 3)
    jan = month(1)
    for m, total in zip(people, ["80", "79.99", "74.99"], strict=True):
        monthly(jan, total, member=m)
    year = compute_year(supervisor)
    assert grades_of(year, people) == [COM, BAS, INC]


# --- 2. The window's year and the department's 40 % -----------------------------------


def test_a_window_scores_the_mean_of_its_published_months_only(hall, supervisor):
    a01 = hall.window
    monthly(month(1, Period.Status.FINAL), 92, window=a01, cases_done=3, complaints=1)
    monthly(month(2, Period.Status.PUBLICITY), 88, window=a01, cases_done=4)
    monthly(month(3, Period.Status.DRAFT), 50, window=a01, cases_done=100)  # ignored
    monthly(month(4, Period.Status.REVIEWED), 40, window=a01, cases_done=100)  # ignored
    monthly(month(12, Period.Status.FINAL, year=2025), 10, window=a01)  # another year
    monthly(month(1, Period.Status.FINAL, year=2027), 10, window=a01)  # another year
    year = compute_year(supervisor)
    score = annual_window(year, a01)
    # (92 + 88) / 2 = 90 over 2 months; the indicators are summed: 3 + 4 cases, 1 complaint.
    assert (score.base, score.total, score.months) == (Decimal("90.00"), Decimal("90.00"), 2)
    assert (score.cases_done, score.complaints) == (7, 1)


def test_the_department_takes_forty_percent_of_its_windows_mean(hall, supervisor):
    c01 = WindowFactory(number="C01", name="不动产窗口", department=hall.department)
    jan, feb = month(1), month(2)
    # A01: (92 + 88) / 2 = 90; C01: (86 + 84) / 2 = 85; B01 (department D2): 80.
    for w, totals in ((hall.window, (92, 88)), (c01, (86, 84)), (hall.other_window, (80, 80))):
        monthly(jan, totals[0], window=w)
        monthly(feb, totals[1], window=w)
    year = compute_year(supervisor)
    results = {
        r.department.code: (r.window_score, r.share, r.contribution)
        for r in DepartmentResult.objects.filter(period=year).select_related("department")
    }
    assert results == {
        # (90 + 85) / 2 = 87.5; 87.5 × 0.40 = 35
        "D1": (Decimal("87.50"), Decimal("0.40"), Decimal("35.00")),
        # 80 × 0.40 = 32
        "D2": (Decimal("80.00"), Decimal("0.40"), Decimal("32.00")),
    }
    # A rerun replaces them.
    compute_year(supervisor)
    assert DepartmentResult.objects.filter(period=year).count() == 2


@override_settings(HALL_SCORE_DEPARTMENT_SHARE=Decimal("0.25"))
def test_the_department_share_comes_from_the_setting(hall, supervisor):
    monthly(month(1), 90, window=hall.window)
    year = compute_year(supervisor)
    result = DepartmentResult.objects.get(period=year, department=hall.department)
    assert (result.share, result.contribution) == (Decimal("0.25"), Decimal("22.50"))


def test_the_annual_means_round_half_up(hall, supervisor):
    monthly(month(1), "90.01", window=hall.window)
    monthly(month(2), "90.00", window=hall.window)
    year = compute_year(supervisor)
    # (90.01 + 90.00) / 2 = 90.005 → 90.01 (四舍五入)
    assert annual_window(year, hall.window).total == Decimal("90.01")
    result = DepartmentResult.objects.get(period=year, department=hall.department)
    # the window's 90.01 × 0.40 = 36.004 → 36.00
    assert (result.window_score, result.contribution) == (Decimal("90.01"), Decimal("36.00"))


# --- 3. The 德能勤绩廉 rating and the staff member's year -------------------------------


@pytest.fixture
def colleague(hall, clerk):
    """赵甲, another clerk at A01: the clerk's peer."""
    return StaffMemberFactory(
        user=UserFactory(username="colleague", first_name="赵甲", roles=[Role.CLERK]),
        window=hall.window,
        department=hall.department,
    ).user


def rate(inquiry_, level, when, member, *, invalid=False):
    return Rating.objects.create(
        inquiry=inquiry_,
        window=member.window,
        staff_member=member,
        level=level,
        source=Rating.Source.TABLET,
        visit_on=timezone.localdate(when),
        rated_at=when,
        invalid=invalid,
    )


def rated(member, level, when, *, invalid=False):
    asked = FirstInquiry.objects.create(
        window=member.window,
        received_by=member.user,
        received_at=when,
        subject="咨询",
        disposition=FirstInquiry.Disposition.ANSWERED,
    )
    return rate(asked, level, when, member, invalid=invalid)


@pytest.fixture
def merits(hall, clerk, colleague, window_head, director, supervisor):
    """王小明's year: self 90; leaders 80 and 90 (mean 85); a peer 70–90 (mean 80);
    applicants 3 satisfied of 4 valid ratings (75)."""
    wang = StaffMember.objects.get(user=clerk)
    merit_rate(year=2026, member=wang, actor=clerk, marks=marks(90), now=NOW)
    merit_rate(year=2026, member=wang, actor=window_head, marks=marks(80), now=NOW)
    merit_rate(year=2026, member=wang, actor=director, marks=marks(90), now=NOW)
    merit_rate(
        year=2026,
        member=wang,
        actor=colleague,
        marks={"conduct": 70, "ability": 75, "diligence": 80, "results": 85, "integrity": 90},
        now=NOW,
    )
    rated(wang, 5, at(2026, 1, 1, 0, 30))  # the year's first hour (still 2025 in UTC)
    rated(wang, 4, at(2026, 3, 10, 10))
    rated(wang, 3, at(2026, 6, 10, 10))
    rated(wang, 2, at(2026, 9, 10, 10))
    rated(wang, 1, at(2026, 9, 11, 10), invalid=True)  # invalid: left out
    rated(wang, 1, at(2025, 12, 31, 23, 30))  # last year
    rated(wang, 1, at(2027, 1, 1, 0, 30))  # next year (still 2026 in UTC)
    return wang


@override_settings(**GRADES)
def test_the_rating_parts_are_the_means_of_each_kind_of_rater(merits):
    year = Period.objects.get(kind=Period.Kind.YEAR, start=YEAR)
    parts = merit_parts(year)[merits.pk]
    assert parts == {
        "self": Decimal(90),
        "leader": Decimal(85),  # (80 + 90) / 2
        "peer": Decimal(80),  # (70 + 75 + 80 + 85 + 90) / 5
        "applicant": Decimal(75),  # 5, 4, 3 satisfied of 5, 4, 3, 2
    }
    # (90 × 10 + 85 × 40 + 80 × 20 + 75 × 30) / 100 = (900 + 3400 + 1600 + 2250) / 100
    assert merit_of(parts) == Decimal("81.50")


@override_settings(**GRADES)
def test_a_missing_part_gives_its_weight_to_the_others():
    # No peer, no applicants: (90 × 10 + 85 × 40) / (10 + 40) = 4300 / 50
    assert merit_of({"self": Decimal(90), "leader": Decimal(85)}) == Decimal("86.00")
    # Applicants only: their rate.
    assert merit_of({"applicant": Decimal("62.5")}) == Decimal("62.50")
    assert merit_of({}) is None


@override_settings(**{**GRADES, "HALL_SCORE_MERIT_WEIGHTS": (0, 100, 0, 0)})
def test_the_weights_of_the_parts_come_from_the_settings():
    parts = {"self": Decimal(90), "leader": Decimal(85), "applicant": Decimal(50)}
    assert merit_of(parts) == Decimal("85.00")
    assert merit_of({"self": Decimal(90)}) is None  # a part weighing nothing is no part


@override_settings(**GRADES)
def test_the_staff_year_is_sixty_percent_monthly_mean_and_forty_percent_rating(
    merits, hall, supervisor, window_head
):
    monthly(month(1), 95, member=merits)
    monthly(month(2, Period.Status.PUBLICITY), 85, member=merits)
    monthly(month(3, Period.Status.DRAFT), 20, member=merits)  # not published: ignored
    head = StaffMember.objects.get(user=window_head)
    monthly(month(1), 80, member=head)
    year = compute_year(supervisor)
    wang = annual(year, merits)
    # monthly mean (95 + 85) / 2 = 90; 90 × 0.6 + 81.5 × 0.4 = 54 + 32.6 = 86.6
    assert (wang.base, wang.merit, wang.total, wang.months) == (
        Decimal("90.00"),
        Decimal("81.50"),
        Decimal("86.60"),
        2,
    )
    # Nobody rated the window head: the monthly mean alone.
    assert (annual(year, head).merit, annual(year, head).total) == (None, Decimal("80.00"))


@override_settings(**{**GRADES, "HALL_SCORE_MERIT_SHARE": Decimal("0.5")})
def test_the_rating_share_comes_from_the_setting(merits, supervisor):
    monthly(month(1), 90, member=merits)
    year = compute_year(supervisor)
    # 90 × 0.5 + 81.5 × 0.5 = 85.75
    assert annual(year, merits).total == Decimal("85.75")


def test_someone_who_left_their_window_is_reviewed_where_they_last_worked(hall, clerk, supervisor):
    wang = StaffMember.objects.get(user=clerk)
    c01 = WindowFactory(number="C01", name="不动产窗口", department=hall.department)
    monthly(month(1), 80, member=wang)  # at A01
    monthly(month(2), 90, member=wang, window=c01)  # moved to C01 in February
    StaffMember.objects.filter(pk=wang.pk).update(window=None, is_active=False)
    year = compute_year(supervisor)
    score = annual(year, wang)
    assert (score.window_id, score.total, score.months) == (c01.pk, Decimal("85.00"), 2)


# --- 4. Proposals for the year's awards -------------------------------------------------


@override_settings(
    **GRADES,
    HALL_SCORE_RED_FLAG_WINDOWS=1,
    HALL_SCORE_ADVANCED_WINDOWS=2,
    HALL_SCORE_ADVANCED_PEOPLE=1,
)
def test_the_best_windows_and_people_are_proposed_but_not_a_window_that_lost_an_award(
    hall, supervisor, inspector
):
    c01 = WindowFactory(number="C01", name="不动产窗口", department=hall.department)
    d01 = WindowFactory(number="D01", name="社保窗口", department=hall.other_department)
    e01 = WindowFactory(number="E01", name="公积金窗口", department=hall.other_department)
    jan = month(1)
    for w, total in ((hall.window, 98), (hall.other_window, 95), (c01, 90), (d01, 85), (e01, 80)):
        monthly(jan, total, window=w)
    award_loss(inspector, hall.window, dt.date(2026, 3, 1))  # A01 lost March's award
    award_loss(inspector, c01, dt.date(2026, 5, 1), revoked=True)  # annulled on appeal
    award_loss(inspector, hall.other_window, dt.date(2025, 12, 1))  # last year
    people = staff(hall.window, 4)
    for m, total in zip(people, [97, 96, 85, 80], strict=True):
        monthly(jan, total, member=m)
    year = compute_year(supervisor)
    proposals = {
        s.window.number: (s.award_eligible, s.proposal)
        for s in Score.objects.filter(period=year, subject=Score.Subject.WINDOW)
    }
    assert proposals == {
        "A01": (False, ""),  # the best score, but not eligible
        "B01": (True, Score.Proposal.RED_FLAG),
        "C01": (True, Score.Proposal.ADVANCED_WINDOW),
        "D01": (True, Score.Proposal.ADVANCED_WINDOW),
        "E01": (True, ""),
    }
    # 4 × 0.15 = 0.6: no place for 优秀, so nobody is an advanced individual.
    assert [annual(year, m).proposal for m in people] == ["", "", "", ""]


@override_settings(
    **{**GRADES, "HALL_SCORE_EXCELLENT_QUOTA": Decimal("0.5")}, HALL_SCORE_ADVANCED_PEOPLE=1
)
def test_only_the_best_excellent_staff_are_proposed_as_advanced_individuals(hall, supervisor):
    people = staff(hall.window, 4)
    jan = month(1)
    for m, total in zip(people, [97, 96, 85, 80], strict=True):
        monthly(jan, total, member=m)
    year = compute_year(supervisor)
    assert grades_of(year, people) == [EXC, EXC, COM, COM]
    assert [annual(year, m).proposal for m in people] == [
        Score.Proposal.ADVANCED_PERSON,
        "",
        "",
        "",
    ]
    assert [annual(year, m).rank for m in people] == [1, 2, 3, 4]


# --- 5. Collecting the 德能勤绩廉 marks ---------------------------------------------------


@pytest.mark.parametrize(
    "persona, kind",
    [
        ("clerk", MeritRating.Rater.SELF),
        ("window_head", MeritRating.Rater.LEADER),
        ("chief", MeritRating.Rater.LEADER),
        ("department_head", MeritRating.Rater.LEADER),
        ("director", MeritRating.Rater.LEADER),
        ("supervisor", MeritRating.Rater.LEADER),
        ("colleague", MeritRating.Rater.PEER),
    ],
)
def test_the_person_their_leaders_and_their_peers_rate_them(persona, kind, request, clerk):
    actor = request.getfixturevalue(persona)
    wang = StaffMember.objects.get(user=clerk)
    rating = merit_rate(year=2026, member=wang, actor=actor, marks=marks(88), now=NOW)
    assert (rating.rater, rating.rater_kind, rating.average) == (actor, kind, Decimal(88))
    assert rating.history.first().history_user == actor


@pytest.fixture
def chief(hall):
    user = UserFactory(username="chief", first_name="钱首席", roles=[Role.WINDOW_HEAD])
    hall.window.chief_representative = user
    hall.window.save()
    return user


@pytest.fixture
def clerk_b01(hall):
    return StaffMemberFactory(
        user=UserFactory(username="clerk-b01", first_name="孙丽", roles=[Role.CLERK]),
        window=hall.other_window,
        department=hall.other_department,
    ).user


@pytest.mark.parametrize("persona", ["outsider", "inspector", "applicant", "clerk_b01"])
def test_it_refuses_a_rating_from_anyone_else(persona, request, clerk):
    wang = StaffMember.objects.get(user=clerk)
    with pytest.raises(PermissionDenied):
        merit_rate(
            year=2026, member=wang, actor=request.getfixturevalue(persona), marks=marks(88), now=NOW
        )
    assert not MeritRating.objects.exists()


def test_a_former_colleague_no_longer_rates_as_a_peer(clerk, colleague):
    StaffMember.objects.filter(user=colleague).update(is_active=False)
    with pytest.raises(PermissionDenied):
        merit_rate(
            year=2026,
            member=StaffMember.objects.get(user=clerk),
            actor=colleague,
            marks=marks(88),
            now=NOW,
        )


@pytest.mark.parametrize(
    "given",
    [
        marks(88, conduct=101),
        marks(88, integrity=-1),
        marks(88, ability="优"),
        marks(88, results=None),
        {"conduct": 88},
    ],
)
def test_it_refuses_marks_outside_nought_to_a_hundred(given, clerk, window_head):
    with pytest.raises(ValidationError):
        merit_rate(
            year=2026,
            member=StaffMember.objects.get(user=clerk),
            actor=window_head,
            marks=given,
            now=NOW,
        )
    assert not MeritRating.objects.exists()


def test_the_edges_nought_and_a_hundred_are_marks(clerk, window_head):
    rating = merit_rate(
        year=2026,
        member=StaffMember.objects.get(user=clerk),
        actor=window_head,
        marks=marks(100, conduct=0),
        now=NOW,
    )
    assert (rating.conduct, rating.ability) == (0, 100)


def test_a_rater_replaces_their_own_rating(clerk, window_head, director):
    wang = StaffMember.objects.get(user=clerk)
    first = merit_rate(year=2026, member=wang, actor=window_head, marks=marks(70), now=NOW)
    merit_rate(year=2026, member=wang, actor=director, marks=marks(90), now=NOW)
    later = NOW + dt.timedelta(days=1)
    again = merit_rate(year=2026, member=wang, actor=window_head, marks=marks(80), now=later)
    assert again.pk == first.pk
    assert MeritRating.objects.filter(member=wang).count() == 2  # one per rater
    again.refresh_from_db()
    assert (again.average, again.rated_at) == (Decimal(80), later)
    year = Period.objects.get(kind=Period.Kind.YEAR, start=YEAR)
    assert merit_parts(year)[wang.pk]["leader"] == Decimal(85)  # (80 + 90) / 2


def test_it_refuses_a_rating_once_the_year_is_published(
    hall, clerk, window_head, supervisor, director
):
    wang = StaffMember.objects.get(user=clerk)
    first = merit_rate(year=2026, member=wang, actor=window_head, marks=marks(70), now=NOW)
    monthly(month(1), 90, member=wang)
    year = compute_year(supervisor)
    # While the year is a draft or reviewed, marks may still change (and a rerun reads them).
    merit_rate(year=2026, member=wang, actor=window_head, marks=marks(75), now=NOW)
    period_review(period=year, actor=supervisor, now=NOW)
    period_publish(period=year, actor=director, now=NOW)
    with pytest.raises(ValidationError):
        merit_rate(year=2026, member=wang, actor=window_head, marks=marks(99), now=NOW)
    with pytest.raises(ValidationError):
        merit_rate(year=2026, member=wang, actor=clerk, marks=marks(99), now=NOW)
    first.refresh_from_db()
    assert first.average == Decimal(75)
    assert MeritRating.objects.count() == 1


# --- 6. The return rule (R-ORG-5) -------------------------------------------------------


@pytest.fixture
def incompetent(hall, clerk, window_head, supervisor):
    """王小明 ends 2026 at 50 (不称职); the window head at 85 (称职)."""
    wang = StaffMember.objects.get(user=clerk)
    monthly(month(1), 50, member=wang)
    monthly(month(1), 85, member=StaffMember.objects.get(user=window_head))
    year = compute_year(supervisor)
    assert annual(year, wang).grade == INC
    return year


def test_a_draft_year_gives_the_return_check_no_fact(incompetent, clerk):
    wang = StaffMember.objects.get(user=clerk)
    assert annual_grades_in([wang.pk], dt.date(2026, 2, 1), dt.date(2027, 2, 1)) == {}
    candidates, _legend = return_check(today=dt.date(2027, 2, 1))
    assert wang not in [c.member for c in candidates]


def test_an_incompetent_grade_of_a_published_year_is_a_return_fact(
    incompetent, clerk, window_head, supervisor, director
):
    period_review(period=incompetent, actor=supervisor, now=NOW)
    period_publish(period=incompetent, actor=director, now=NOW)
    wang = StaffMember.objects.get(user=clerk)
    head = StaffMember.objects.get(user=window_head)
    found = annual_grades_in([wang.pk, head.pk], dt.date(2026, 2, 1), dt.date(2027, 2, 1))
    assert list(found) == [wang.pk]
    [fact] = found[wang.pk]
    assert fact.on == dt.date(2026, 12, 31)
    assert "2026" in fact.text and "不称职" in fact.text
    # Outside the window of time: nothing.
    assert annual_grades_in([wang.pk], dt.date(2027, 1, 1), dt.date(2027, 2, 1)) == {}
    assert annual_grades_in([wang.pk], dt.date(2025, 1, 1), dt.date(2026, 12, 30)) == {}

    candidates, legend = return_check(today=dt.date(2027, 2, 1))
    [candidate] = [c for c in candidates if c.member == wang]
    assert [r.rule.code for r in candidate.met] == ["annual_grade"]
    assert head not in [c.member for c in candidates]


def test_the_return_check_shows_the_annual_grade_rule_as_available(clerk):
    _candidates, legend = return_check(today=dt.date(2027, 2, 1))
    available = {r.rule.code: r.available for r in legend}
    assert available["annual_grade"] is True


def test_an_upheld_objection_to_an_annual_score_regrades_it(
    incompetent, clerk, supervisor, director
):
    from assessment.services import objection_answer, objection_file

    published = period_publish(
        period=period_review(period=incompetent, actor=supervisor, now=NOW),
        actor=director,
        now=NOW,
    )
    wang = StaffMember.objects.get(user=clerk)
    objection = objection_file(
        score=annual(published, wang), actor=clerk, grounds="一月份的扣分有误", now=NOW
    )
    objection_answer(
        objection=objection,
        actor=supervisor,
        upheld=True,
        answer="经核实，恢复20分",
        points="20",
        now=NOW,
    )
    score = annual(published, wang)
    assert score.total == Decimal("70.00")  # 50 + 20: 称职 by its floor
    assert score.grade == COM
    assert annual_grades_in([wang.pk], dt.date(2026, 2, 1), dt.date(2027, 2, 1)) == {}


def test_a_mark_with_decimals_is_refused_not_cut(hall, clerk):
    from assessment.annual import merit_rate

    wang = StaffMember.objects.get(user=clerk)
    marks = {"conduct": 85.7, "ability": 85, "diligence": 95, "results": 88, "integrity": 100}
    with pytest.raises(ValidationError) as refused:
        merit_rate(year=2026, member=wang, actor=clerk, marks=marks, now=NOW)
    assert "conduct" in refused.value.message_dict
    assert not MeritRating.objects.exists()
