"""Monthly scores against a month computed by hand (R-SCORE-1, -2, -4; R-ORG-6).

The fixture month is November 2026. The seeded 2026 schedule has no holiday or make-up
day after 10 October, so November counts like the Monday–Friday calendar:

    Nov 2026   Mo Tu We Th Fr Sa Su
                                   1
                2  3  4  5  6  7  8
                9 10 11 12 13 14 15
               16 17 18 19 20 21 22
               23 24 25 26 27 28 29
               30                      (Dec 1 is a Tuesday)

"Working days to complete" counts the working days after the day of acceptance up to
and including the day of completion, less the days the clock was suspended.

Window A01 (department D1) has the clerk 王小明 (the post's B holder) and 赵甲 (its A
holder); window B01 (department D2) has 孙丽. Every figure asserted below is written
as a literal with the arithmetic that gives it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from accountability.models import AccountabilityCase, Decision, Effect, Occurrence, Rule
from assessment.models import Commendation, Period, Score, Weight
from assessment.scoring import mark_best, rank
from assessment.services import commendation_record, commendation_withdraw, period_compute
from cases.models import Case, FirstInquiry, Notice
from complaints.models import Complaint, Rating
from hall.models import CalendarYear
from hall.roles import Role
from patrols.models import ChecklistItem, Finding
from patrols.services import finding_correct, finding_record, round_start
from staff.models import Attendance, StaffMember
from tests.factories import ServiceItemFactory, StaffMemberFactory, UserFactory, WindowFactory

pytestmark = pytest.mark.django_db

NOVEMBER = dt.date(2026, 11, 1)


def at(*args) -> dt.datetime:
    """An aware moment in the hall's time zone (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime(*args))


AFTER_NOVEMBER = at(2026, 12, 3, 9)


# --- makers --------------------------------------------------------------------------

_seq = itertools.count(1)


def make_case(
    window,
    created_by,
    *,
    accepted_on=None,
    completed_at=None,
    promised_due=None,
    statutory_due=None,
    suspended_days=0,
    acting_for=None,
    kind=Case.Kind.ACCEPTED,
):
    n = next(_seq)
    received = (
        at(accepted_on.year, accepted_on.month, accepted_on.day, 9)
        if accepted_on
        else at(2026, 11, 4, 9)
    )
    return Case.objects.create(
        number=f"T{window.number}-{n:05d}",
        tracking_code=f"TRK{n:05d}",
        window=window,
        item=ServiceItemFactory(department=window.department),
        kind=kind,
        status=Case.Status.PICKED_UP if completed_at else Case.Status.IN_PROGRESS,
        applicant_kind=Case.ApplicantKind.PERSON,
        applicant_name="赵大山",
        id_type=Case.IdType.RESIDENT_ID,
        id_number="11010519491231002X",
        phone="13812345678",
        received_at=received,
        accepted_on=accepted_on,
        promised_due=promised_due,
        statutory_due=statutory_due,
        suspended_days=suspended_days,
        completed_at=completed_at,
        created_by=created_by,
        acting_for=acting_for,
    )


def consultation_case(window, created_by, when):
    """A consultation (咨询件): not an accepted case, so it is no case to score."""
    case = make_case(window, created_by, kind=Case.Kind.CONSULTATION)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CONSULTED, received_at=when)
    return case


def inquiry(window, received_by, when, *, acting_for=None):
    return FirstInquiry.objects.create(
        window=window,
        received_by=received_by,
        acting_for=acting_for,
        received_at=when,
        subject="个体户注册需要什么材料",
        disposition=FirstInquiry.Disposition.ANSWERED,
    )


def notice(case, issued_by, when, *, kind=Notice.Kind.ONE_TIME, acting_for=None):
    return Notice.objects.create(
        case=case, kind=kind, issued_at=when, issued_by=issued_by, acting_for=acting_for
    )


def rating(case, level, when, *, member=None, invalid=False):
    return Rating.objects.create(
        case=case,
        window=case.window,
        staff_member=member,
        level=level,
        source=Rating.Source.TABLET,
        visit_on=timezone.localdate(when),
        rated_at=when,
        invalid=invalid,
    )


def complaint(window, when, outcome, *, member=None):
    n = next(_seq)
    return Complaint.objects.create(
        number=f"TS{n:06d}",
        tracking_code=f"CT{n:05d}",
        channel=Complaint.Channel.PHONE,
        received_at=when - dt.timedelta(days=10),
        complainant_name="吴投诉",
        complainant_phone="13911112222",
        content="办事拖拉",
        window=window,
        staff_member=member,
        status=Complaint.Status.CONCLUDED,
        outcome=outcome,
        concluded_at=when,
    )


def sign_in(member, date, session, *, late):
    hour = 9 if session == Attendance.Session.MORNING else 14
    return Attendance.objects.create(
        member=member,
        date=date,
        session=session,
        signed_in_at=at(date.year, date.month, date.day, hour),
        late=late,
        signed_in_by=member.user,
    )


def finding(supervisor, window, code, when, *, person=None):
    round_, _created = round_start(actor=supervisor, now=when)
    return finding_record(
        actor=supervisor,
        round_=round_,
        window=window,
        item=ChecklistItem.objects.get(code=code),
        person=person,
        note="巡查发现",
        now=when,
    )


