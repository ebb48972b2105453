"""The annual review (年度总评, R-SCORE-3, -4, -5, -6).

* A window's annual score is the mean of its published monthly scores of the year.
* A staff member's is that mean, weighted (1 − HALL_SCORE_MERIT_SHARE), plus their
  德能勤绩廉 rating weighted HALL_SCORE_MERIT_SHARE. The rating combines self, leader and
  peer marks with the applicants' part — the year's satisfaction rate of the ratings
  naming the person — by HALL_SCORE_MERIT_WEIGHTS; a part nobody gave is left out
  and the others' weights scaled up.
* Grades: 优秀 for the best, up to the hall's own quota (HALL_SCORE_EXCELLENT_QUOTA of
  the staff scored, rounded down: S2 §23, S3 六 — it does not take places from the
  departments' quotas) and only at HALL_SCORE_EXCELLENT_MIN or above; then 称职, 基本称职
  and 不称职 by their floors. At the quota's edge a tie is broken by the monthly mean,
  then by fewer verified complaints; a tie on all three goes to neither, so the quota
  is never exceeded.
* R-SCORE-5: each department's windows' annual score counts HALL_SCORE_DEPARTMENT_SHARE
  (40 %) in its annual target score.
* R-SCORE-6: the best windows are proposed as red-flag and advanced windows, the best
  excellent staff as advanced individuals; a window that lost award eligibility in any
  month of the year by an accountability decision is not proposed.
* A 不称职 grade in a published year is a fact for the return check (R-ORG-5).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Q, Sum
from django.utils.translation import gettext as _

from accountability.models import Effect
from complaints.models import Rating
from hall.roles import Role, user_roles
from staff.models import StaffMember
from windows.models import Window

from .models import DepartmentResult, MeritRating, Period, Score
from .scoring import GOOD_LEVELS, INDICATORS, TWO

ZERO = Decimal(0)


def merit_weights() -> dict[str, Decimal]:
    self_, leader, peer, applicant = settings.HALL_SCORE_MERIT_WEIGHTS
    return {
        "self": Decimal(self_),
        "leader": Decimal(leader),
        "peer": Decimal(peer),
        "applicant": Decimal(applicant),
    }


def merit_parts(period: Period) -> dict[int, dict[str, Decimal]]:
    """Per staff member id: the mean mark given as self, leader and peer, and the
    applicants' satisfaction rate, each on 0–100."""
    parts: dict[int, dict[str, Decimal]] = defaultdict(dict)
    marks = defaultdict(list)
    for rating in MeritRating.objects.filter(period=period):
        marks[(rating.member_id, rating.rater_kind)].append(rating.average)
    for (member_id, kind), values in marks.items():
        parts[member_id][kind] = sum(values) / len(values)
    start = period.start
    end = period.end
    rows = (
        Rating.objects.filter(
            rated_at__date__gte=start,
            rated_at__date__lt=end,
            invalid=False,
            staff_member__isnull=False,
        )
        .values("staff_member_id")
        .annotate(n=Count("pk"), good=Count("pk", filter=Q(level__in=GOOD_LEVELS)))
        .order_by()
    )
    for row in rows:
        parts[row["staff_member_id"]]["applicant"] = Decimal(row["good"] * 100) / row["n"]
    return parts


def merit_of(parts: dict[str, Decimal]) -> Decimal | None:
    weights = merit_weights()
    present = {k: w for k, w in weights.items() if k in parts and w > 0}
    if not present:
        return None
    total = sum(present.values())
    return (sum(parts[k] * w for k, w in present.items()) / total).quantize(
        TWO, rounding=ROUND_HALF_UP
    )


def _monthly(period: Period, subject: str, key: str):
    """Per window or member id: the mean total and the sums of the indicators of the
    year's published months."""
    months = Score.objects.filter(
        period__kind=Period.Kind.MONTH,
        period__start__gte=period.start,
        period__start__lt=period.end,
        period__status__in=Period.PUBLISHED,
        subject=subject,
    )
    rows = (
        months.values(key)
        .annotate(mean=Avg("total"), months=Count("pk"), **{f: Sum(f) for f in INDICATORS})
        .order_by()
    )
    return {row[key]: row for row in rows}


