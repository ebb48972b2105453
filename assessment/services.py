"""Writes of the assessment: a period from draft to final (R-SCORE-1).

draft ──review──▶ reviewed ──publish──▶ publicity (公示, objections) ──finalise──▶ final

* A draft is (re)computed by the month-end job or on demand; a rerun replaces the
  draft's scores and sends a reviewed draft back to draft. A published period is never
  recomputed (`period_compute` refuses).
* During the publicity period, until `objections_until`, a window (its head, its chief
  representative, its department's head) or a person objects to their score; a
  supervisor or the director answers, correcting the score or not.
* Once the publicity period is over and every objection answered, the period is final
  (the job does this, or the director). A final period changes only through a recorded
  correction by the director.

Every service takes `actor` and `now`, checks the actor itself, and raises
PermissionDenied or ValidationError without changing anything.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.alerts import AlertSpec, alerts_send
from hall.calendar import end_of_working_day
from hall.roles import Role, role_holders, user_roles
from staff.models import StaffMember
from staff.selectors import is_center as staff_is_center
from windows.models import Window

from .models import Commendation, Correction, Objection, Period, Score, Weight
from .scoring import (
    mark_best,
    month_bounds,
    month_figures,
    rank,
    score_of,
    scored_members,
    scored_windows,
)

# --- who may ---------------------------------------------------------------------------


def _roles(user) -> frozenset:
    return user_roles(user) if user is not None else frozenset()


def is_director(user) -> bool:
    return bool(user is not None and (user.is_superuser or Role.DIRECTOR in _roles(user)))


# Supervisors and the director (and a superuser) run, review and answer.
is_center = staff_is_center


def may_object(user, score: Score) -> bool:
    """The person scored; for a window, its head, its chief representative or the head
    of its department."""
    if user is None or not user.is_authenticated:
        return False
    if score.subject == Score.Subject.PERSON:
        return score.member.user_id == user.pk
    window = score.window
    return user.pk in (
        window.window_head_id,
        window.chief_representative_id,
        window.department.head_id,
    )


# --- computing -------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(day: dt.date) -> dt.date:
    first = month_start(day)
    return month_start(first - dt.timedelta(days=1))


def _locked_period(kind: str, start: dt.date) -> Period:
    period, _created = Period.objects.get_or_create(kind=kind, start=start)
    return Period.objects.select_for_update().get(pk=period.pk)


@transaction.atomic
def period_compute(*, kind: str, start: dt.date, actor, now: dt.datetime) -> Period:
    """Compute (or recompute) a period's draft. Idempotent: a rerun replaces the draft's
    scores; a published or final period is refused (R-SCORE-1, issue 9 point 2).

    The period row is locked for the run, so two runs at once take turns and the second
    simply replaces the first's draft."""
    if actor is not None and not is_center(actor):
        raise PermissionDenied(_("Only the center's supervisors and director compute scores."))
    if kind == Period.Kind.MONTH and start.day != 1:
        raise ValidationError(_("A month starts on its first day."))
    if kind == Period.Kind.YEAR and (start.month, start.day) != (1, 1):
        raise ValidationError(_("A year starts on 1 January."))
    if start > timezone.localdate(now):
        raise ValidationError(_("A period that has not begun cannot be scored."))
    period = _locked_period(kind, start)
    if period.is_published:
        raise ValidationError(
            _("%(period)s is published: it is never recomputed; correct a score instead.")
            % {"period": period.label}
        )
    _drop_draft(period, actor=actor, now=now)
    if kind == Period.Kind.MONTH:
        scores = _month_scores(period)
    else:
        from .annual import year_scores

        scores = year_scores(period)
    Score.objects.bulk_create(scores, batch_size=500)
    _history_rows(period, kind="+", actor=actor, now=now)
    period.status = Period.Status.DRAFT
    period.computed_at = now
    period.computed_by = actor
    period.reviewed_at = period.reviewed_by = None
    period._history_user = actor
    period.save()
    return period