def effects(
    inspector,
    month,
    *rows,
    rule="R-ACC-4.5",
    revoked_at=None,
    occurrence=None,
):
    """A decision in force on a case of `month` and its effects: rows of
    (kind, window, person, points). `occurrence` joins the case (e.g. a patrol's)."""
    n = next(_seq)
    when = at(month.year, month.month, 20, 10)
    case = AccountabilityCase.objects.create(
        number=f"WZ{n:05d}",
        rule=Rule.objects.get(code=rule),
        origin=AccountabilityCase.Origin.INSPECTION,
        month=month,
        facts="督查发现的事实",
        status=AccountabilityCase.Status.DECIDED,
        opened_by=inspector,
        opened_at=when,
    )
    if occurrence is not None:
        occurrence.case = case
        occurrence.save()
    decision = Decision.objects.create(
        case=case,
        status=Decision.Status.IN_FORCE,
        decided_by=inspector,
        decided_at=when,
        reasons="事实清楚，依规问责。",
        points_min=Decimal(5),
        points_max=Decimal(15),
        in_force_at=when,
    )
    for kind, window, person, points in rows:
        Effect.objects.create(
            decision=decision,
            kind=kind,
            window=window,
            person=person,
            month=month,
            points=Decimal(points),
            created_at=when,
            revoked_at=revoked_at,
        )
    return decision


def evidence():
    return SimpleUploadedFile("thanks.pdf", b"%PDF-1.4\n%scan\n", content_type="application/pdf")


def commend(supervisor, kind, window, on, *, member=None):
    return commendation_record(
        actor=supervisor,
        kind=kind,
        window=window,
        member=member,
        on=on,
        description="群众送来锦旗",
        evidence=evidence(),
        now=at(2026, 11, 30, 18),
    )


def compute(actor, start=NOVEMBER, now=AFTER_NOVEMBER) -> Period:
    return period_compute(kind=Period.Kind.MONTH, start=start, actor=actor, now=now)


def window_score(period, window) -> Score:
    return Score.objects.get(period=period, subject=Score.Subject.WINDOW, window=window)


def person_score(period, user) -> Score:
    return Score.objects.get(period=period, subject=Score.Subject.PERSON, member__user=user)


INDICATOR_FIELDS = (
    "cases_in",
    "cases_done",
    "on_time_promised",
    "on_time_statutory",
    "working_days",
    "inquiries",
    "one_time_notices",
    "ratings",
    "satisfied",
    "complaints",
    "sessions",
    "late",
)


def indicators(score) -> dict:
    return {f: getattr(score, f) for f in INDICATOR_FIELDS}


def money(score) -> tuple:
    return (score.base, score.deductions, score.commendations, score.total)


# --- the people ----------------------------------------------------------------------


@pytest.fixture
def holder_a(hall, clerk):
    """赵甲, the A holder of the clerk's post at A01 (the clerk 王小明 is its B holder)."""
    post = StaffMember.objects.get(user=clerk).post
    return StaffMemberFactory(
        user=UserFactory(username="holder-a", first_name="赵甲", roles=[Role.CLERK]),
        window=hall.window,
        department=hall.department,
        post=post,
        slot="A",
    ).user


@pytest.fixture
def clerk_b01(hall):
    """孙丽, a clerk at window B01 (department D2)."""
    return StaffMemberFactory(
        user=UserFactory(username="clerk-b01", first_name="孙丽", roles=[Role.CLERK]),
        window=hall.other_window,
        department=hall.other_department,
    ).user


def member(user) -> StaffMember:
    return StaffMember.objects.get(user=user)


# --- the hand-computed month ---------------------------------------------------------


