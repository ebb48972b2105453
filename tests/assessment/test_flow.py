"""A period from draft to final, objections, corrections and who sees what (R-SCORE-1).

The month scored is November 2026. The draft is computed on Wednesday 2 December; the
director publishes on Monday 7 December at 10:00, so objections run to the end of the
fifth working day after it, Monday 14 December 23:59:59 (8, 9, 10, 11, 14 December).
At window A01 a verified complaint takes 3 points: A01 has 97, B01 100.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessment.models import Commendation, Correction, Objection, Period, Score
from assessment.services import (
    commendation_record,
    commendation_withdraw,
    finalise_due,
    month_end_run,
    objection_answer,
    objection_file,
    period_compute,
    period_finalise,
    period_publish,
    period_review,
    score_correct,
    scores_visible_to,
)
from complaints.models import Complaint
from hall.models import Alert, CalendarDay
from hall.roles import Role
from staff.models import StaffMember
from tests.factories import StaffMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


NOVEMBER = dt.date(2026, 11, 1)
COMPUTED = at(2026, 12, 2, 9)
REVIEWED = at(2026, 12, 3, 9)
PUBLISHED = at(2026, 12, 7, 10)  # Monday
DURING = at(2026, 12, 10, 15)
UNTIL = at(2026, 12, 14, 23, 59, 59)  # the end of the 5th working day after publication
AFTER = at(2026, 12, 15, 9)
LATER = at(2027, 1, 20, 9)

_seq = itertools.count(1)


# --- makers --------------------------------------------------------------------------


def verified_complaint(window, when, member=None):
    n = next(_seq)
    return Complaint.objects.create(
        number=f"FL{n:06d}",
        tracking_code=f"FL{n:05d}",
        channel=Complaint.Channel.PHONE,
        received_at=when - dt.timedelta(days=10),
        complainant_name="吴投诉",
        complainant_phone="13911112222",
        content="办事拖拉",
        window=window,
        staff_member=member,
        status=Complaint.Status.CONCLUDED,
        outcome=Complaint.Outcome.VERIFIED,
        concluded_at=when,
    )


def compute(actor, start=NOVEMBER, now=COMPUTED) -> Period:
    return period_compute(kind=Period.Kind.MONTH, start=start, actor=actor, now=now)


def window_score(period, window) -> Score:
    return Score.objects.get(period=period, subject=Score.Subject.WINDOW, window=window)


def person_score(period, user) -> Score:
    return Score.objects.get(period=period, subject=Score.Subject.PERSON, member__user=user)


def snapshot(period) -> list:
    """Everything a refused action must leave as it was."""
    period.refresh_from_db()
    return [
        period.status,
        period.computed_at,
        period.reviewed_at,
        period.published_at,
        period.objections_until,
        period.finalised_at,
        period.history.count(),
        sorted(
            Score.objects.filter(period=period).values_list(
                "pk", "total", "corrections", "rank", "best"
            )
        ),
        Correction.objects.filter(score__period=period).count(),
        Objection.objects.filter(score__period=period).count(),
    ]


def evidence():
    return SimpleUploadedFile("thanks.pdf", b"%PDF-1.4\n%scan\n", content_type="application/pdf")


def commend(actor, window, on, now):
    return commendation_record(
        actor=actor,
        kind=Commendation.Kind.THANKS,
        window=window,
        member=None,
        on=on,
        description="群众送来感谢信",
        evidence=evidence(),
        now=now,
    )


def history_user(obj):
    return obj.history.first().history_user


# --- the people ----------------------------------------------------------------------


@pytest.fixture
def clerk_b01(hall):
    return StaffMemberFactory(
        user=UserFactory(username="clerk-b01", first_name="孙丽", roles=[Role.CLERK]),
        window=hall.other_window,
        department=hall.other_department,
    ).user


@pytest.fixture
def chief(hall):
    """A01's chief representative (首席代表), a deputy head of the department."""
    user = UserFactory(username="chief", first_name="钱首席", roles=[Role.WINDOW_HEAD])
    hall.window.chief_representative = user
    hall.window.save()
    return user


@pytest.fixture
def scored_supervisor(hall):
    """A center supervisor who also works at A01 and so is scored."""
    user = UserFactory(username="supervisor2", first_name="郑督查", roles=[Role.SUPERVISOR])
    StaffMemberFactory(user=user, window=hall.window, department=hall.department)
    return user


@pytest.fixture
def draft(hall, clerk, window_head, department_head, clerk_b01, supervisor):
    verified_complaint(hall.window, at(2026, 11, 20, 15))
    return compute(supervisor)


