"""Accountability pages (R-ACC-1..9): the inspector's desk, a case from its hearing
to its decision and appeal, the notices as PDFs, and the twelve-month records.

Every step posts to its own address and calls its service; a refused step comes
back to the case page with the reason and what was typed (400, or 403 for a user
acting outside their part)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hall.forms import refusal_text
from hall.roles import Role, user_roles
from windows.models import Window

from . import decisions as svc
from .desk import cases_visible_to, may_read_case, may_read_records, queue, record, sees_all
from .grouping import case_open, cases_from_occurrences, pending_occurrences
from .models import AccountabilityCase, Appeal, Decision, Effect, Hearing, Link, Rule

Status = AccountabilityCase.Status


def _case_or_404(user, pk) -> AccountabilityCase:
    case = get_object_or_404(
        AccountabilityCase.objects.select_related("rule", "window__department", "person"), pk=pk
    )
    if not may_read_case(user, case):
        raise PermissionDenied
    return case


# --- the desk ------------------------------------------------------------------------------


@require_GET
@login_required
def desk(request):
    """Inspectors and the director: the queue by deadline and every case. Everyone
    else: the cases that concern them (their own, or their windows')."""
    user = request.user
    now = timezone.now()
    cases = cases_visible_to(user).select_related("rule", "window", "person")
    status = request.GET.get("status", "")
    if status in Status.values:
        cases = cases.filter(status=status)
    if not sees_all(user) and Role.APPLICANT in user_roles(user) and not cases.exists():
        raise PermissionDenied
    return render(
        request,
        "accountability/desk.html",
        {
            "tasks": queue(user, now=now),
            "cases": cases[:300],
            "statuses": Status.choices,
            "status": status,
            "sees_all": sees_all(user),
            "may_open": svc.is_inspector(user),
            "may_records": may_read_records(user),
            "pending": pending_occurrences(
                Rule.objects.filter(is_active=True).values("code")
            ).count()
            if svc.is_inspector(user)
            else 0,
            "now": now,
        },
    )


@require_POST
@login_required
def take_up(request):
    """The inspectors' button beside the 10-minute job: new occurrences become cases now."""
    if not svc.is_inspector(request.user):
        raise PermissionDenied
    opened = cases_from_occurrences(now=timezone.now(), actor=request.user)
    messages.success(request, _("%(n)d cases opened from new occurrences.") % {"n": opened})
    return redirect("accountability:desk")


@require_http_methods(["GET", "POST"])
@login_required
def case_new(request):
    """An inspector opens a case by hand: an inspection, a media exposure, a leader's
    instruction."""
    if not svc.is_inspector(request.user):
        raise PermissionDenied
    posted = request.POST if request.method == "POST" else {}
    error, status = "", 200
    if request.method == "POST":
        rule = Rule.objects.filter(pk=posted.get("rule") or None).first()
        window = Window.objects.filter(pk=posted.get("window") or None).first()
        person = get_user_model().objects.filter(pk=posted.get("person") or None).first()
        month = None
        if posted.get("month"):
            try:
                month = dt.date.fromisoformat(posted["month"] + "-01")
            except ValueError:
                month = None
        try:
            if rule is None:
                raise ValidationError({"rule": _("Choose the rule.")})
            case = case_open(
                actor=request.user,
                rule=rule,
                origin=posted.get("origin", ""),
                facts=posted.get("facts", ""),
                now=timezone.now(),
                window=window,
                person=person,
                month=month,
            )
        except ValidationError as exc:
            error, status = refusal_text(exc), 400
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return redirect("accountability:case", pk=case.pk)
    return render(
        request,
        "accountability/case_new.html",
        {
            "rules": Rule.objects.filter(is_active=True),
            "origins": [c for c in AccountabilityCase.Origin.choices if c[0] != "occurrence"],
            "windows": Window.objects.filter(is_active=True).order_by("number"),
            "people": get_user_model()
            .objects.filter(is_active=True, staff_member__isnull=False)
            .select_related("staff_member")
            .order_by("staff_member__name"),
            "posted": posted,
            "error": error,
        },
        status=status,
    )


# --- a case --------------------------------------------------------------------------------


def _case_page(request, case: AccountabilityCase, *, error="", posted=None, status=200):
    user, now = request.user, timezone.now()
    hearings = list(case.hearings.select_related("person", "stated_by"))
    all_decisions = list(
        case.decisions.select_related("decided_by", "countersigned_by").prefetch_related(
            "charges__person", "effects__window", "effects__person", "appeals__appellant"
        )
    )
    decision = next(
        (
            d
            for d in all_decisions
            if d.status not in (Decision.Status.SUPERSEDED, Decision.Status.SENT_BACK)
        ),
        None,
    )
    inspector = svc.is_inspector(user)
    heard_links = {h.link for h in hearings}
    links = []
    if inspector and case.status in (Status.OPEN, Status.HEARING):
        for link in case.rule.links or []:
            if link in heard_links:
                continue
            chosen = (posted or {}).get(f"person_{link}") or getattr(
                svc.link_default(case, link), "pk", ""
            )
            links.append(
                {
                    "code": link,
                    "label": Link(link).label,
                    "candidates": svc.link_candidates(case, link).order_by("username"),
                    "chosen": str(chosen),
                    "checked": (f"link_{link}" in (posted or {}))
                    if posted
                    else bool(chosen and link == Link.CLERK),
                }
            )
    may_decide = (
        inspector
        and case.status == Status.HEARING
        and svc.hearing_over(case, now)
        and user.pk not in {h.person_id for h in hearings}
    )
    earlier = svc.earlier_acts(case) if may_decide else []
    ranges = {
        "rule": svc.points_range(case.rule),
        "aggravated": svc.points_range(case.rule, aggravating=["x"]),
        "mitigated": svc.points_range(case.rule, mitigating=["x"]),
    }
    if posted:
        aggravating_checked = set(posted.getlist("aggravating"))
        mitigating_checked = set(posted.getlist("mitigating"))
    else:
        aggravating_checked = {svc.REPEAT} if earlier else set()
        mitigating_checked = set()
    pending_appeals = [
        a
        for d in all_decisions
        for a in d.appeals.all()
        if not a.outcome and svc.may_review(user, a)
    ]
    return render(
        request,
        "accountability/case.html",
        {
            "case": case,
            "occurrences": case.occurrences.select_related("window", "person"),
            "hearings": hearings,
            "decision": decision,
            "decisions": all_decisions,
            "links": links,
            "may_hear": bool(links),
            "may_decide": may_decide,
            "may_dismiss": inspector and case.status in (Status.OPEN, Status.HEARING),
            "may_countersign": decision is not None
            and decision.status == Decision.Status.COUNTERSIGN
            and svc.is_director(user)
            and user.pk != decision.decided_by_id,
            "may_appeal": decision is not None and svc.may_appeal(user, decision, now),
            "pending_appeals": pending_appeals,
            "earlier": earlier,
            "ranges": ranges,
            "aggravating": [
                (code, label, code in aggravating_checked)
                for code, label in svc.AGGRAVATING.items()
            ],
            "mitigating": [
                (code, label, code in mitigating_checked) for code, label in svc.MITIGATING.items()
            ],
            "outcomes": Appeal.Outcome.choices,
            "hearing_wait": inspector
            and case.status == Status.HEARING
            and not svc.hearing_over(case, now),
            "my_hearings": [
                h
                for h in hearings
                if h.person_id == user.pk
                and h.stated_at is None
                and now <= h.due_at
                and case.status == Status.HEARING
            ],
            "inspector": inspector,
            "sees_all": sees_all(user),
            "history": case.history.select_related("history_user")[:30],
            "posted": posted or {},
            "kept": next(
                (
                    (posted or {}).get(name)
                    for name in ("reasons", "grounds", "review_reasons", "facts")
                    if (posted or {}).get(name)
                ),
                "",
            ),
            "error": error,
            "now": now,
            "countersign_points": settings.HALL_ACC_COUNTERSIGN_POINTS,
        },
        status=status,
    )


@require_GET
@login_required
def case_detail(request, pk):
    return _case_page(request, _case_or_404(request.user, pk))


def _refused(request, case, exc, *, posted=None):
    status = 403 if isinstance(exc, PermissionDenied) else 400
    return _case_page(
        request,
        case,
        error=refusal_text(exc) if not isinstance(exc, PermissionDenied) or exc.args else "",
        posted=posted if posted is not None else request.POST,
        status=status,
    )


def _step(request, case, call, success: str):
    """Run a service step; on refusal, the case page with the reason and the typed text."""
    try:
        call()
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, case, exc)
    messages.success(request, success)
    return redirect("accountability:case", pk=case.pk)