@pytest.fixture
def month(hall, clerk, holder_a, clerk_b01, supervisor, inspector):
    """November 2026 at A01 and B01, with facts before and after the month beside it."""
    a01, b01 = hall.window, hall.other_window
    wang, zhao = member(clerk), member(holder_a)

    # Accepted cases at A01.
    #  c1 taken in by the B holder 王小明 acting for 赵甲: 2 → 5 Nov, promised 6, statutory
    #     27: on time on both; working days 3, 4, 5 Nov = 3. Counts for 王小明.
    c1 = make_case(
        a01,
        clerk,
        acting_for=holder_a,
        accepted_on=dt.date(2026, 11, 2),
        completed_at=at(2026, 11, 5, 10),
        promised_due=dt.date(2026, 11, 6),
        statutory_due=dt.date(2026, 11, 27),
    )
    #  c2 赵甲: 9 → 13 Nov, promised 11, statutory 20: late on the promised limit only;
    #     working days 10, 11, 12, 13 = 4.
    c2 = make_case(
        a01,
        holder_a,
        accepted_on=dt.date(2026, 11, 9),
        completed_at=at(2026, 11, 13, 15),
        promised_due=dt.date(2026, 11, 11),
        statutory_due=dt.date(2026, 11, 20),
    )
    #  c3 赵甲: 2 → 10 Nov, promised 4, statutory 6: late on both;
    #     working days 3, 4, 5, 6, 9, 10 = 6.
    make_case(
        a01,
        holder_a,
        accepted_on=dt.date(2026, 11, 2),
        completed_at=at(2026, 11, 10, 11),
        promised_due=dt.date(2026, 11, 4),
        statutory_due=dt.date(2026, 11, 6),
    )
    #  c4 赵甲: 16 → 27 Nov with 2 days suspended, promised 27 Nov, statutory 11 Dec: on
    #     time on both; working days 17–20 (4) + 23–27 (5) = 9, less 2 suspended = 7.
    make_case(
        a01,
        holder_a,
        accepted_on=dt.date(2026, 11, 16),
        completed_at=at(2026, 11, 27, 16),
        promised_due=dt.date(2026, 11, 27),
        statutory_due=dt.date(2026, 12, 11),
        suspended_days=2,
    )
    #  c5 赵甲: accepted Fri 30 Oct (not taken in this month), completed Tue 3 Nov, promised
    #     4, statutory 27: done this month, on time on both; working days 2, 3 Nov = 2.
    make_case(
        a01,
        holder_a,
        accepted_on=dt.date(2026, 10, 30),
        completed_at=at(2026, 11, 3, 10),
        promised_due=dt.date(2026, 11, 4),
        statutory_due=dt.date(2026, 11, 27),
    )
    #  c6 王小明 on his own post: taken in 23 Nov, still in progress.
    make_case(
        a01,
        clerk,
        accepted_on=dt.date(2026, 11, 23),
        promised_due=dt.date(2026, 11, 27),
        statutory_due=dt.date(2026, 12, 21),
    )
    #  c7 赵甲: taken in 26 Nov, completed 2 Dec (next month).
    make_case(
        a01,
        holder_a,
        accepted_on=dt.date(2026, 11, 26),
        completed_at=at(2026, 12, 2, 10),
        promised_due=dt.date(2026, 12, 3),
        statutory_due=dt.date(2026, 12, 24),
    )
    #  c0 赵甲, all in October: neither taken in nor done this month.
    make_case(
        a01,
        holder_a,
        accepted_on=dt.date(2026, 10, 26),
        completed_at=at(2026, 10, 30, 10),
        promised_due=dt.date(2026, 10, 30),
        statutory_due=dt.date(2026, 11, 20),
    )
    #  A consultation (not an accepted case) carries the one-time notices.
    k1 = consultation_case(a01, clerk, at(2026, 11, 4, 10))
    # B01: one case 9 → 11 Nov, promised 13: on time; working days 10, 11 = 2.
    b1 = make_case(
        b01,
        clerk_b01,
        accepted_on=dt.date(2026, 11, 9),
        completed_at=at(2026, 11, 11, 10),
        promised_due=dt.date(2026, 11, 13),
        statutory_due=dt.date(2026, 11, 27),
    )

    # First inquiries at A01: 王小明 twice (once acting for 赵甲), 赵甲 once; two outside.
    inquiry(a01, clerk, at(2026, 11, 3, 10), acting_for=holder_a)
    inquiry(a01, clerk, at(2026, 11, 4, 10))
    inquiry(a01, holder_a, at(2026, 11, 5, 10))
    inquiry(a01, clerk, at(2026, 10, 30, 10))
    inquiry(a01, clerk, at(2026, 12, 1, 10))

    # One-time notices: 王小明 (acting for 赵甲) and 赵甲; an acceptance notice and a
    # one-time notice of October do not count.
    notice(k1, clerk, at(2026, 11, 4, 10, 30), acting_for=holder_a)
    notice(k1, holder_a, at(2026, 11, 5, 10, 30))
    notice(c1, clerk, at(2026, 11, 2, 9, 30), kind=Notice.Kind.ACCEPTANCE)
    notice(k1, clerk, at(2026, 10, 29, 10))

    # Ratings at A01 (level: 5 非常满意 … 1 非常不满意).
    rating(c2, 5, at(2026, 11, 5, 11), member=zhao)
    rating(c2, 4, at(2026, 11, 6, 11), member=wang)
    rating(c2, 3, at(2026, 11, 9, 11), member=zhao)
    rating(c2, 2, at(2026, 11, 10, 11), member=zhao)
    rating(c2, 1, at(2026, 11, 11, 11), member=wang)
    rating(c2, 1, at(2026, 11, 12, 11), member=zhao, invalid=True)  # invalid: not counted
    rating(c2, 4, at(2026, 11, 13, 11))  # the window's, naming nobody
    rating(c2, 1, at(2026, 10, 30, 11), member=zhao)  # October
    rating(b1, 5, at(2026, 11, 12, 11), member=member(clerk_b01))

    # Complaints: verified about 赵甲, unfounded about 王小明, verified in December.
    complaint(a01, at(2026, 11, 20, 15), Complaint.Outcome.VERIFIED, member=zhao)
    complaint(a01, at(2026, 11, 21, 15), Complaint.Outcome.UNFOUNDED, member=wang)
    complaint(a01, at(2026, 12, 1, 15), Complaint.Outcome.VERIFIED, member=wang)

    # Attendance: 赵甲 3 sessions, 2 late; 王小明 2 sessions, 1 late; 30 Oct not counted.
    sign_in(zhao, dt.date(2026, 11, 2), Attendance.Session.MORNING, late=True)
    sign_in(zhao, dt.date(2026, 11, 2), Attendance.Session.AFTERNOON, late=False)
    sign_in(zhao, dt.date(2026, 11, 3), Attendance.Session.MORNING, late=True)
    sign_in(wang, dt.date(2026, 11, 2), Attendance.Session.MORNING, late=False)
    sign_in(wang, dt.date(2026, 11, 3), Attendance.Session.MORNING, late=True)
    sign_in(wang, dt.date(2026, 10, 30), Attendance.Session.MORNING, late=True)

    # Patrol findings at A01: tidiness (window, 1 pt); phone (window, 1 pt) withdrawn;
    # dress about 赵甲 (person, 1 pt); dissatisfaction (window, 2 pts) that goes on to an
    # accountability decision.
    finding(supervisor, a01, "tidiness", at(2026, 11, 11, 9, 30))
    wrong = finding(supervisor, a01, "phone", at(2026, 11, 11, 9, 40))
    finding_correct(actor=supervisor, finding=wrong, reason="记录错误", now=at(2026, 11, 11, 9, 45))
    finding(supervisor, a01, "dress", at(2026, 11, 12, 9, 30), person=zhao)
    patrol = finding(supervisor, a01, "dissatisfaction", at(2026, 11, 13, 9, 30))
    patrol_occurrence = Occurrence.objects.get(
        source_type=ContentType.objects.get_for_model(Finding), source_id=patrol.pk
    )

    # Accountability effects of November.
    W, P, L = Effect.Kind.WINDOW_POINTS, Effect.Kind.PERSON_POINTS, Effect.Kind.AWARD_LOSS
    effects(inspector, NOVEMBER, (W, a01, None, 5))  # counted
    effects(inspector, NOVEMBER, (P, None, clerk, 10), (L, a01, None, 0), rule="R-ACC-5.1")
    effects(inspector, NOVEMBER, (W, a01, None, 7), revoked_at=at(2026, 11, 25, 10))  # appeal
    effects(inspector, NOVEMBER, (W, a01, None, 6), rule="R-ACC-9", occurrence=patrol_occurrence)
    effects(inspector, dt.date(2026, 10, 1), (W, a01, None, 4))  # October
    effects(inspector, dt.date(2026, 12, 1), (P, None, holder_a, 3))  # December

    # Commendations: the window 2 + 3 + 5 + 2 = 12 (capped at 10) and a withdrawn good deed;
    # 赵甲 a letter of thanks; 王小明 a good deed and a withdrawn letter of thanks.
    K = Commendation.Kind
    commend(supervisor, K.THANKS, a01, dt.date(2026, 11, 10))
    commend(supervisor, K.GOOD_DEED, a01, dt.date(2026, 11, 12))
    commend(supervisor, K.HONOUR, a01, dt.date(2026, 11, 20))
    commend(supervisor, K.THANKS, a01, dt.date(2026, 11, 24))
    gone = commend(supervisor, K.GOOD_DEED, a01, dt.date(2026, 11, 25))
    commendation_withdraw(commendation=gone, actor=supervisor, now=at(2026, 11, 26, 9))
    commend(supervisor, K.THANKS, a01, dt.date(2026, 11, 16), member=zhao)
    commend(supervisor, K.GOOD_DEED, a01, dt.date(2026, 11, 17), member=wang)
    gone = commend(supervisor, K.THANKS, a01, dt.date(2026, 11, 18), member=wang)
    commendation_withdraw(commendation=gone, actor=supervisor, now=at(2026, 11, 26, 9))
    commend(supervisor, K.THANKS, a01, dt.date(2026, 10, 30), member=zhao)  # October
    return hall