def _history_rows(period: Period, *, kind: str, actor, now: dt.datetime) -> None:
    """Write the history rows ("+" created, "-" deleted) of every score of `period` in
    one INSERT … SELECT: the set-based way to keep simple-history's record of a
    draft's 1,200 scores (style.md, "history rows written in bulk")."""
    History = Score.history.model
    quote = connection.ops.quote_name
    columns = [f.column for f in Score._meta.concrete_fields]
    listed = ", ".join(quote(c) for c in columns)
    sql = (
        f"INSERT INTO {quote(History._meta.db_table)} ({listed}, history_date, "  # noqa: S608
        "history_change_reason, history_type, history_user_id) "
        f"SELECT {listed}, %s, '', %s, %s FROM {quote(Score._meta.db_table)} "
        "WHERE period_id = %s"
    )
    with connection.cursor() as cursor:
        # The moment of writing, as simple-history records it for every other row (the
        # `now` of a service may be a frozen or past time).
        cursor.execute(sql, [timezone.now(), kind, getattr(actor, "pk", None), period.pk])


def _drop_draft(period: Period, *, actor, now: dt.datetime) -> None:
    """Delete the draft's scores with their "deleted" history rows, set-based (a
    row-by-row `.delete()` writes one history row per score through a signal: at 1,200
    scores that was half the run). A draft has no objection or correction: those exist
    only once a period is published."""
    _history_rows(period, kind="-", actor=actor, now=now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(Score._meta.db_table)} "  # noqa: S608
            "WHERE period_id = %s",
            [period.pk],
        )


def _month_scores(period: Period) -> list[Score]:
    start, end, _a, _b = month_bounds(period.start)
    figures = month_figures(start)
    weights = Weight.table()
    base_fields = {"period": period}
    windows = []
    for window in scored_windows():
        tally = figures.windows.get(window.pk)
        windows.append(
            _score(
                tally,
                weights,
                subject=Score.Subject.WINDOW,
                window=window,
                department_id=window.department_id,
                **base_fields,
            )
        )
    people = []
    for member in scored_members(start, end):
        tally = figures.people.get(member.user_id)
        people.append(
            _score(
                tally,
                weights,
                subject=Score.Subject.PERSON,
                window=member.window,
                department_id=member.department_id,
                member=member,
                **base_fields,
            )
        )
    rank(windows)
    rank(people)
    mark_best(windows, settings.HALL_SCORE_BEST_WINDOWS)
    return windows + people


def _score(tally, weights, **fields) -> Score:
    from .scoring import Tally

    tally = tally or Tally()
    result = score_of(tally, weights)
    return Score(
        base=result.base,
        deductions=result.deductions,
        commendations=result.commendations,
        corrections=Decimal(0),
        total=result.total,
        breakdown=result.breakdown,
        award_eligible=not tally.award_lost,
        **tally.indicators,
        **fields,
    )


def month_end_run(*, now: dt.datetime) -> Period | None:
    """The month-end job: on the first working day of a month, the previous month's
    draft (R-SCORE-1). On a later day it computes that draft only if there is none yet:
    a run that was lost (a worker killed in the middle, the scheduler down that morning)
    is made up the next morning. A published month is never touched. Returns the period
    computed."""
    from hall.calendar import WorkingCalendar

    today = timezone.localdate(now)
    calendar = WorkingCalendar()
    first_working = today.replace(day=1)
    while not calendar.is_working_day(first_working):
        first_working += dt.timedelta(days=1)
    if today < first_working:
        return None
    start = previous_month(today)
    existing = Period.objects.filter(kind=Period.Kind.MONTH, start=start).first()
    if existing is not None and (existing.is_published or today != first_working):
        return None
    period = period_compute(kind=Period.Kind.MONTH, start=start, actor=None, now=now)
    alerts_send(
        [
            AlertSpec(
                user_id=uid,
                key=f"assessment:draft:{period.pk}:{period.computed_at:%Y%m%d}",
                level="info",
                title=_("%(period)s: the draft is ready for review") % {"period": period.label},
                url=period.get_absolute_url(),
            )
            for uid in role_holders(Role.SUPERVISOR)
        ],
        now=now,
    )
    return period


# --- review, publication, finalisation -------------------------------------------------


def _lock(period: Period) -> Period:
    return Period.objects.select_for_update().get(pk=period.pk)