@require_POST
@login_required
def case_hear(request, pk):
    case = _case_or_404(request.user, pk)
    users = get_user_model().objects
    charged = {}
    for link in Link.values:
        if f"link_{link}" in request.POST:
            person_pk = request.POST.get(f"person_{link}") or None
            charged[link] = users.filter(pk=person_pk).first() if person_pk else None
    return _step(
        request,
        case,
        lambda: svc.hearing_start(
            actor=request.user, case=case, charged=charged, now=timezone.now()
        ),
        _("The notices to state and defend have been sent."),
    )


@require_POST
@login_required
def case_decide(request, pk):
    case = _case_or_404(request.user, pk)
    post = request.POST
    points = {
        link: post.get(f"points_{link}", "") for link in Link.values if f"points_{link}" in post
    }
    rectify_by = None
    if post.get("rectify_by"):
        try:
            rectify_by = dt.date.fromisoformat(post["rectify_by"])
        except ValueError:
            return _refused(
                request, case, ValidationError({"rectify_by": _("Enter a valid date.")})
            )
    return _step(
        request,
        case,
        lambda: svc.decision_take(
            actor=request.user,
            case=case,
            points=points,
            reasons=post.get("reasons", ""),
            aggravating=post.getlist("aggravating"),
            mitigating=post.getlist("mitigating"),
            rectify_by=rectify_by,
            now=timezone.now(),
        ),
        _("The decision is recorded."),
    )