# --- 1. Every indicator and total of the month -----------------------------------------


@override_settings(HALL_SCORE_BASE=100, HALL_SCORE_COMMENDATION_CAP=10)
def test_the_window_scores_what_was_computed_by_hand(month, supervisor):
    period = compute(supervisor)
    a01 = window_score(period, month.window)
    assert indicators(a01) == {
        "cases_in": 6,  # c1 (2 Nov), c2 (9), c3 (2), c4 (16), c6 (23), c7 (26)
        "cases_done": 5,  # c1, c2, c3, c4, c5
        "on_time_promised": 3,  # c1, c4, c5
        "on_time_statutory": 4,  # c1, c2, c4, c5
        "working_days": 22,  # 3 + 4 + 6 + 7 + 2
        "inquiries": 3,
        "one_time_notices": 2,
        "ratings": 6,  # 5, 4, 3, 2, 1, 4 (the invalid 1 is left out)
        "satisfied": 4,  # 5, 4, 3, 4
        "complaints": 1,  # the verified one of 20 Nov
        "sessions": 5,  # 赵甲 3 + 王小明 2
        "late": 3,  # 赵甲 2 + 王小明 1
    }
    assert a01.breakdown == {
        # 5 (the 7 revoked on appeal and the 6 of the patrol's decision are not taken)
        "accountability": {"n": 1, "points": "5.00", "weight": "1.00", "amount": "5.00"},
        # tidiness 1 + dissatisfaction 2; the withdrawn one and the one about 赵甲 not here
        "patrol": {"n": 2, "points": "3.00", "weight": "1.00", "amount": "3.00"},
        "dissatisfied": {"n": 1, "points": "0.00", "weight": "1.00", "amount": "1.00"},
        "very_dissatisfied": {"n": 1, "points": "0.00", "weight": "2.00", "amount": "2.00"},
        "complaint": {"n": 1, "points": "0.00", "weight": "3.00", "amount": "3.00"},
        # thanks 2 × 2 + good deed 3 + honour 5 = 12, over the cap
        "thanks": {"n": 2, "points": "0.00", "weight": "2.00", "amount": "4.00"},
        "good_deed": {"n": 1, "points": "0.00", "weight": "3.00", "amount": "3.00"},
        "honour": {"n": 1, "points": "0.00", "weight": "5.00", "amount": "5.00"},
        "cap": "10",
    }
    # 100 − (5 + 3 + 1 + 2 + 3 = 14) + min(12, 10) = 96; lateness is the person's, not
    # the window's.
    assert money(a01) == (Decimal("100"), Decimal("14.00"), Decimal("10.00"), Decimal("96.00"))
    # The award_loss effect of the 王小明 decision.
    assert a01.award_eligible is False
    assert (a01.on_time_rate, a01.statutory_rate) == (Decimal("60.0"), Decimal("80.0"))  # 3/5, 4/5
    assert a01.satisfaction_rate == Decimal("66.7")  # 4/6
    assert a01.average_days == Decimal("4.4")  # 22/5


def test_the_other_window_scores_only_its_own_facts(month, supervisor):
    period = compute(supervisor)
    b01 = window_score(period, month.other_window)
    assert indicators(b01) == {
        **dict.fromkeys(INDICATOR_FIELDS, 0),
        "cases_in": 1,
        "cases_done": 1,
        "on_time_promised": 1,
        "on_time_statutory": 1,
        "working_days": 2,  # 10, 11 Nov
        "ratings": 1,
        "satisfied": 1,
    }
    assert money(b01) == (Decimal("100"), Decimal("0.00"), Decimal("0.00"), Decimal("100.00"))
    assert b01.award_eligible is True