@transaction.atomic
def period_review(*, period: Period, actor, now: dt.datetime) -> Period:
    """A supervisor has checked the draft (issue 9 point 2)."""
    if not is_center(actor):
        raise PermissionDenied(_("Only a supervisor or the director reviews a draft."))
    period = _lock(period)
    if period.status != Period.Status.DRAFT or period.computed_at is None:
        raise ValidationError(_("Only a computed draft can be reviewed."))
    period.status = Period.Status.REVIEWED
    period.reviewed_at, period.reviewed_by = now, actor
    period._history_user = actor
    period.save()
    return period


@transaction.atomic
def period_publish(*, period: Period, actor, now: dt.datetime) -> Period:
    """The director publishes a reviewed period for the publicity period (公示): it is
    posted on the public page, and the scored people and the department heads are told
    they may object until the end of the HALL_SCORE_PUBLICITY_DAYS-th working day."""
    if not is_director(actor):
        raise PermissionDenied(_("Only the center director publishes scores."))
    period = _lock(period)
    if period.status != Period.Status.REVIEWED:
        raise ValidationError(_("Only a reviewed draft can be published."))
    period.status = Period.Status.PUBLICITY
    period.published_at, period.published_by = now, actor
    period.objections_until = end_of_working_day(now, settings.HALL_SCORE_PUBLICITY_DAYS)
    period._history_user = actor
    period.save()
    transaction.on_commit(lambda: _tell_published(period.pk, now))
    return period


def _tell_published(period_id: int, now: dt.datetime) -> None:
    period = Period.objects.get(pk=period_id)
    users = set(
        Score.objects.filter(period=period, subject=Score.Subject.PERSON).values_list(
            "member__user_id", flat=True
        )
    )
    # Those who may object for a window: its department's head, its head and its
    # chief representative.
    for heads in (
        Window.objects.filter(scores__period=period)
        .values_list("department__head_id", "window_head_id", "chief_representative_id")
        .distinct()
    ):
        users |= {uid for uid in heads if uid is not None}
    until = period.objections_until
    alerts_send(
        [
            AlertSpec(
                user_id=uid,
                key=f"assessment:published:{period.pk}",
                level="info",
                title=_("%(period)s published: objections until %(until)s")
                % {"period": period.label, "until": f"{until:%Y-%m-%d %H:%M}"},
                url=period.get_absolute_url(),
            )
            for uid in users
        ],
        now=now,
    )


@transaction.atomic
def period_finalise(*, period: Period, actor, now: dt.datetime) -> Period:
    """After the publicity period, with every objection answered, the period is final
    and locked. The job calls it with actor None; the director may too."""
    if actor is not None and not is_director(actor):
        raise PermissionDenied(_("Only the center director makes a period final."))
    period = _lock(period)
    if period.status != Period.Status.PUBLICITY:
        raise ValidationError(_("Only a published period becomes final."))
    if now <= period.objections_until:
        raise ValidationError(
            _("Objections may be filed until %(until)s.")
            % {"until": f"{period.objections_until:%Y-%m-%d %H:%M}"}
        )
    if Objection.objects.filter(score__period=period, answered_at=None).exists():
        raise ValidationError(_("Every objection must be answered first."))
    period.status = Period.Status.FINAL
    period.finalised_at, period.finalised_by = now, actor
    period._history_user = actor
    period.save()
    if period.kind == Period.Kind.MONTH and period.start.month % 3 == 0:
        # R-SCORE-4: the quarter (and in June and December the half year) is complete:
        # its report goes to the departments now, not on a fixed day before it is.
        from .reports import feedback_send

        after = period.end
        transaction.on_commit(lambda: feedback_send(now=now, today=after))
    return period


def finalise_due(*, now: dt.datetime) -> int:
    """The daily job: make final every period whose publicity is over and whose
    objections are all answered. Returns how many."""
    done = 0
    due = Period.objects.filter(status=Period.Status.PUBLICITY, objections_until__lt=now)
    for period in due:
        try:
            period_finalise(period=period, actor=None, now=now)
            done += 1
        except ValidationError:
            continue
    return done


# --- objections and corrections --------------------------------------------------------