@pytest.fixture
def reviewed(draft, supervisor):
    return period_review(period=draft, actor=supervisor, now=REVIEWED)


@pytest.fixture
def published(reviewed, director):
    return period_publish(period=reviewed, actor=director, now=PUBLISHED)


@pytest.fixture
def final(published, director):
    return period_finalise(period=published, actor=director, now=AFTER)


# --- 1. The draft and its reruns -------------------------------------------------------


def test_the_draft_scores_every_window_and_person_once(draft, hall):
    # A01, B01; 王小明 and 李主任 at A01, 孙丽 at B01.
    assert draft.scores.filter(subject=Score.Subject.WINDOW).count() == 2
    assert draft.scores.filter(subject=Score.Subject.PERSON).count() == 3
    assert window_score(draft, hall.window).total == Decimal("97.00")  # 100 − 3
    assert (draft.status, draft.computed_at) == (Period.Status.DRAFT, COMPUTED)


def test_a_rerun_replaces_the_draft_and_keeps_the_count_of_scores(draft, hall, supervisor):
    before = set(draft.scores.values_list("pk", flat=True))
    verified_complaint(hall.window, at(2026, 11, 21, 15))
    again = compute(supervisor, now=COMPUTED + dt.timedelta(hours=2))
    assert again.pk == draft.pk
    assert again.scores.count() == len(before) == 5
    assert set(again.scores.values_list("pk", flat=True)).isdisjoint(before)
    assert window_score(again, hall.window).total == Decimal("94.00")  # 100 − 2 × 3
    assert again.computed_at == COMPUTED + dt.timedelta(hours=2)
    assert Period.objects.filter(kind=Period.Kind.MONTH, start=NOVEMBER).count() == 1


def test_a_rerun_sends_a_reviewed_draft_back_to_draft(reviewed, supervisor, director):
    assert reviewed.status == Period.Status.REVIEWED
    again = compute(director, now=REVIEWED + dt.timedelta(hours=1))
    assert again.status == Period.Status.DRAFT
    assert (again.reviewed_at, again.reviewed_by) == (None, None)
    assert (again.computed_by, history_user(again)) == (director, director)
    with pytest.raises(ValidationError):  # it must be reviewed again before publication
        period_publish(period=again, actor=director, now=PUBLISHED)


@pytest.mark.parametrize("state", ["published", "final"])
def test_it_refuses_to_recompute_a_published_or_final_period_and_changes_nothing(
    state, request, hall, supervisor
):
    period = request.getfixturevalue(state)
    before = snapshot(period)
    verified_complaint(hall.window, at(2026, 11, 21, 15))
    with pytest.raises(ValidationError):
        compute(supervisor, now=LATER)
    assert snapshot(period) == before


def test_the_month_end_job_does_not_recompute_a_published_month(published, hall):
    before = snapshot(published)
    verified_complaint(hall.window, at(2026, 11, 21, 15))
    assert month_end_run(now=at(2026, 12, 1, 8)) is None
    assert snapshot(published) == before


@pytest.mark.parametrize(
    "persona", ["clerk", "window_head", "department_head", "inspector", "outsider"]
)
def test_it_refuses_to_compute_for_anyone_outside_the_center(persona, request, hall):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        compute(user)
    assert not Period.objects.exists()


def test_it_refuses_a_month_not_yet_begun_or_not_starting_on_the_first(supervisor, hall):
    with pytest.raises(ValidationError):
        compute(supervisor, start=dt.date(2026, 12, 1), now=at(2026, 11, 30, 9))
    with pytest.raises(ValidationError):
        compute(supervisor, start=dt.date(2026, 11, 2))
    assert not Period.objects.exists()


def test_the_draft_records_who_computed_it_on_the_period_and_each_score(draft, supervisor):
    assert (draft.computed_by, history_user(draft)) == (supervisor, supervisor)
    score = draft.scores.first()
    assert history_user(score) == supervisor


# --- 2. Review, publication, finalisation ----------------------------------------------


@pytest.mark.parametrize(
    "persona", ["clerk", "window_head", "department_head", "inspector", "outsider"]
)
def test_it_refuses_a_review_by_anyone_outside_the_center(persona, request, draft):
    before = snapshot(draft)
    with pytest.raises(PermissionDenied):
        period_review(period=draft, actor=request.getfixturevalue(persona), now=REVIEWED)
    assert snapshot(draft) == before