def test_the_a_holder_scores_what_was_computed_by_hand(month, supervisor, holder_a):
    period = compute(supervisor)
    zhao = person_score(period, holder_a)
    assert indicators(zhao) == {
        "cases_in": 4,  # c2, c3, c4, c7 (c1 was taken in by the B holder for 赵甲)
        "cases_done": 4,  # c2, c3, c4, c5
        "on_time_promised": 2,  # c4, c5
        "on_time_statutory": 3,  # c2, c4, c5
        "working_days": 19,  # 4 + 6 + 7 + 2
        "inquiries": 1,
        "one_time_notices": 1,
        "ratings": 3,  # 5, 3, 2 (the invalid 1 is left out)
        "satisfied": 2,  # 5, 3
        "complaints": 1,
        "sessions": 3,
        "late": 2,
    }
    assert zhao.breakdown == {
        "patrol": {"n": 1, "points": "1.00", "weight": "1.00", "amount": "1.00"},  # dress
        "late": {"n": 2, "points": "0.00", "weight": "0.50", "amount": "1.00"},
        "dissatisfied": {"n": 1, "points": "0.00", "weight": "1.00", "amount": "1.00"},
        "complaint": {"n": 1, "points": "0.00", "weight": "3.00", "amount": "3.00"},
        "thanks": {"n": 1, "points": "0.00", "weight": "2.00", "amount": "2.00"},
    }
    # 100 − (1 + 2 × 0.5 + 1 + 3 = 6) + 2 = 96; the December effect is not this month's.
    assert money(zhao) == (Decimal("100"), Decimal("6.00"), Decimal("2.00"), Decimal("96.00"))
    assert (zhao.window_id, zhao.department_id) == (month.window.pk, month.department.pk)


def test_the_b_holder_scores_what_was_computed_by_hand(month, supervisor, clerk):
    period = compute(supervisor)
    wang = person_score(period, clerk)
    assert indicators(wang) == {
        "cases_in": 2,  # c1 (acting for 赵甲) and c6
        "cases_done": 1,  # c1
        "on_time_promised": 1,
        "on_time_statutory": 1,
        "working_days": 3,
        "inquiries": 2,  # one acting for 赵甲
        "one_time_notices": 1,  # acting for 赵甲; the acceptance notice is not one
        "ratings": 2,  # 4, 1
        "satisfied": 1,
        "complaints": 0,  # the unfounded one and December's verified one are not counted
        "sessions": 2,
        "late": 1,
    }
    assert wang.breakdown == {
        "accountability": {"n": 1, "points": "10.00", "weight": "1.00", "amount": "10.00"},
        "late": {"n": 1, "points": "0.00", "weight": "0.50", "amount": "0.50"},
        "very_dissatisfied": {"n": 1, "points": "0.00", "weight": "2.00", "amount": "2.00"},
        "good_deed": {"n": 1, "points": "0.00", "weight": "3.00", "amount": "3.00"},
    }
    # 100 − (10 + 0.5 + 2 = 12.5) + 3 (the withdrawn thanks not added) = 90.5
    assert money(wang) == (Decimal("100"), Decimal("12.50"), Decimal("3.00"), Decimal("90.50"))


def test_it_scores_every_window_and_every_staff_member_once_and_ranks_them(
    month, supervisor, clerk, holder_a, clerk_b01
):
    period = compute(supervisor)
    windows = Score.objects.filter(period=period, subject=Score.Subject.WINDOW)
    people = Score.objects.filter(period=period, subject=Score.Subject.PERSON)
    assert sorted((s.window.number, s.total, s.rank, s.best) for s in windows) == [
        ("A01", Decimal("96.00"), 2, False),  # not eligible: lost the month's award
        ("B01", Decimal("100.00"), 1, True),
    ]
    assert sorted((s.member.name, s.total, s.rank) for s in people) == [
        ("孙丽", Decimal("100.00"), 1),
        ("王小明", Decimal("90.50"), 3),
        ("赵甲", Decimal("96.00"), 2),
    ]


def test_a_changed_weight_changes_the_totals(month, supervisor, clerk, holder_a):
    period = compute(supervisor)
    assert window_score(period, month.window).total == Decimal("96.00")
    Weight.objects.filter(code=Weight.Code.COMPLAINT).update(value=Decimal("5"))
    Weight.objects.filter(code=Weight.Code.PATROL).update(value=Decimal("2"))
    period = compute(supervisor)
    a01 = window_score(period, month.window)
    # 100 − (5 + 3 × 2 + 1 + 2 + 1 × 5 = 19) + 10 = 91
    assert money(a01) == (Decimal("100"), Decimal("19.00"), Decimal("10.00"), Decimal("91.00"))
    assert a01.breakdown["patrol"]["amount"] == "6.00"
    # 赵甲: 100 − (1 × 2 + 1 + 1 + 1 × 5 = 9) + 2 = 93
    assert person_score(period, holder_a).total == Decimal("93.00")
    # 王小明 had neither: 90.5 still.
    assert person_score(period, clerk).total == Decimal("90.50")


def test_a_weight_missing_from_the_table_has_its_default(month, supervisor, holder_a):
    Weight.objects.filter(code=Weight.Code.COMPLAINT).delete()
    period = compute(supervisor)
    assert person_score(period, holder_a).total == Decimal("96.00")  # complaint 3 as before