@transaction.atomic
def objection_file(*, score: Score, actor, grounds: str, now: dt.datetime) -> Objection:
    """异议 during the publicity period, by the window or person scored."""
    if not may_object(actor, score):
        raise PermissionDenied(_("Only the window or the person scored may object."))
    period = _lock(score.period)
    if period.status != Period.Status.PUBLICITY or now > period.objections_until:
        raise ValidationError(_("Objections are taken only during the publicity period."))
    grounds = (grounds or "").strip()
    if not grounds:
        raise ValidationError({"grounds": _("Say what is wrong with the score.")})
    if Objection.objects.filter(score=score, filed_by=actor, answered_at=None).exists():
        raise ValidationError(_("Your objection to this score is waiting for its answer."))
    objection = Objection(score=score, filed_by=actor, filed_at=now, grounds=grounds)
    objection._history_user = actor
    objection.save()
    alerts_send(
        [
            AlertSpec(
                user_id=uid,
                key=f"assessment:objection:{objection.pk}",
                level="warning",
                title=_("Objection to %(name)s's score for %(period)s")
                % {"name": score.name, "period": period.label},
                url=score.get_absolute_url(),
            )
            for uid in role_holders(Role.SUPERVISOR)
        ],
        now=now,
    )
    return objection


def _points(value, field: str = "points") -> Decimal:
    try:
        points = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Enter a number of points.")}) from None
    if abs(points) > Decimal(settings.HALL_SCORE_BASE):
        raise ValidationError({field: _("A correction cannot exceed the base score.")})
    return points


def _apply(score: Score, correction: Correction, actor) -> None:
    score = Score.objects.select_for_update().get(pk=score.pk)
    score.corrections += correction.points
    score.total += correction.points
    score._history_user = actor
    score.save(update_fields=["corrections", "total"])
    _rerank(score.period, score.subject)


def _rerank(period: Period, subject: str) -> None:
    """After a correction: the ranks again, the month's best windows, and in an annual
    review the grades and the proposals, which follow the totals (R-SCORE-3, -6)."""
    if period.kind == Period.Kind.YEAR:
        from .annual import grade, propose

        windows = list(Score.objects.filter(period=period, subject=Score.Subject.WINDOW))
        people = list(Score.objects.filter(period=period, subject=Score.Subject.PERSON))
        rank(windows)
        rank(people)
        for score in windows + people:
            score.proposal = Score.Proposal.NONE
        grade(people)
        propose(windows, people)
        Score.objects.bulk_update(windows + people, ["rank", "grade", "proposal"], batch_size=500)
        return
    scores = list(Score.objects.filter(period=period, subject=subject))
    rank(scores)
    if subject == Score.Subject.WINDOW:
        mark_best(scores, settings.HALL_SCORE_BEST_WINDOWS)
    Score.objects.bulk_update(scores, ["rank", "best"], batch_size=500)


@transaction.atomic
def objection_answer(
    *, objection: Objection, actor, upheld: bool, answer: str, points=None, now: dt.datetime
) -> Objection:
    """A supervisor or the director answers: dismissed, or upheld with the points the
    score is corrected by (recorded as a correction)."""
    if not is_center(actor):
        raise PermissionDenied(_("Only a supervisor or the director answers objections."))
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if not objection.is_open:
        raise ValidationError(_("This objection has been answered."))
    if objection.filed_by_id == actor.pk:
        raise PermissionDenied(_("An objection is answered by someone else."))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Give the answer and its reasons.")})
    if objection.score.period.status != Period.Status.PUBLICITY:
        raise ValidationError(_("The period is no longer in its publicity period."))
    correction = None
    if upheld:
        points = _points(points)
        if points == 0:
            raise ValidationError({"points": _("An upheld objection changes the score.")})
        correction = Correction(
            score=objection.score,
            points=points,
            reason=answer,
            objection=objection,
            made_by=actor,
            made_at=now,
        )
    objection.outcome = Objection.Outcome.CORRECTED if upheld else Objection.Outcome.DISMISSED
    objection.answer, objection.answered_by, objection.answered_at = answer, actor, now
    objection._history_user = actor
    objection.save()
    if correction is not None:
        correction._history_user = actor
        correction.save()
        _apply(objection.score, correction, actor)
    alerts_send(
        [
            AlertSpec(
                user_id=objection.filed_by_id,
                key=f"assessment:answer:{objection.pk}",
                level="info",
                title=_("Your objection has been answered"),
                body=answer,
                url=objection.score.get_absolute_url(),
            )
        ],
        now=now,
    )
    return objection


