"""Assessment pages (R-SCORE-1..6): the periods, a month's or a year's scores from draft
to final, a score with its objections and corrections, commendations, the 德能勤绩廉
marks, and the public notice.

Every step posts to its own address and calls its service; a refusal comes back to
the page with the reason and what was typed (400, or 403 outside one's part)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hall.forms import refusal_text
from hall.roles import Role, user_roles
from staff.models import StaffMember
from windows.models import Window

from . import services as svc
from .annual import merit_rate, rater_kind_for
from .models import Commendation, DepartmentResult, MeritRating, Objection, Period, Score

EVIDENCE_TYPES = {".pdf", ".jpg", ".jpeg", ".png"}


def _sees_all(user) -> bool:
    return bool(
        user.is_superuser or user_roles(user) & {Role.SUPERVISOR, Role.DIRECTOR, Role.INSPECTOR}
    )


def _parse(kind: str, key: str) -> dt.date:
    try:
        if kind == Period.Kind.YEAR:
            return dt.date(int(key), 1, 1)
        year, month = key.split("-")
        return dt.date(int(year), int(month), 1)
    except ValueError:
        raise Http404 from None


def _today() -> dt.date:
    return timezone.localdate()


# --- the periods -----------------------------------------------------------------------


@require_GET
@login_required
def home(request):
    """The months and years: the center sees drafts too; everyone else what is
    published, and their own latest score."""
    user = request.user
    for kind, pattern in ((Period.Kind.MONTH, r"^\d{4}-\d{2}$"), (Period.Kind.YEAR, r"^\d{4}$")):
        wanted = request.GET.get(str(kind), "").strip()
        if wanted and re.match(pattern, wanted):
            return redirect("assessment:period", kind=kind, key=wanted)
    periods = Period.objects.all()
    if not _sees_all(user):
        periods = periods.filter(status__in=Period.PUBLISHED)
    today = _today()
    mine = (
        Score.objects.filter(member__user=user, period__status__in=Period.PUBLISHED)
        .select_related("period")
        .order_by("-period__start", "period__kind")[:12]
    )
    return render(
        request,
        "assessment/home.html",
        {
            "months": periods.filter(kind=Period.Kind.MONTH)[:36],
            "years": periods.filter(kind=Period.Kind.YEAR)[:10],
            "center": svc.is_center(user),
            "mine": mine,
            "last_month": svc.previous_month(today),
            "this_year": today.year,
            "may_rate": StaffMember.objects.filter(user=user).exists()
            or _sees_all(user)
            or bool(user_roles(user) & {Role.WINDOW_HEAD, Role.DEPARTMENT_HEAD}),
        },
    )


def _period_page(request, kind: str, key: str, *, error: str = "", status: int = 200):
    user = request.user
    start = _parse(kind, key)
    period = Period.objects.filter(kind=kind, start=start).first()
    center = svc.is_center(user)
    if period is None:
        if not center:
            raise Http404
        return render(
            request,
            "assessment/period.html",
            {
                "kind": kind,
                "key": key,
                "start": start,
                "period": None,
                "center": center,
                "error": error,
            },
            status=status,
        )
    scores = svc.scores_visible_to(user, period)
    if not scores.exists() and not center and not _sees_all(user):
        raise PermissionDenied
    windows = scores.filter(subject=Score.Subject.WINDOW).order_by("rank", "window__number")
    people = scores.filter(subject=Score.Subject.PERSON).order_by("rank", "member__name")
    department = request.GET.get("department", "").strip()
    if department:
        windows = windows.filter(department__code=department)
        people = people.filter(department__code=department)
    open_objections = (
        Objection.objects.filter(score__period=period, answered_at=None).select_related(
            "score__window", "score__member", "filed_by"
        )
        if center
        else Objection.objects.none()
    )
    now = timezone.now()
    return render(
        request,
        "assessment/period.html",
        {
            "kind": kind,
            "key": key,
            "start": start,
            "period": period,
            "windows": windows,
            "people": people,
            "department": department,
            "departments": DepartmentResult.objects.filter(period=period).select_related(
                "department"
            )
            if period.is_annual
            else [],
            "center": center,
            "director": svc.is_director(user),
            "open_objections": open_objections,
            "may_compute": center and not period.is_published,
            "may_review": center and period.status == Period.Status.DRAFT,
            "may_publish": svc.is_director(user) and period.status == Period.Status.REVIEWED,
            "may_finalise": svc.is_director(user)
            and period.status == Period.Status.PUBLICITY
            and period.objections_until is not None
            and now > period.objections_until,
            "history": period.history.select_related("history_user")[:20],
            "error": error,
            "now": now,
        },
        status=status,
    )


@require_GET
@login_required
def period_view(request, kind: str, key: str):
    return _period_page(request, kind, key)


ACTIONS = {
    "compute": gettext_lazy("The scores were computed."),
    "review": gettext_lazy("The draft is marked reviewed."),
    "publish": gettext_lazy("The scores are published for objections."),
    "finalise": gettext_lazy("The period is final."),
}


@require_POST
@login_required
def period_action(request, kind: str, key: str, action: str):
    if action not in ACTIONS:
        raise Http404
    start = _parse(kind, key)
    user, now = request.user, timezone.now()
    try:
        if action == "compute":
            svc.period_compute(kind=kind, start=start, actor=user, now=now)
        else:
            period = get_object_or_404(Period, kind=kind, start=start)
            getattr(svc, f"period_{action}")(period=period, actor=user, now=now)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        return _period_page(request, kind, key, error=refusal_text(exc), status=400)
    messages.success(request, str(ACTIONS[action]))
    return redirect("assessment:period", kind=kind, key=key)


# --- a score ---------------------------------------------------------------------------


def _score_or_404(user, pk) -> Score:
    score = get_object_or_404(
        Score.objects.select_related("period", "window__department", "member", "department"),
        pk=pk,
    )
    if not svc.scores_visible_to(user, score.period).filter(pk=score.pk).exists():
        raise PermissionDenied
    return score


BREAKDOWN_LABELS = {
    "accountability": gettext_lazy("Accountability decisions"),
    "patrol": gettext_lazy("Patrol findings"),
    "late": gettext_lazy("Late sign-ins"),
    "dissatisfied": gettext_lazy("Ratings 不满意"),
    "very_dissatisfied": gettext_lazy("Ratings 非常不满意"),
    "complaint": gettext_lazy("Verified complaints"),
    "thanks": gettext_lazy("Letters of thanks"),
    "good_deed": gettext_lazy("Good deeds"),
    "honour": gettext_lazy("Honours"),
}


def _score_page(request, score: Score, *, error="", posted=None, status=200):
    user, now = request.user, timezone.now()
    period = score.period
    breakdown = [
        {"code": code, "label": BREAKDOWN_LABELS.get(code, code), **entry}
        for code, entry in score.breakdown.items()
        if isinstance(entry, dict)
    ]
    objections = list(score.objections.select_related("filed_by", "answered_by"))
    return render(
        request,
        "assessment/score.html",
        {
            "score": score,
            "period": period,
            "breakdown": breakdown,
            "cap": score.breakdown.get("cap"),
            "objections": objections,
            "corrections": score.correction_rows.select_related("made_by", "objection"),
            "may_object": period.status == Period.Status.PUBLICITY
            and now <= period.objections_until
            and svc.may_object(user, score),
            "may_answer": svc.is_center(user) and period.status == Period.Status.PUBLICITY,
            "may_correct": svc.is_director(user) and period.status == Period.Status.FINAL,
            "history": score.history.select_related("history_user")[:20],
            "center": svc.is_center(user),
            "error": error,
            "posted": posted or {},
            "kept": next(
                (
                    (posted or {}).get(name)
                    for name in ("grounds", "answer", "reason")
                    if (posted or {}).get(name)
                ),
                "",
            ),
        },
        status=status,
    )


@require_GET
@login_required
def score_view(request, pk: int):
    return _score_page(request, _score_or_404(request.user, pk))


@require_POST
@login_required
def score_object(request, pk: int):
    score = _score_or_404(request.user, pk)
    try:
        svc.objection_file(
            score=score,
            actor=request.user,
            grounds=request.POST.get("grounds", ""),
            now=timezone.now(),
        )
    except ValidationError as exc:
        return _score_page(request, score, error=refusal_text(exc), posted=request.POST, status=400)
    messages.success(request, _("Your objection is filed; you will be told the answer."))
    return redirect(score)


@require_POST
@login_required
def objection_answer_view(request, pk: int):
    objection = get_object_or_404(Objection.objects.select_related("score__period"), pk=pk)
    score = _score_or_404(request.user, objection.score_id)
    upheld = request.POST.get("outcome") == Objection.Outcome.CORRECTED
    try:
        svc.objection_answer(
            objection=objection,
            actor=request.user,
            upheld=upheld,
            answer=request.POST.get("answer", ""),
            points=request.POST.get("points") or None,
            now=timezone.now(),
        )
    except ValidationError as exc:
        return _score_page(request, score, error=refusal_text(exc), posted=request.POST, status=400)
    messages.success(request, _("The objection is answered."))
    return redirect(score)


@require_POST
@login_required
def score_correct_view(request, pk: int):
    score = _score_or_404(request.user, pk)
    try:
        svc.score_correct(
            score=score,
            actor=request.user,
            points=request.POST.get("points", ""),
            reason=request.POST.get("reason", ""),
            now=timezone.now(),
        )
    except ValidationError as exc:
        return _score_page(request, score, error=refusal_text(exc), posted=request.POST, status=400)
    messages.success(request, _("The correction is recorded."))
    return redirect(score)


# --- commendations ---------------------------------------------------------------------


def _evidence_error(upload) -> str:
    if upload is None:
        return _("Attach the evidence (a scan or a photo).")
    if Path(upload.name).suffix.lower() not in EVIDENCE_TYPES:
        return _("The evidence must be a PDF, JPEG or PNG file.")
    if upload.size > settings.HALL_COMMENDATION_EVIDENCE_MAX_BYTES:
        return _("The evidence is larger than %(mb)s MB.") % {
            "mb": settings.HALL_COMMENDATION_EVIDENCE_MAX_BYTES // (1024 * 1024) or 1
        }
    return ""


@require_http_methods(["GET", "POST"])
@login_required
def commendations(request):
    """Supervisors record letters of thanks, good deeds and honours with evidence."""
    user = request.user
    if not svc.is_center(user):
        raise PermissionDenied
    posted = request.POST if request.method == "POST" else {}
    error, status = "", 200
    if request.method == "POST":
        window = Window.objects.filter(pk=posted.get("window") or None).first()
        member = StaffMember.objects.filter(pk=posted.get("member") or None).first()
        upload = request.FILES.get("evidence")
        try:
            if window is None:
                raise ValidationError({"window": _("Choose the window.")})
            if problem := _evidence_error(upload):
                raise ValidationError({"evidence": problem})
            try:
                on = dt.date.fromisoformat(posted.get("on", ""))
            except ValueError:
                raise ValidationError({"on": _("Enter the date as YYYY-MM-DD.")}) from None
            svc.commendation_record(
                actor=user,
                kind=posted.get("kind", ""),
                window=window,
                member=member,
                on=on,
                description=posted.get("description", ""),
                evidence=upload,
                now=timezone.now(),
            )
        except ValidationError as exc:
            error, status = refusal_text(exc), 400
        else:
            messages.success(request, _("The commendation is recorded."))
            return redirect("assessment:commendations")
    return render(
        request,
        "assessment/commendations.html",
        {
            "commendations": Commendation.objects.select_related("window", "member", "recorded_by")[
                :200
            ],
            "kinds": Commendation.Kind.choices,
            "windows": Window.objects.filter(is_active=True).order_by("number"),
            "members": StaffMember.objects.filter(is_active=True, window__isnull=False)
            .select_related("window")
            .order_by("window__number", "name"),
            "posted": posted,
            "error": error,
            "today": _today(),
            "center": True,
        },
        status=status,
    )


@require_POST
@login_required
def commendation_withdraw_view(request, pk: int):
    commendation = get_object_or_404(Commendation, pk=pk)
    try:
        svc.commendation_withdraw(commendation=commendation, actor=request.user, now=timezone.now())
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, _("The commendation is withdrawn."))
    return redirect("assessment:commendations")


@require_GET
@login_required
def commendation_evidence(request, pk: int):
    commendation = get_object_or_404(Commendation.objects.select_related("window", "member"), pk=pk)
    user = request.user
    allowed = (
        _sees_all(user)
        or (commendation.member_id and commendation.member.user_id == user.pk)
        or user.pk
        in (commendation.window.window_head_id, commendation.window.chief_representative_id)
    )
    if not allowed:
        raise PermissionDenied
    if not commendation.evidence:
        raise Http404
    return FileResponse(
        commendation.evidence.open("rb"), filename=Path(commendation.evidence.name).name
    )


# --- the 德能勤绩廉 marks --------------------------------------------------------------


def _rateable(user):
    """The staff a user may rate, with the capacity they rate in."""
    members = StaffMember.objects.filter(is_active=True, window__isnull=False).select_related(
        "window", "department"
    )
    roles = user_roles(user)
    if not (user.is_superuser or roles & {Role.DIRECTOR, Role.SUPERVISOR}):
        mine = StaffMember.objects.filter(user=user).values_list("window_id", flat=True)
        members = members.filter(
            Q(user=user)
            | Q(window_id__in=list(mine))
            | Q(window__window_head=user)
            | Q(window__chief_representative=user)
            | Q(department__head=user)
        )
    return [(m, rater_kind_for(user, m)) for m in members.order_by("window__number", "name")]


@require_http_methods(["GET", "POST"])
@login_required
def merit(request, year: int):
    """Self, leaders and peers give their 德能勤绩廉 marks for the year (R-SCORE-3, -4)."""
    user = request.user
    if not 2000 <= year <= _today().year:
        raise Http404
    rows = [(m, kind) for m, kind in _rateable(user) if kind]
    if not rows:
        raise PermissionDenied
    posted = request.POST if request.method == "POST" else {}
    error, status, error_member = "", 200, None
    if request.method == "POST":
        member = StaffMember.objects.filter(pk=posted.get("member") or None).first()
        if member is None:
            raise Http404
        try:
            merit_rate(
                year=year,
                member=member,
                actor=user,
                marks={d: posted.get(d) for d in MeritRating.DIMENSIONS},
                now=timezone.now(),
            )
        except ValidationError as exc:
            error, status, error_member = refusal_text(exc), 400, member.pk
        else:
            messages.success(
                request, _("Your marks for %(name)s are saved.") % {"name": member.name}
            )
            return redirect("assessment:merit", year=year)
    period = Period.objects.filter(kind=Period.Kind.YEAR, start=dt.date(year, 1, 1)).first()
    dimensions = [(d, MeritRating._meta.get_field(d).verbose_name) for d in MeritRating.DIMENSIONS]
    given = (
        {r.member_id: r for r in MeritRating.objects.filter(period=period, rater=user)}
        if period
        else {}
    )
    return render(
        request,
        "assessment/merit.html",
        {
            "year": year,
            "rows": [
                {
                    "member": m,
                    "kind": MeritRating.Rater(kind).label,
                    "given": given.get(m.pk),
                    "cells": [
                        (
                            d,
                            label,
                            posted.get(d, "")
                            if error_member == m.pk
                            else getattr(given.get(m.pk), d, ""),
                        )
                        for d, label in dimensions
                    ],
                }
                for m, kind in rows
            ],
            "dimensions": dimensions,
            "closed": bool(period and period.is_published),
            "posted": posted,
            "error": error,
            "error_member": error_member,
            "center": svc.is_center(user),
        },
        status=status,
    )


# --- the public notice -----------------------------------------------------------------


@require_GET
def public(request):
    """公示: the published monthly and annual results, for anyone (S2 §11). Windows with
    their scores; staff too when HALL_SCORE_PUBLIC_STAFF is "all"."""
    published = Period.objects.filter(status__in=Period.PUBLISHED)
    chosen = request.GET.get("period", "")
    period = None
    if chosen:
        kind, _sep, key = chosen.partition(":")
        if kind in Period.Kind.values:
            try:
                period = published.filter(kind=kind, start=_parse(kind, key)).first()
            except Http404:
                period = None
    if period is None:
        period = published.filter(kind=Period.Kind.MONTH).first() or published.first()
    windows = people = []
    if period is not None:
        scores = Score.objects.filter(period=period).select_related(
            "window", "department", "member"
        )
        windows = scores.filter(subject=Score.Subject.WINDOW).order_by("rank", "window__number")
        if settings.HALL_SCORE_PUBLIC_STAFF == "all":
            people = scores.filter(subject=Score.Subject.PERSON).order_by("rank", "member__name")
    return render(
        request,
        "assessment/public.html",
        {
            "period": period,
            "periods": published[:24],
            "windows": windows,
            "people": people,
            "show_staff": settings.HALL_SCORE_PUBLIC_STAFF == "all",
        },
    )