def year_scores(period: Period) -> list[Score]:
    """The annual scores of the year (R-SCORE-3, -5, -6), grades and proposals included,
    and the departments' results written beside them."""
    window_rows = _monthly(period, Score.Subject.WINDOW, "window_id")
    member_rows = _monthly(period, Score.Subject.PERSON, "member_id")
    lost = set(
        Effect.objects.in_force()
        .filter(kind=Effect.Kind.AWARD_LOSS, month__gte=period.start, month__lt=period.end)
        .values_list("window_id", flat=True)
    )
    windows = []
    for window in Window.objects.filter(pk__in=window_rows).select_related("department"):
        windows.append(
            _annual(
                period,
                window_rows[window.pk],
                subject=Score.Subject.WINDOW,
                window=window,
                department_id=window.department_id,
                award_eligible=window.pk not in lost,
            )
        )
    parts = merit_parts(period)
    share = Decimal(str(settings.HALL_SCORE_MERIT_SHARE))
    people = []
    # Where each person last worked in the year: someone who has since left the hall
    # (no window now) is still reviewed for the months they were scored.
    last_post = {
        member_id: (window_id, department_id)
        for member_id, window_id, department_id in Score.objects.filter(
            period__kind=Period.Kind.MONTH,
            period__start__gte=period.start,
            period__start__lt=period.end,
            period__status__in=Period.PUBLISHED,
            subject=Score.Subject.PERSON,
        )
        .order_by("period__start")
        .values_list("member_id", "window_id", "department_id")
    }
    for member in StaffMember.objects.filter(pk__in=member_rows):
        row = member_rows[member.pk]
        window_id, department_id = last_post[member.pk]
        score = _annual(
            period,
            row,
            subject=Score.Subject.PERSON,
            window_id=window_id,
            department_id=department_id,
            member=member,
        )
        score.merit = merit_of(parts.get(member.pk, {}))
        if score.merit is not None:
            score.total = (score.base * (1 - share) + score.merit * share).quantize(
                TWO, rounding=ROUND_HALF_UP
            )
        people.append(score)
    from .scoring import rank

    rank(windows)
    rank(people)
    grade(people)
    propose(windows, people)
    _departments(period, windows)
    return windows + people


def _annual(period: Period, row, **fields) -> Score:
    mean = Decimal(str(row["mean"])).quantize(TWO, rounding=ROUND_HALF_UP)
    return Score(
        period=period,
        base=mean,
        total=mean,
        months=row["months"],
        **{f: row[f] or 0 for f in INDICATORS},
        **fields,
    )


def _order(score: Score):
    return (-score.total, -score.base, score.complaints)


def grade(people: list[Score]) -> None:
    """优秀 within the hall's quota and above its floor, then the other grades by their
    floors (R-SCORE-3; S2 §23)."""
    quota = int(
        (
            Decimal(len(people)) * Decimal(str(settings.HALL_SCORE_EXCELLENT_QUOTA))
        ).to_integral_value(rounding=ROUND_FLOOR)
    )
    floor = Decimal(settings.HALL_SCORE_EXCELLENT_MIN)
    candidates = sorted((p for p in people if p.total >= floor), key=_order)
    excellent = candidates[:quota]
    if len(candidates) > quota and excellent and _order(candidates[quota]) == _order(excellent[-1]):
        # A tie across the edge on every criterion: neither gets the place.
        tied = _order(excellent[-1])
        excellent = [p for p in excellent if _order(p) != tied]
    chosen = {id(p) for p in excellent}
    for p in people:
        if id(p) in chosen:
            p.grade = Score.Grade.EXCELLENT
        elif p.total >= settings.HALL_SCORE_COMPETENT_MIN:
            p.grade = Score.Grade.COMPETENT
        elif p.total >= settings.HALL_SCORE_BASIC_MIN:
            p.grade = Score.Grade.BASIC
        else:
            p.grade = Score.Grade.INCOMPETENT


def propose(windows: list[Score], people: list[Score]) -> None:
    """R-SCORE-6: awards come from the best scores."""
    eligible = sorted((w for w in windows if w.award_eligible), key=_order)
    red = settings.HALL_SCORE_RED_FLAG_WINDOWS
    advanced = settings.HALL_SCORE_ADVANCED_WINDOWS
    for index, score in enumerate(eligible):
        if index < red:
            score.proposal = Score.Proposal.RED_FLAG
        elif index < red + advanced:
            score.proposal = Score.Proposal.ADVANCED_WINDOW
    excellent = sorted((p for p in people if p.grade == Score.Grade.EXCELLENT), key=_order)
    for score in excellent[: settings.HALL_SCORE_ADVANCED_PEOPLE]:
        score.proposal = Score.Proposal.ADVANCED_PERSON