@require_POST
@login_required
def case_dismiss(request, pk):
    case = _case_or_404(request.user, pk)
    return _step(
        request,
        case,
        lambda: svc.case_dismiss(
            actor=request.user,
            case=case,
            reasons=request.POST.get("reasons", ""),
            now=timezone.now(),
        ),
        _("The case is closed without accountability."),
    )


def _decision_or_404(user, pk) -> Decision:
    decision = get_object_or_404(Decision.objects.select_related("case"), pk=pk)
    if not may_read_case(user, decision.case):
        raise PermissionDenied
    return decision


@require_POST
@login_required
def decision_act(request, pk, action):
    decision = _decision_or_404(request.user, pk)
    now, post = timezone.now(), request.POST
    steps = {
        "countersign": (
            lambda: svc.decision_countersign(actor=request.user, decision=decision, now=now),
            _("Countersigned: the decision is in force."),
        ),
        "send-back": (
            lambda: svc.decision_send_back(
                actor=request.user, decision=decision, reasons=post.get("reasons", ""), now=now
            ),
            _("The decision went back to the inspectors."),
        ),
        "appeal": (
            lambda: svc.appeal_file(
                actor=request.user, decision=decision, grounds=post.get("grounds", ""), now=now
            ),
            _("Your appeal is filed; a different inspector or the director reviews it."),
        ),
    }
    if action not in steps:
        raise Http404
    call, success = steps[action]
    return _step(request, decision.case, call, success)


@require_POST
@login_required
def appeal_review(request, pk):
    appeal = get_object_or_404(Appeal.objects.select_related("decision__case"), pk=pk)
    case = appeal.decision.case
    if not may_read_case(request.user, case):
        raise PermissionDenied
    post = request.POST
    points = {
        link: post.get(f"review_points_{link}", "")
        for link in Link.values
        if f"review_points_{link}" in post
    }
    return _step(
        request,
        case,
        lambda: svc.appeal_review(
            actor=request.user,
            appeal=appeal,
            outcome=post.get("outcome", ""),
            reasons=post.get("review_reasons", ""),
            points=points,
            now=timezone.now(),
        ),
        _("The appeal is reviewed."),
    )


@require_POST
@login_required
def effect_hand_in(request, pk):
    effect = get_object_or_404(Effect.objects.select_related("decision__case"), pk=pk)
    case = effect.decision.case
    if not may_read_case(request.user, case):
        raise PermissionDenied
    return _step(
        request,
        case,
        lambda: svc.effect_hand_in(actor=request.user, effect=effect, now=timezone.now()),
        _("Recorded as handed in."),
    )


# --- the hearing, for the person heard -----------------------------------------------------------


def _hearing_or_404(user, pk) -> Hearing:
    hearing = get_object_or_404(
        Hearing.objects.select_related("case__rule", "case__window", "person", "notified_by"),
        pk=pk,
    )
    if not (user.pk == hearing.person_id or may_read_case(user, hearing.case)):
        raise PermissionDenied
    return hearing