@override_settings(HALL_SCORE_COMMENDATION_CAP=4)
def test_commendations_add_at_most_the_monthly_cap(month, supervisor, clerk, holder_a):
    period = compute(supervisor)
    a01 = window_score(period, month.window)
    # 12 earned, 4 added: 100 − 14 + 4 = 90
    assert (a01.commendations, a01.total) == (Decimal("4.00"), Decimal("90.00"))
    assert a01.breakdown["cap"] == "4"
    # 王小明's 3 are under the cap: 100 − 12.5 + 3
    wang = person_score(period, clerk)
    assert (wang.commendations, wang.total) == (Decimal("3.00"), Decimal("90.50"))
    assert "cap" not in wang.breakdown


@override_settings(HALL_SCORE_BASE=120)
def test_the_base_comes_from_the_setting(month, supervisor):
    period = compute(supervisor)
    assert window_score(period, month.window).total == Decimal("116.00")  # 120 − 14 + 10


# --- 2. Who is credited ------------------------------------------------------------------


def test_a_case_taken_in_by_the_b_holder_acting_for_a_counts_for_b_not_a(
    hall, clerk, holder_a, supervisor
):
    make_case(
        hall.window,
        clerk,
        acting_for=holder_a,
        accepted_on=dt.date(2026, 11, 2),
        completed_at=at(2026, 11, 4, 10),
        promised_due=dt.date(2026, 11, 6),
        statutory_due=dt.date(2026, 11, 27),
    )
    inquiry(hall.window, clerk, at(2026, 11, 3, 10), acting_for=holder_a)
    period = compute(supervisor)
    b, a = person_score(period, clerk), person_score(period, holder_a)
    # B: 1 taken in, 1 done, 2 working days (3, 4 Nov), 1 inquiry; A: nothing.
    assert (b.cases_in, b.cases_done, b.working_days, b.inquiries) == (1, 1, 2, 1)
    assert (a.cases_in, a.cases_done, a.working_days, a.inquiries) == (0, 0, 0, 0)
    # The window has it once.
    w = window_score(period, hall.window)
    assert (w.cases_in, w.cases_done, w.inquiries) == (1, 1, 1)


def test_one_act_is_deducted_once_when_a_patrol_finding_goes_on_to_a_decision(
    hall, clerk, supervisor, inspector
):
    patrol = finding(supervisor, hall.window, "dissatisfaction", at(2026, 11, 13, 9, 30))
    occurrence = Occurrence.objects.get(
        source_type=ContentType.objects.get_for_model(Finding), source_id=patrol.pk
    )
    effects(
        inspector,
        NOVEMBER,
        (Effect.Kind.WINDOW_POINTS, hall.window, None, 8),
        (Effect.Kind.AWARD_LOSS, hall.window, None, 0),
        rule="R-ACC-9",
        occurrence=occurrence,
    )
    period = compute(supervisor)
    a01 = window_score(period, hall.window)
    # The finding's 2 points, not 2 + 8; the decision's other effects apply (award lost).
    assert (a01.deductions, a01.total) == (Decimal("2.00"), Decimal("98.00"))
    assert "accountability" not in a01.breakdown
    assert a01.award_eligible is False


def test_a_decision_about_a_withdrawn_finding_keeps_its_points(hall, clerk, supervisor, inspector):
    patrol = finding(supervisor, hall.window, "dissatisfaction", at(2026, 11, 13, 9, 30))
    occurrence = Occurrence.objects.get(
        source_type=ContentType.objects.get_for_model(Finding), source_id=patrol.pk
    )
    effects(
        inspector,
        NOVEMBER,
        (Effect.Kind.WINDOW_POINTS, hall.window, None, 8),
        rule="R-ACC-9",
        occurrence=occurrence,
    )
    # The finding is withdrawn after its dispute, its occurrence with it.
    Finding.objects.filter(pk=patrol.pk).update(status=Finding.Status.WITHDRAWN)
    Occurrence.objects.filter(pk=occurrence.pk).update(withdrawn_at=at(2026, 11, 16, 9))
    a01 = window_score(compute(supervisor), hall.window)
    # Not nothing: the decision's 8 points stand in for the withdrawn finding's 2.
    assert (a01.deductions, a01.total) == (Decimal("8.00"), Decimal("92.00"))


def test_a_decision_not_from_a_patrol_takes_its_points(hall, clerk, supervisor, inspector):
    effects(inspector, NOVEMBER, (Effect.Kind.PERSON_POINTS, None, clerk, 12), rule="R-ACC-5.1")
    period = compute(supervisor)
    wang = person_score(period, clerk)
    assert (wang.deductions, wang.total) == (Decimal("12.00"), Decimal("88.00"))
    # Person points are the person's, not the window's.
    assert window_score(period, hall.window).total == Decimal("100.00")


# --- 3. The working-day calendar ---------------------------------------------------------


def test_holidays_and_make_up_days_follow_the_loaded_schedule(hall, clerk, supervisor):
    """October 2026 as the State Council scheduled it: 1–7 October off, Saturday 10
    October a make-up working day (seeded from the chinesecalendar package)."""
    # Accepted Wed 30 Sep, completed Fri 9 Oct: 1–7 Oct off, so 8 and 9 Oct = 2 days.
    make_case(
        hall.window,
        clerk,
        accepted_on=dt.date(2026, 9, 30),
        completed_at=at(2026, 10, 9, 10),
        promised_due=dt.date(2026, 10, 9),
        statutory_due=dt.date(2026, 10, 30),
    )
    # Accepted Fri 9 Oct, completed Mon 12 Oct: Saturday 10 is worked, so 10 and 12 = 2.
    make_case(
        hall.window,
        clerk,
        accepted_on=dt.date(2026, 10, 9),
        completed_at=at(2026, 10, 12, 10),
        promised_due=dt.date(2026, 10, 14),
        statutory_due=dt.date(2026, 10, 30),
    )
    october = dt.date(2026, 10, 1)
    period = compute(supervisor, start=october, now=at(2026, 11, 2, 9))
    assert window_score(period, hall.window).working_days == 4  # 2 + 2

    # Without the schedule the calendar falls back to Monday–Friday:
    # 1, 2, 5, 6, 7, 8, 9 Oct = 7 and 12 Oct = 1.
    CalendarYear.objects.filter(year=2026).delete()
    period = compute(supervisor, start=october, now=at(2026, 11, 2, 9))
    assert window_score(period, hall.window).working_days == 8  # 7 + 1