def _departments(period: Period, windows: list[Score]) -> None:
    """R-SCORE-5: the department's windows' mean annual score × 40 %."""
    DepartmentResult.objects.filter(period=period).delete()
    share = Decimal(str(settings.HALL_SCORE_DEPARTMENT_SHARE))
    by_department = defaultdict(list)
    for score in windows:
        by_department[score.department_id].append(score.total)
    DepartmentResult.objects.bulk_create(
        [
            DepartmentResult(
                period=period,
                department_id=department_id,
                window_score=(sum(totals) / len(totals)).quantize(TWO, rounding=ROUND_HALF_UP),
                share=share,
                contribution=(sum(totals) / len(totals) * share).quantize(
                    TWO, rounding=ROUND_HALF_UP
                ),
            )
            for department_id, totals in by_department.items()
        ]
    )


# --- collecting the 德能勤绩廉 marks -----------------------------------------------------


def rater_kind_for(user, member: StaffMember) -> str | None:
    """How `user` may rate `member`: themself, as a leader (their window's head or chief
    representative, their department's head, the center's director or a supervisor),
    or as a peer (a colleague at the same window). None: not at all."""
    if member.user_id == user.pk:
        return MeritRating.Rater.SELF
    window = member.window
    roles = user_roles(user)
    if (
        user.is_superuser
        or roles & {Role.DIRECTOR, Role.SUPERVISOR}
        or (
            window is not None
            and user.pk in (window.window_head_id, window.chief_representative_id)
        )
        or member.department.head_id == user.pk
    ):
        return MeritRating.Rater.LEADER
    colleague = StaffMember.objects.filter(
        user=user, is_active=True, window_id=member.window_id
    ).exists()
    return MeritRating.Rater.PEER if colleague and member.window_id else None


@transaction.atomic
def merit_rate(*, year: int, member: StaffMember, actor, marks: dict, now: dt.datetime):
    """Record (or replace) one rater's 德能勤绩廉 marks for a staff member's year, while
    the year is not yet published."""
    kind = rater_kind_for(actor, member)
    if kind is None:
        raise PermissionDenied(_("You may not rate this staff member."))
    errors = {}
    clean = {}
    for dim in MeritRating.DIMENSIONS:
        try:
            raw = str(marks.get(dim)).strip()
            if not raw.isdigit():  # a whole mark: 85.7 is refused, not cut to 85
                raise ValueError(raw)
            value = int(raw)
        except (TypeError, ValueError):
            errors[dim] = _("Give a mark from 0 to 100.")
            continue
        if not 0 <= value <= 100:
            errors[dim] = _("Give a mark from 0 to 100.")
        clean[dim] = value
    if errors:
        raise ValidationError(errors)
    start = dt.date(year, 1, 1)
    period, _created = Period.objects.get_or_create(kind=Period.Kind.YEAR, start=start)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.is_published:
        raise ValidationError(_("The %(year)s review is published.") % {"year": year})
    rating = MeritRating.objects.filter(period=period, member=member, rater=actor).first()
    if rating is None:
        rating = MeritRating(period=period, member=member, rater=actor)
    rating.rater_kind = kind
    for dim, value in clean.items():
        setattr(rating, dim, value)
    rating.rated_at = now
    rating._history_user = actor
    rating.save()
    return rating


def annual_grades_in(member_ids, since: dt.date, until: dt.date):
    """The return rule's fact source (R-ORG-5): a 不称职 grade in a published annual
    review whose year ends within the window of time."""
    from staff.returns import Fact

    found: dict[int, list] = {}
    rows = Score.objects.filter(
        member_id__in=list(member_ids),
        subject=Score.Subject.PERSON,
        grade=Score.Grade.INCOMPETENT,
        period__kind=Period.Kind.YEAR,
        period__status__in=Period.PUBLISHED,
    ).values_list("member_id", "period__start")
    for member_id, start in rows:
        year_end = dt.date(start.year, 12, 31)
        if since <= year_end <= until:
            found.setdefault(member_id, []).append(
                Fact(year_end, _("Annual grade 不称职 for %(year)s") % {"year": start.year})
            )
    return found