@require_http_methods(["GET", "POST"])
@login_required
def hearing_detail(request, pk):
    """The notice to state and defend, and the form for the statement."""
    hearing = _hearing_or_404(request.user, pk)
    error, status = "", 200
    if request.method == "POST":
        try:
            svc.hearing_state(
                actor=request.user,
                hearing=hearing,
                statement=request.POST.get("statement", ""),
                now=timezone.now(),
            )
        except (ValidationError, PermissionDenied) as exc:
            error = refusal_text(exc)
            status = 403 if isinstance(exc, PermissionDenied) else 400
        else:
            messages.success(request, _("Your statement is recorded."))
            return redirect("accountability:hearing", pk=hearing.pk)
    now = timezone.now()
    return render(
        request,
        "accountability/hearing.html",
        {
            "hearing": hearing,
            "may_state": svc.may_state(request.user, hearing)
            and hearing.stated_at is None
            and hearing.case.status == Status.HEARING
            and now <= hearing.due_at,
            "may_read_case": may_read_case(request.user, hearing.case),
            "posted": request.POST,
            "error": error,
        },
        status=status,
    )


# --- PDFs ---------------------------------------------------------------------------------


def _pdf(request, template: str, context: dict, filename: str) -> HttpResponse:
    from hall.pdf import render_pdf

    pdf = render_pdf(
        template,
        {
            "hall_name": settings.HALL_NAME,
            "printed_at": timezone.localtime(),
            "printed_by": request.user.get_full_name() or request.user.get_username(),
            **context,
        },
        request=request,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
@login_required
def hearing_pdf(request, pk):
    """陈述申辩告知书: the facts, the rule, the deadline."""
    hearing = _hearing_or_404(request.user, pk)
    return _pdf(
        request,
        "accountability/pdf/hearing.html",
        {"hearing": hearing, "case": hearing.case},
        f"{hearing.case.number}-hearing-{hearing.pk}.pdf",
    )


@require_GET
@login_required
def decision_pdf(request, pk):
    """问责决定书: the charges, the circumstances, the reasons, the effects, the appeal."""
    decision = _decision_or_404(request.user, pk)
    if decision.status == Decision.Status.COUNTERSIGN and not sees_all(request.user):
        raise PermissionDenied
    return _pdf(
        request,
        "accountability/pdf/decision.html",
        _decision_context(decision),
        f"{decision.case.number}-decision-{decision.pk}.pdf",
    )


def _decision_context(decision: Decision) -> dict:
    return {
        "decision": decision,
        "case": decision.case,
        "charges": decision.charges.select_related("person__staff_member"),
        "effects": decision.effects.select_related("window", "person"),
        "aggravating": [svc.AGGRAVATING[c] for c in decision.aggravating if c in svc.AGGRAVATING],
        "mitigating": [svc.MITIGATING[c] for c in decision.mitigating if c in svc.MITIGATING],
    }


@require_GET
@login_required
def criticism_pdf(request, pk):
    """通报批评: the circulated criticism a decision under R-ACC-9 brings."""
    effect = get_object_or_404(
        Effect.objects.select_related("decision__case__rule", "window", "person"),
        pk=pk,
        kind=Effect.Kind.CRITICISM,
    )
    if not may_read_case(request.user, effect.decision.case):
        raise PermissionDenied
    return _pdf(
        request,
        "accountability/pdf/criticism.html",
        {"effect": effect, "decision": effect.decision, "case": effect.decision.case},
        f"{effect.decision.case.number}-criticism.pdf",
    )


# --- records ---------------------------------------------------------------------------------


@require_GET
@login_required
def record_person(request, pk):
    person = get_object_or_404(get_user_model(), pk=pk)
    user = request.user
    if user.pk != person.pk:
        if not may_read_records(user):
            raise PermissionDenied
        member = getattr(person, "staff_member", None)
        if not sees_all(user):
            from staff.selectors import scope_for_user

            scope = scope_for_user(user)
            if member is None or not (
                (member.window and scope.may_view_window(member.window))
                or scope.may_view_department(member.department)
            ):
                raise PermissionDenied
    return _record_page(request, record(today=timezone.localdate(), person=person), person=person)


@require_GET
@login_required
def record_window(request, pk):
    window = get_object_or_404(Window.objects.select_related("department"), pk=pk)
    user = request.user
    if not may_read_records(user):
        raise PermissionDenied
    if not sees_all(user):
        from staff.selectors import scope_for_user

        if not scope_for_user(user).may_view_window(window):
            raise PermissionDenied
    return _record_page(request, record(today=timezone.localdate(), window=window), window=window)


def _record_page(request, rec, *, person=None, window=None):
    return render(
        request,
        "accountability/record.html",
        {"rec": rec, "person": person, "window": window, "today": timezone.localdate()},
    )


def case_url(case) -> str:
    return reverse("accountability:case", args=[case.pk])