def test_a_supervisor_reviews_a_computed_draft(draft, supervisor):
    period = period_review(period=draft, actor=supervisor, now=REVIEWED)
    period.refresh_from_db()
    assert (period.status, period.reviewed_at, period.reviewed_by) == (
        Period.Status.REVIEWED,
        REVIEWED,
        supervisor,
    )
    assert history_user(period) == supervisor


def test_it_refuses_to_review_twice_or_to_review_what_was_never_computed(reviewed, supervisor):
    before = snapshot(reviewed)
    with pytest.raises(ValidationError):
        period_review(period=reviewed, actor=supervisor, now=REVIEWED)
    assert snapshot(reviewed) == before
    empty = Period.objects.create(kind=Period.Kind.MONTH, start=dt.date(2026, 10, 1))
    with pytest.raises(ValidationError):
        period_review(period=empty, actor=supervisor, now=REVIEWED)
    empty.refresh_from_db()
    assert empty.status == Period.Status.DRAFT and empty.reviewed_at is None


@pytest.mark.parametrize("persona", ["supervisor", "window_head", "inspector", "clerk"])
def test_it_refuses_a_publication_by_anyone_but_the_director(persona, request, reviewed):
    before = snapshot(reviewed)
    with pytest.raises(PermissionDenied):
        period_publish(period=reviewed, actor=request.getfixturevalue(persona), now=PUBLISHED)
    assert snapshot(reviewed) == before


def test_it_refuses_to_publish_a_draft_not_reviewed(draft, director):
    before = snapshot(draft)
    with pytest.raises(ValidationError):
        period_publish(period=draft, actor=director, now=PUBLISHED)
    assert snapshot(draft) == before