@transaction.atomic
def score_correct(*, score: Score, actor, points, reason: str, now: dt.datetime) -> Correction:
    """A final period's score changes only this way: by the director, with reasons,
    recorded (issue 9 point 2)."""
    if not is_director(actor):
        raise PermissionDenied(_("Only the center director corrects a final score."))
    period = _lock(score.period)
    if period.status != Period.Status.FINAL:
        raise ValidationError(
            _(
                "Only a final period is corrected; a draft is recomputed, and a published one "
                "is corrected by answering an objection."
            )
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    points = _points(points)
    if points == 0:
        raise ValidationError({"points": _("A correction changes the score.")})
    correction = Correction(score=score, points=points, reason=reason, made_by=actor, made_at=now)
    correction._history_user = actor
    correction.save()
    _apply(score, correction, actor)
    return correction


# --- commendations ---------------------------------------------------------------------


def _month_open(on: dt.date) -> None:
    period = Period.objects.filter(kind=Period.Kind.MONTH, start=month_start(on)).first()
    if period is not None and period.is_published:
        raise ValidationError(
            {
                "on": _("%(period)s is published: ask the director for a correction instead.")
                % {"period": period.label}
            }
        )


@transaction.atomic
def commendation_record(
    *,
    actor,
    kind: str,
    window: Window,
    member: StaffMember | None,
    on: dt.date,
    description: str,
    evidence,
    now: dt.datetime,
) -> Commendation:
    """A supervisor records a commendation with its evidence (R-SCORE-1)."""
    if not is_center(actor):
        raise PermissionDenied(_("Only a supervisor or the director records commendations."))
    errors = {}
    if kind not in Commendation.Kind.values:
        errors["kind"] = _("Choose the kind of commendation.")
    if member is not None and member.window_id != window.pk:
        errors["member"] = _("%(name)s does not work at this window.") % {"name": member.name}
    if on > timezone.localdate(now):
        errors["on"] = _("A commendation cannot be dated in the future.")
    if not (description or "").strip():
        errors["description"] = _("Say what was done.")
    if not evidence:
        errors["evidence"] = _("Attach the evidence (a scan or a photo).")
    if errors:
        raise ValidationError(errors)
    _month_open(on)
    commendation = Commendation(
        kind=kind,
        window=window,
        member=member,
        on=on,
        description=description.strip(),
        evidence=evidence,
        recorded_by=actor,
        recorded_at=now,
    )
    commendation._history_user = actor
    commendation.save()
    return commendation


@transaction.atomic
def commendation_withdraw(*, commendation: Commendation, actor, now: dt.datetime) -> Commendation:
    if not is_center(actor):
        raise PermissionDenied(_("Only a supervisor or the director withdraws commendations."))
    commendation = Commendation.objects.select_for_update().get(pk=commendation.pk)
    if commendation.withdrawn_at is not None:
        raise ValidationError(_("This commendation was already withdrawn."))
    _month_open(commendation.on)
    commendation.withdrawn_at = now
    commendation._history_user = actor
    commendation.save()
    return commendation


def scores_visible_to(user, period: Period):
    """A selector: the scores of `period` a user may read. The center and the
    inspectors every score; a department head their department's; a window head their
    windows' and their staff's; anyone else their own score. Before publication only
    the center sees a draft."""
    from staff.selectors import scope_for_user

    scores = Score.objects.filter(period=period).select_related("window", "department", "member")
    roles = _roles(user)
    if user.is_superuser or roles & {Role.SUPERVISOR, Role.DIRECTOR, Role.INSPECTOR}:
        return scores
    if not period.is_published:
        return scores.none()
    scope = scope_for_user(user)
    q = Q(member__user=user)
    if scope.view_department_ids and Role.DEPARTMENT_HEAD in roles:
        q |= Q(department_id__in=scope.view_department_ids)
    if Role.WINDOW_HEAD in roles:
        q |= Q(window_id__in=scope.view_window_ids)
    q |= Q(subject=Score.Subject.WINDOW, window__window_head=user)
    return scores.filter(q)


def reverse_period(period: Period) -> str:
    return reverse("assessment:period", args=[period.kind, period.key])