def test_working_days_are_never_negative_when_suspended_days_exceed_them(hall, clerk, supervisor):
    # 2 → 3 Nov is 1 working day; 3 days were suspended.
    make_case(
        hall.window,
        clerk,
        accepted_on=dt.date(2026, 11, 2),
        completed_at=at(2026, 11, 3, 10),
        promised_due=dt.date(2026, 11, 6),
        statutory_due=dt.date(2026, 11, 27),
        suspended_days=3,
    )
    period = compute(supervisor)
    assert window_score(period, hall.window).working_days == 0


def test_a_case_completed_just_after_midnight_is_late_by_the_local_date(hall, clerk, supervisor):
    # Promised by Wed 4 Nov; completed Thu 5 Nov at 00:30 in Beijing (4 Nov 16:30 UTC).
    make_case(
        hall.window,
        clerk,
        accepted_on=dt.date(2026, 11, 2),
        completed_at=at(2026, 11, 5, 0, 30),
        promised_due=dt.date(2026, 11, 4),
        statutory_due=dt.date(2026, 11, 5),
    )
    period = compute(supervisor)
    w = window_score(period, hall.window)
    assert (w.cases_done, w.on_time_promised, w.on_time_statutory) == (1, 0, 1)
    assert w.working_days == 3  # 3, 4, 5 Nov by the local date


# --- 4. The month's edges (local midnight, Asia/Shanghai) -------------------------------


def test_only_facts_between_the_local_midnights_of_the_month_count(
    hall, clerk, supervisor, inspector
):
    """Each kind of fact at 23:59:59 on 31 October, 00:00 on 1 November, 23:59:59 on 30
    November, 00:00 on 1 December and 07:30 on 1 December (still 30 November in UTC):
    only the two inside the month count."""
    a01, wang = hall.window, member(clerk)
    moments = [
        at(2026, 10, 31, 23, 59, 59),
        at(2026, 11, 1, 0, 0),
        at(2026, 11, 30, 23, 59, 59),
        at(2026, 12, 1, 0, 0),
        at(2026, 12, 1, 7, 30),
    ]
    rated = make_case(a01, clerk, kind=Case.Kind.CONSULTATION)
    for when in moments:
        inquiry(a01, clerk, when)
        notice(rated, clerk, when)
        rating(make_case(a01, clerk, kind=Case.Kind.CONSULTATION), 2, when, member=wang)
        complaint(a01, when, Complaint.Outcome.VERIFIED, member=wang)
        make_case(
            a01,
            clerk,
            accepted_on=dt.date(2026, 10, 30),
            completed_at=when,
            promised_due=dt.date(2026, 12, 31),
            statutory_due=dt.date(2026, 12, 31),
        )
    for when in moments[1:3]:  # a finding at 23:59:59 is still on that day's round
        finding(supervisor, a01, "tidiness", when)
    for when in (moments[0], moments[3], moments[4]):
        finding(supervisor, a01, "phone", when)
    for day in (
        dt.date(2026, 10, 31),
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
        dt.date(2026, 12, 1),
    ):
        sign_in(wang, day, Attendance.Session.MORNING, late=True)
        make_case(
            a01,
            clerk,
            accepted_on=day,
            promised_due=dt.date(2026, 12, 31),
            statutory_due=dt.date(2026, 12, 31),
        )
    for month_ in (dt.date(2026, 10, 1), NOVEMBER, dt.date(2026, 12, 1)):
        effects(inspector, month_, (Effect.Kind.WINDOW_POINTS, a01, None, 5))
    for on in (
        dt.date(2026, 10, 31),
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
        dt.date(2026, 12, 1),
    ):
        commendation_record(
            actor=supervisor,
            kind=Commendation.Kind.THANKS,
            window=a01,
            member=None,
            on=on,
            description="锦旗",
            evidence=evidence(),
            now=at(2026, 12, 2, 9),
        )

    period = compute(supervisor)
    w = window_score(period, a01)
    assert indicators(w) == {
        "cases_in": 2,  # accepted 1 and 30 Nov
        "cases_done": 2,
        "on_time_promised": 2,
        "on_time_statutory": 2,
        # Accepted Fri 30 Oct: to Sun 1 Nov 0 working days; to Mon 30 Nov four weeks of 5
        # and Monday 30: 21.
        "working_days": 21,
        "inquiries": 2,
        "one_time_notices": 2,
        "ratings": 2,
        "satisfied": 0,
        "complaints": 2,
        "sessions": 2,  # 1 and 30 Nov
        "late": 2,
    }
    assert w.breakdown["patrol"]["n"] == 2  # the two tidiness findings
    assert w.breakdown["accountability"]["points"] == "5.00"  # November's effect only
    assert w.breakdown["thanks"]["n"] == 2
    # 100 − (5 + 2 × 1 + 2 × 1 + 2 × 3 = 15) + 2 × 2 = 89
    assert w.total == Decimal("89.00")


# --- 5. Ranking and the best windows ----------------------------------------------------