def test_the_director_publishes_for_five_working_days_of_objections(
    reviewed, director, clerk, window_head, department_head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        period = period_publish(period=reviewed, actor=director, now=PUBLISHED)
    period.refresh_from_db()
    assert period.status == Period.Status.PUBLICITY
    assert (period.published_at, period.published_by) == (PUBLISHED, director)
    assert period.objections_until == UNTIL
    assert history_user(period) == director
    told = set(
        Alert.objects.filter(key=f"assessment:published:{period.pk}").values_list("user", flat=True)
    )
    assert {clerk.pk, window_head.pk, department_head.pk} <= told
    with pytest.raises(ValidationError):  # published once
        period_publish(period=period, actor=director, now=PUBLISHED)


def test_it_refuses_to_finalise_before_the_objections_end(published, director):
    before = snapshot(published)
    for now in (DURING, UNTIL):
        with pytest.raises(ValidationError):
            period_finalise(period=published, actor=director, now=now)
    assert snapshot(published) == before


def test_it_refuses_a_finalisation_by_anyone_but_the_director(published, supervisor, clerk):
    before = snapshot(published)
    for actor in (supervisor, clerk):
        with pytest.raises(PermissionDenied):
            period_finalise(period=published, actor=actor, now=AFTER)
    assert snapshot(published) == before


def test_it_refuses_to_finalise_a_period_not_published(reviewed, director):
    before = snapshot(reviewed)
    with pytest.raises(ValidationError):
        period_finalise(period=reviewed, actor=director, now=AFTER)
    assert snapshot(reviewed) == before


def test_the_director_finalises_after_the_objections_end(published, director):
    period = period_finalise(period=published, actor=director, now=AFTER)
    period.refresh_from_db()
    assert (period.status, period.finalised_at, period.finalised_by) == (
        Period.Status.FINAL,
        AFTER,
        director,
    )
    assert history_user(period) == director
    with pytest.raises(ValidationError):  # final once
        period_finalise(period=period, actor=director, now=LATER)


# --- 3. Locked after publication --------------------------------------------------------


def test_a_commendation_for_a_draft_month_is_recorded_and_a_rerun_adds_it(draft, hall, supervisor):
    commend(supervisor, hall.window, dt.date(2026, 11, 30), now=COMPUTED)
    again = compute(supervisor, now=COMPUTED + dt.timedelta(hours=1))
    assert window_score(again, hall.window).total == Decimal("99.00")  # 97 + 2


def test_it_refuses_a_commendation_for_a_published_month(published, hall, supervisor):
    before = snapshot(published)
    with pytest.raises(ValidationError) as refused:
        commend(supervisor, hall.window, dt.date(2026, 11, 30), now=DURING)
    assert "on" in refused.value.message_dict
    assert not Commendation.objects.exists()
    assert snapshot(published) == before
    # December is still open.
    commend(supervisor, hall.window, dt.date(2026, 12, 1), now=DURING)


def test_it_refuses_to_withdraw_a_commendation_of_a_published_month(
    reviewed, hall, supervisor, director
):
    thanks = commend(supervisor, hall.window, dt.date(2026, 11, 30), now=REVIEWED)
    period_publish(period=reviewed, actor=director, now=PUBLISHED)
    with pytest.raises(ValidationError):
        commendation_withdraw(commendation=thanks, actor=supervisor, now=DURING)
    thanks.refresh_from_db()
    assert thanks.withdrawn_at is None


def test_it_refuses_a_commendation_from_anyone_outside_the_center(draft, hall, clerk, window_head):
    for actor in (clerk, window_head):
        with pytest.raises(PermissionDenied):
            commend(actor, hall.window, dt.date(2026, 11, 30), now=COMPUTED)
    assert not Commendation.objects.exists()


def test_a_commendation_dated_today_is_accepted_early_in_the_morning(hall, supervisor):
    # 07:00 on Tuesday 1 December in Beijing, as timezone.now() gives it (in UTC).
    now = dt.datetime(2026, 11, 30, 23, 0, tzinfo=dt.UTC)
    assert timezone.localdate(now) == dt.date(2026, 12, 1)
    commend(supervisor, hall.window, dt.date(2026, 12, 1), now=now)
    assert Commendation.objects.count() == 1


@pytest.mark.parametrize("state", ["draft", "reviewed", "published"])
def test_it_refuses_a_correction_before_the_period_is_final(state, request, hall, director):
    period = request.getfixturevalue(state)
    before = snapshot(period)
    with pytest.raises(ValidationError):
        score_correct(
            score=window_score(period, hall.window),
            actor=director,
            points="2",
            reason="漏记表扬",
            now=LATER,
        )
    assert snapshot(period) == before


def test_it_refuses_a_correction_of_a_final_score_by_anyone_but_the_director(
    final, hall, supervisor, inspector
):
    before = snapshot(final)
    for actor in (supervisor, inspector):
        with pytest.raises(PermissionDenied):
            score_correct(
                score=window_score(final, hall.window),
                actor=actor,
                points="2",
                reason="漏记表扬",
                now=LATER,
            )
    assert snapshot(final) == before


@pytest.mark.parametrize(
    "points, reason",
    [("0", "无变化"), ("abc", "漏记表扬"), ("2", "  "), ("100.01", "超过基础分")],
)
def test_it_refuses_a_correction_without_reason_or_points(final, hall, director, points, reason):
    before = snapshot(final)
    with pytest.raises(ValidationError):
        score_correct(
            score=window_score(final, hall.window),
            actor=director,
            points=points,
            reason=reason,
            now=LATER,
        )
    assert snapshot(final) == before


def test_the_director_corrects_a_final_score_on_record_and_it_is_reranked(final, hall, director):
    a01 = window_score(final, hall.window)
    b01 = window_score(final, hall.other_window)
    assert (a01.rank, b01.rank) == (2, 1)  # 97 against 100
    correction = score_correct(
        score=a01, actor=director, points="5", reason="漏记上级表彰", now=LATER
    )
    assert (correction.points, correction.made_by, correction.made_at) == (
        Decimal("5.00"),
        director,
        LATER,
    )
    assert correction.objection is None
    assert history_user(correction) == director
    a01.refresh_from_db()
    b01.refresh_from_db()
    assert (a01.total, a01.corrections) == (Decimal("102.00"), Decimal("5.00"))
    assert history_user(a01) == director
    assert (a01.rank, b01.rank) == (1, 2)
    final.refresh_from_db()
    assert final.status == Period.Status.FINAL  # a correction never reopens the period


def test_a_negative_correction_takes_points_off(final, hall, clerk, director):
    wang = person_score(final, clerk)
    score_correct(score=wang, actor=director, points="-4.5", reason="漏记迟到", now=LATER)
    wang.refresh_from_db()
    assert (wang.total, wang.corrections) == (Decimal("95.50"), Decimal("-4.50"))


# --- 4. Objections ----------------------------------------------------------------------


def test_the_person_scored_objects_to_their_own_score(published, clerk):
    score = person_score(published, clerk)
    objection = objection_file(score=score, actor=clerk, grounds=" 迟到记录有误 ", now=DURING)
    assert (objection.filed_by, objection.filed_at, objection.grounds) == (
        clerk,
        DURING,
        "迟到记录有误",
    )
    assert objection.is_open
    assert history_user(objection) == clerk


@pytest.mark.parametrize("persona", ["window_head", "chief", "department_head"])
def test_the_window_head_chief_representative_or_department_head_objects_for_the_window(
    persona, request, published, hall
):
    user = request.getfixturevalue(persona)
    objection = objection_file(
        score=window_score(published, hall.window), actor=user, grounds="投诉不属实", now=DURING
    )
    assert objection.filed_by == user


@pytest.mark.parametrize(
    "persona, subject",
    [
        ("clerk", "window"),  # a clerk does not speak for the window
        ("clerk", "other_person"),  # nor for a colleague
        ("window_head", "other_window"),
        ("department_head", "other_window"),  # another department's window
        ("supervisor", "window"),
        ("director", "person"),
        ("inspector", "window"),
        ("outsider", "window"),
        ("clerk_b01", "person"),
    ],
)
def test_it_refuses_an_objection_from_anyone_else(
    persona, subject, request, published, hall, clerk, window_head
):
    score = {
        "window": lambda: window_score(published, hall.window),
        "other_window": lambda: window_score(published, hall.other_window),
        "person": lambda: person_score(published, clerk),
        "other_person": lambda: person_score(published, window_head),
    }[subject]()
    with pytest.raises(PermissionDenied):
        objection_file(
            score=score, actor=request.getfixturevalue(persona), grounds="不服", now=DURING
        )
    assert not Objection.objects.exists()


def test_it_takes_objections_only_during_the_publicity_period(
    reviewed, hall, director, clerk, window_head
):
    score = person_score(reviewed, clerk)
    with pytest.raises(ValidationError):  # not yet published
        objection_file(score=score, actor=clerk, grounds="不服", now=REVIEWED)
    period_publish(period=reviewed, actor=director, now=PUBLISHED)
    objection_file(score=score, actor=clerk, grounds="最后一刻", now=UNTIL)  # the last second
    assert Objection.objects.count() == 1
    # One second later, from someone with no objection yet (the period is not final).
    with pytest.raises(ValidationError):
        objection_file(
            score=window_score(reviewed, hall.window),
            actor=window_head,
            grounds="晚了",
            now=UNTIL + dt.timedelta(seconds=1),
        )
    assert Objection.objects.count() == 1


def test_it_refuses_an_objection_to_a_final_period(final, clerk):
    with pytest.raises(ValidationError):
        objection_file(score=person_score(final, clerk), actor=clerk, grounds="不服", now=LATER)
    assert not Objection.objects.exists()


@pytest.mark.parametrize("grounds", ["", "   ", None])
def test_it_refuses_an_objection_without_grounds(grounds, published, clerk):
    with pytest.raises(ValidationError) as refused:
        objection_file(
            score=person_score(published, clerk), actor=clerk, grounds=grounds, now=DURING
        )
    assert "grounds" in refused.value.message_dict
    assert not Objection.objects.exists()


def test_one_open_objection_per_person_and_score(
    published, hall, clerk, window_head, department_head, supervisor
):
    a01 = window_score(published, hall.window)
    first = objection_file(score=a01, actor=window_head, grounds="投诉不属实", now=DURING)
    with pytest.raises(ValidationError):
        objection_file(score=a01, actor=window_head, grounds="再次申请", now=DURING)
    assert Objection.objects.filter(filed_by=window_head).count() == 1
    # Someone else may object to the same score, and the same person to another score.
    objection_file(score=a01, actor=department_head, grounds="我局也有异议", now=DURING)
    objection_file(
        score=person_score(published, window_head),
        actor=window_head,
        grounds="本人分数有误",
        now=DURING,
    )
    # Once answered, a new objection may be filed.
    objection_answer(
        objection=first, actor=supervisor, upheld=False, answer="经核实投诉属实", now=DURING
    )
    objection_file(score=a01, actor=window_head, grounds="补充新证据", now=DURING)
    assert Objection.objects.filter(filed_by=window_head, score=a01).count() == 2


@pytest.fixture
def objection(published, hall, window_head):
    return objection_file(
        score=window_score(published, hall.window),
        actor=window_head,
        grounds="投诉不属实，已有录像为证",
        now=DURING,
    )


@pytest.mark.parametrize(
    "persona", ["clerk", "window_head", "department_head", "inspector", "outsider"]
)
def test_it_refuses_an_answer_from_anyone_outside_the_center(persona, request, objection):
    before = snapshot(objection.score.period)
    with pytest.raises(PermissionDenied):
        objection_answer(
            objection=objection,
            actor=request.getfixturevalue(persona),
            upheld=True,
            answer="同意",
            points="3",
            now=DURING,
        )
    objection.refresh_from_db()
    assert objection.is_open and objection.outcome == ""
    assert snapshot(objection.score.period) == before


def test_the_one_who_filed_does_not_answer_their_own_objection(scored_supervisor, published):
    score = person_score(published, scored_supervisor)
    mine = objection_file(score=score, actor=scored_supervisor, grounds="本人分数有误", now=DURING)
    with pytest.raises(PermissionDenied):
        objection_answer(
            objection=mine,
            actor=scored_supervisor,
            upheld=True,
            answer="同意",
            points="3",
            now=DURING,
        )
    mine.refresh_from_db()
    assert mine.is_open
    assert not Correction.objects.exists()


def test_a_dismissed_objection_leaves_the_score_and_tells_the_one_who_filed(
    objection, supervisor, window_head
):
    score = objection.score
    answered = objection_answer(
        objection=objection, actor=supervisor, upheld=False, answer=" 经核实投诉属实 ", now=DURING
    )
    answered.refresh_from_db()
    assert answered.outcome == Objection.Outcome.DISMISSED
    assert (answered.answer, answered.answered_by, answered.answered_at) == (
        "经核实投诉属实",
        supervisor,
        DURING,
    )
    assert not answered.is_open
    assert history_user(answered) == supervisor
    score.refresh_from_db()
    assert (score.total, score.corrections) == (Decimal("97.00"), Decimal("0.00"))
    assert not Correction.objects.exists()
    assert Alert.objects.filter(user=window_head, key=f"assessment:answer:{objection.pk}").exists()


def test_an_upheld_objection_corrects_the_score_on_record_and_reranks(objection, hall, director):
    answered = objection_answer(
        objection=objection,
        actor=director,
        upheld=True,
        answer="投诉经复核不属实，恢复扣分",
        points="4",
        now=DURING,
    )
    assert answered.outcome == Objection.Outcome.CORRECTED
    correction = Correction.objects.get()
    assert (correction.objection, correction.points, correction.made_by) == (
        objection,
        Decimal("4.00"),
        director,
    )
    assert correction.reason == "投诉经复核不属实，恢复扣分"
    assert history_user(correction) == director
    a01 = window_score(objection.score.period, hall.window)
    b01 = window_score(objection.score.period, hall.other_window)
    assert (a01.total, a01.corrections, a01.rank) == (Decimal("101.00"), Decimal("4.00"), 1)
    assert b01.rank == 2


@pytest.mark.parametrize("points", ["0", "0.00", None, "很多", "250"])
def test_it_refuses_an_upheld_objection_that_does_not_change_the_score(
    points, objection, supervisor
):
    before = snapshot(objection.score.period)
    with pytest.raises(ValidationError):
        objection_answer(
            objection=objection,
            actor=supervisor,
            upheld=True,
            answer="同意",
            points=points,
            now=DURING,
        )
    objection.refresh_from_db()
    assert objection.is_open
    assert snapshot(objection.score.period) == before


def test_it_refuses_an_answer_without_reasons_or_a_second_answer(objection, supervisor):
    with pytest.raises(ValidationError):
        objection_answer(
            objection=objection, actor=supervisor, upheld=False, answer=" ", now=DURING
        )
    objection.refresh_from_db()
    assert objection.is_open
    objection_answer(objection=objection, actor=supervisor, upheld=False, answer="驳回", now=DURING)
    with pytest.raises(ValidationError):
        objection_answer(
            objection=objection,
            actor=supervisor,
            upheld=True,
            answer="改判",
            points="3",
            now=DURING,
        )
    objection.refresh_from_db()
    assert objection.outcome == Objection.Outcome.DISMISSED
    assert not Correction.objects.exists()


def test_it_refuses_to_finalise_while_an_objection_is_open(objection, director, supervisor):
    period = objection.score.period
    before = snapshot(period)
    with pytest.raises(ValidationError):
        period_finalise(period=period, actor=director, now=AFTER)
    assert snapshot(period) == before
    objection_answer(objection=objection, actor=supervisor, upheld=False, answer="驳回", now=AFTER)
    period_finalise(period=period, actor=director, now=AFTER)
    period.refresh_from_db()
    assert period.status == Period.Status.FINAL


def test_the_daily_job_finalises_only_the_periods_that_are_ready(
    hall, clerk, window_head, supervisor, director
):
    def published_month(start, now):
        period = compute(supervisor, start=start, now=now)
        period_review(period=period, actor=supervisor, now=now)
        return period_publish(period=period, actor=director, now=now)

    ready = published_month(dt.date(2026, 9, 1), at(2026, 11, 2, 9))  # until 9 Nov
    waiting = published_month(dt.date(2026, 10, 1), at(2026, 11, 3, 9))  # until 10 Nov
    objection_file(
        score=person_score(waiting, clerk), actor=clerk, grounds="不服", now=at(2026, 11, 4, 9)
    )
    running = published_month(NOVEMBER, at(2026, 12, 7, 10))  # until 14 Dec
    assert finalise_due(now=at(2026, 12, 10, 9)) == 1
    states = {p.pk: Period.objects.get(pk=p.pk) for p in (ready, waiting, running)}
    assert states[ready.pk].status == Period.Status.FINAL
    assert states[ready.pk].finalised_by is None  # by the job
    assert states[waiting.pk].status == Period.Status.PUBLICITY
    assert states[running.pk].status == Period.Status.PUBLICITY
    assert finalise_due(now=at(2026, 12, 10, 10)) == 0  # run again: nothing more


# --- 5. The month-end job ---------------------------------------------------------------


def month_periods():
    return sorted(Period.objects.filter(kind=Period.Kind.MONTH).values_list("start", flat=True))


def test_the_month_end_job_runs_on_the_first_working_day_after_a_weekend(
    hall, clerk, supervisor, director
):
    """1 November 2026 is a Sunday: the job waits for Monday 2 November."""
    assert month_end_run(now=at(2026, 11, 1, 8)) is None
    assert month_periods() == []
    # 00:30 on Monday in Beijing is still Sunday in UTC: the local date decides.
    period = month_end_run(now=at(2026, 11, 2, 0, 30))
    assert (period.start, period.status) == (dt.date(2026, 10, 1), Period.Status.DRAFT)
    assert period.computed_by is None and period.computed_at == at(2026, 11, 2, 0, 30)
    assert period.scores.filter(subject=Score.Subject.WINDOW).count() == 2
    assert month_end_run(now=at(2026, 11, 3, 8)) is None
    assert month_periods() == [dt.date(2026, 10, 1)]
    # The supervisors are told, once per run, and nobody else.
    alerts = Alert.objects.filter(key__startswith=f"assessment:draft:{period.pk}:")
    assert list(alerts.values_list("user", flat=True)) == [supervisor.pk]


def test_the_month_end_job_waits_out_a_holiday_week(hall, clerk, supervisor):
    """1–7 October 2026 are the National Day holidays: the first working day is Thursday 8."""
    for day in (1, 2, 5, 7):
        assert month_end_run(now=at(2026, 10, day, 8)) is None
    assert month_periods() == []
    period = month_end_run(now=at(2026, 10, 8, 8))
    assert period.start == dt.date(2026, 9, 1)
    assert month_end_run(now=at(2026, 10, 9, 8)) is None
    assert month_periods() == [dt.date(2026, 9, 1)]


def test_a_lost_month_end_run_is_made_up_the_next_morning(hall, clerk, supervisor):
    """A worker killed in the middle of the run (bench/faults.py (c)), or a scheduler down
    on the first working day: the next morning's run computes the missing draft, once."""
    assert month_periods() == []  # nothing ran on Monday 2 November
    period = month_end_run(now=at(2026, 11, 3, 8))
    assert (period.start, period.status) == (dt.date(2026, 10, 1), Period.Status.DRAFT)
    computed_at = period.computed_at
    assert month_end_run(now=at(2026, 11, 4, 8)) is None
    period.refresh_from_db()
    assert period.computed_at == computed_at
    assert month_periods() == [dt.date(2026, 10, 1)]
    assert period.scores.filter(subject=Score.Subject.WINDOW).count() == 2


def test_the_month_end_job_runs_on_a_make_up_working_day(hall, clerk, supervisor):
    """1–3 January 2026 are off; Sunday 4 January is a make-up working day (调休上班)."""
    assert month_end_run(now=at(2026, 1, 2, 8)) is None
    period = month_end_run(now=at(2026, 1, 4, 8))
    assert period.start == dt.date(2025, 12, 1)
    assert month_end_run(now=at(2026, 1, 5, 8)) is None
    assert month_periods() == [dt.date(2025, 12, 1)]


def test_the_month_end_job_follows_a_holiday_the_administrator_loaded(hall, clerk, supervisor):
    CalendarDay.objects.create(
        date=dt.date(2026, 12, 1), kind=CalendarDay.Kind.HOLIDAY, name="临时休假"
    )
    assert month_end_run(now=at(2026, 12, 1, 8)) is None
    assert month_end_run(now=at(2026, 12, 2, 8)).start == NOVEMBER


def test_the_month_end_job_run_twice_replaces_its_draft_and_alerts_once(hall, clerk, supervisor):
    first = month_end_run(now=at(2026, 11, 2, 8))
    count = first.scores.count()
    verified_complaint(hall.window, at(2026, 10, 20, 15))
    again = month_end_run(now=at(2026, 11, 2, 8, 5))
    assert again.pk == first.pk and again.scores.count() == count
    assert window_score(again, hall.window).total == Decimal("97.00")
    assert Alert.objects.filter(user=supervisor, key__startswith="assessment:draft:").count() == 1


def test_the_month_end_job_recomputes_a_reviewed_month_as_a_draft(hall, clerk, supervisor):
    period = month_end_run(now=at(2026, 11, 2, 8))
    period_review(period=period, actor=supervisor, now=at(2026, 11, 2, 9))
    again = month_end_run(now=at(2026, 11, 2, 10))
    assert again.status == Period.Status.DRAFT


# --- 6. Who sees which scores -----------------------------------------------------------


def visible(user, period) -> set:
    return {
        s.member.name if s.member_id else s.window.number for s in scores_visible_to(user, period)
    }


EVERY_SCORE = {"A01", "B01", "王小明", "李主任", "孙丽"}


@pytest.mark.parametrize("persona", ["supervisor", "director", "inspector"])
def test_the_center_and_the_inspectors_see_every_score_of_a_draft(persona, request, draft):
    assert visible(request.getfixturevalue(persona), draft) == EVERY_SCORE


def test_the_admin_sees_every_score_of_a_draft(draft, admin_user):
    assert visible(admin_user, draft) == EVERY_SCORE


@pytest.mark.parametrize(
    "persona", ["clerk", "window_head", "department_head", "applicant", "outsider"]
)
def test_nobody_else_sees_a_draft_or_a_reviewed_month(persona, request, reviewed):
    assert visible(request.getfixturevalue(persona), reviewed) == set()


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("supervisor", EVERY_SCORE),
        ("director", EVERY_SCORE),
        ("inspector", EVERY_SCORE),
        # Department D1: its window A01 and the staff scored there.
        ("department_head", {"A01", "王小明", "李主任"}),
        # The head of A01: the window and its staff.
        ("window_head", {"A01", "王小明", "李主任"}),
        ("chief", {"A01", "王小明", "李主任"}),
        ("clerk", {"王小明"}),
        ("clerk_b01", {"孙丽"}),
        ("applicant", set()),
        ("outsider", set()),
    ],
)
def test_after_publication_each_persona_sees_their_own_part(persona, expected, request, published):
    assert visible(request.getfixturevalue(persona), published) == expected