def scores(*totals, **fields):
    return [Score(total=Decimal(t), **fields) for t in totals]


def test_equal_totals_share_a_rank_and_the_next_skips():
    ranked = scores("90", "95", "95", "80", "90")
    rank(ranked)
    assert [(s.total, s.rank) for s in ranked] == [
        (Decimal("90"), 3),
        (Decimal("95"), 1),
        (Decimal("95"), 1),
        (Decimal("80"), 5),
        (Decimal("90"), 3),
    ]


def test_the_month_ranks_tied_windows_one_one_three(hall, clerk, supervisor):
    third = WindowFactory(number="C01", name="不动产窗口", department=hall.department)
    complaint(third, at(2026, 11, 20, 15), Complaint.Outcome.VERIFIED)
    period = compute(supervisor)
    ranks = {
        s.window.number: (s.total, s.rank)
        for s in Score.objects.filter(period=period, subject=Score.Subject.WINDOW)
    }
    assert ranks == {
        "A01": (Decimal("100.00"), 1),
        "B01": (Decimal("100.00"), 1),
        "C01": (Decimal("97.00"), 3),  # 100 − 3 for the verified complaint
    }


def window(total, *, done=10, on_time=10, rated=10, satisfied=10, eligible=True):
    return Score(
        total=Decimal(total),
        cases_done=done,
        on_time_promised=on_time,
        ratings=rated,
        satisfied=satisfied,
        award_eligible=eligible,
    )


def test_the_best_windows_break_a_tie_by_the_on_time_rate_and_leave_out_the_ineligible():
    ineligible = window("99", eligible=False)
    first = window("98")
    tie_faster = window("95", on_time=9)  # 90 % on time
    tie_slower = window("95", on_time=8)  # 80 %
    idle = window("100", done=0, on_time=0)  # completed nothing this month
    windows = [ineligible, first, tie_faster, tie_slower, idle]
    mark_best(windows, 2)
    assert [w.best for w in windows] == [False, True, True, False, False]


def test_the_best_windows_break_a_tie_by_satisfaction_then_by_cases_completed():
    happier = window("95", rated=10, satisfied=9)
    sadder = window("95", rated=10, satisfied=8)
    mark_best([sadder, happier], 1)
    assert (happier.best, sadder.best) == (True, False)
    busier = window("95", done=20, on_time=20)
    quieter = window("95", done=10, on_time=10)
    mark_best([quieter, busier], 1)
    assert (busier.best, quieter.best) == (True, False)


def test_a_tie_on_every_criterion_at_the_last_place_takes_every_window_on_it():
    first = window("98")
    tied = [window("95"), window("95")]
    below = window("90")
    mark_best([first, *tied, below], 2)
    assert [first.best, tied[0].best, tied[1].best, below.best] == [True, True, True, False]


def test_no_window_is_best_when_none_is_wanted():
    windows = [window("98"), window("95")]
    windows[0].best = True
    mark_best(windows, 0)
    assert [w.best for w in windows] == [False, False]


@override_settings(HALL_SCORE_BEST_WINDOWS=1)
def test_the_month_marks_its_best_window_from_the_eligible_ones(hall, clerk, supervisor, inspector):
    third = WindowFactory(number="C01", name="不动产窗口", department=hall.department)
    for w in (hall.window, hall.other_window, third):
        make_case(
            w,
            clerk,
            accepted_on=dt.date(2026, 11, 2),
            completed_at=at(2026, 11, 4, 10),
            promised_due=dt.date(2026, 11, 6),
            statutory_due=dt.date(2026, 11, 27),
        )
    # A01 and B01 tie at 100; B01 lost its award; C01 has 97.
    effects(inspector, NOVEMBER, (Effect.Kind.AWARD_LOSS, hall.other_window, None, 0))
    complaint(third, at(2026, 11, 20, 15), Complaint.Outcome.VERIFIED)
    period = compute(supervisor)
    best = {
        s.window.number: s.best
        for s in Score.objects.filter(period=period, subject=Score.Subject.WINDOW)
    }
    assert best == {"A01": True, "B01": False, "C01": False}


def test_rates_and_averages_round_half_up():
    """四舍五入: 5 working days over 4 cases is 1.25 → 1.3; 1 of 16 satisfied is
    6.25 % → 6.3 %; 1 of 3 on time is 33.33… → 33.3."""
    assert Score(working_days=5, cases_done=4).average_days == Decimal("1.3")
    assert Score(satisfied=1, ratings=16).satisfaction_rate == Decimal("6.3")
    assert Score(on_time_promised=1, cases_done=3).on_time_rate == Decimal("33.3")
    assert Score(cases_done=0).on_time_rate is None
    assert Score(ratings=0).satisfaction_rate is None


# --- 6. Who is scored -------------------------------------------------------------------


def test_staff_who_left_before_the_month_or_started_after_it_are_not_scored(
    hall, clerk, supervisor
):
    left = StaffMemberFactory(
        window=hall.window,
        department=hall.department,
        is_active=False,
        left_on=dt.date(2026, 10, 31),
    )
    stayed = StaffMemberFactory(
        window=hall.window,
        department=hall.department,
        is_active=False,
        left_on=dt.date(2026, 11, 15),
    )
    later = StaffMemberFactory(
        window=hall.window, department=hall.department, on_post_since=dt.date(2026, 12, 1)
    )
    period = compute(supervisor)
    scored = set(
        Score.objects.filter(period=period, subject=Score.Subject.PERSON).values_list(
            "member_id", flat=True
        )
    )
    assert member(clerk).pk in scored and stayed.pk in scored
    assert left.pk not in scored and later.pk not in scored