def test_a_final_month_is_seen_as_when_it_was_published(final, clerk, department_head):
    assert visible(clerk, final) == {"王小明"}
    assert visible(department_head, final) == {"A01", "王小明", "李主任"}


# --- 7. Every change is on record -------------------------------------------------------


def test_every_step_of_the_period_is_in_its_history_with_the_user(
    hall, clerk, window_head, supervisor, director
):
    period = compute(supervisor)
    period_review(period=period, actor=supervisor, now=REVIEWED)
    period_publish(period=period, actor=director, now=PUBLISHED)
    period_finalise(period=period, actor=None, now=AFTER)
    rows = list(
        period.history.order_by("history_date", "history_id").values_list("status", "history_user")
    )
    assert rows[-4:] == [
        (Period.Status.DRAFT, supervisor.pk),
        (Period.Status.REVIEWED, supervisor.pk),
        (Period.Status.PUBLICITY, director.pk),
        (Period.Status.FINAL, None),  # the job
    ]


def test_the_staff_member_left_in_the_window_keeps_their_score_visible_to_the_head(
    published, window_head, clerk
):
    """A person who moved away after the month is still shown to the head of the window
    where they were scored."""
    StaffMember.objects.filter(user=clerk).update(window=None)
    assert "王小明" in visible(window_head, published)


def test_publication_tells_the_chief_representative_too(
    hall, clerk, supervisor, director, django_capture_on_commit_callbacks
):
    from hall.models import Alert
    from tests.factories import UserFactory

    chief = UserFactory(username="chiefrep", first_name="钱首席")
    hall.window.chief_representative = chief
    hall.window.save()
    now = timezone.make_aware(dt.datetime(2026, 12, 2, 10, 0))
    period = period_compute(kind="month", start=dt.date(2026, 11, 1), actor=supervisor, now=now)
    period = period_review(period=period, actor=supervisor, now=now)
    with django_capture_on_commit_callbacks(execute=True):
        period_publish(period=period, actor=director, now=now)
    assert Alert.objects.filter(user=chief, key=f"assessment:published:{period.pk}").exists()
