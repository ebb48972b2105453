"""Patrol pages (R-PATROL-1..3): the round a supervisor walks on a tablet, each
window's checklist, findings and their disputes, and the month's coverage."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hall.forms import refusal_text
from hall.roles import Role
from staff.models import StaffMember
from staff.selectors import scope_for_user
from windows.models import Window

from . import services
from .coverage import coverage, month_bounds
from .models import ChecklistItem, Finding, Half, Round, WindowCheck
from .services import (
    active_windows,
    away_at,
    findings_for,
    may_dispute,
    may_patrol,
    may_read_finding,
    may_read_patrols,
)


def _require_reader(user) -> None:
    if not may_read_patrols(user):
        raise PermissionDenied


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- Start page -------------------------------------------------------------------


@require_GET
@login_required
def index(request):
    """The patrol desk: today's two half-days, the recent rounds; for a window or
    department head, the findings on their windows."""
    user = request.user
    if not may_read_patrols(user):
        scope = scope_for_user(user)
        if findings_for(user).exists() or scope.roles & {Role.WINDOW_HEAD, Role.DEPARTMENT_HEAD}:
            return redirect("patrols:findings")
        raise PermissionDenied
    now = timezone.now()
    today = timezone.localdate(now)
    halves = coverage(today, today, now=now)
    recent = Round.objects.select_related("started_by", "signed_by").filter(
        date__gte=today - dt.timedelta(days=14)
    )
    disputed = Finding.objects.filter(status=Finding.Status.DISPUTED).count()
    return render(
        request,
        "patrols/index.html",
        {
            "today": today,
            "halves": halves,
            "current_half": services.session_of(now)[0],
            "recent": recent,
            "disputed": disputed,
            "may_patrol": may_patrol(user),
        },
    )


@require_POST
@login_required
def round_start_view(request):
    try:
        round_, created = services.round_start(
            actor=request.user, now=timezone.now(), half=request.POST.get("half") or None
        )
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
        return redirect("patrols:index")
    if not created:
        messages.info(request, _("A round of this half-day is under way: you continue it."))
    return redirect("patrols:round", pk=round_.pk)


# --- The round, at tablet size -------------------------------------------------------


def _round_rows(round_: Round, now: dt.datetime):
    windows = list(active_windows())
    checks = {
        c.window_id: c
        for c in WindowCheck.objects.filter(round=round_).select_related("checked_by")
    }
    counts = dict(
        Finding.objects.filter(window_check__round=round_, status__in=Finding.COUNTED)
        .values("window_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("window_id", "n")
    )
    away = away_at([w.pk for w in windows], now) if round_.status != Round.Status.SIGNED else {}
    # A window closed since it was checked still shows on the round it was checked in.
    closed = [c.window for c in checks.values() if not c.window.is_active]
    return [
        {
            "window": w,
            "check": checks.get(w.pk),
            "findings": counts.get(w.pk, 0),
            "away": away.get(w.pk, []),
        }
        for w in windows + closed
    ]


def _progress(rows) -> dict:
    active = [r for r in rows if r["window"].is_active]
    done = sum(1 for r in active if r["check"])
    return {"done": done, "total": len(active), "left": len(active) - done}


@require_GET
@login_required
def round_detail(request, pk):
    _require_reader(request.user)
    round_ = get_object_or_404(Round.objects.select_related("started_by", "signed_by"), pk=pk)
    rows = _round_rows(round_, timezone.now())
    return render(
        request,
        "patrols/round.html",
        {
            "round": round_,
            "rows": rows,
            "progress": _progress(rows),
            "may_walk": may_patrol(request.user) and round_.status != Round.Status.SIGNED,
        },
    )


def _row_response(request, round_: Round, window: Window, *, error: str = ""):
    """After a tap: the window's row (htmx) or the whole round, scrolled to the row."""
    if _is_htmx(request):
        rows = _round_rows(round_, timezone.now())
        row = next(r for r in rows if r["window"].pk == window.pk)
        round_.refresh_from_db()
        return render(
            request,
            "patrols/_round_row.html",
            {
                "round": round_,
                "row": row,
                "progress": _progress(rows),
                "may_walk": round_.status != Round.Status.SIGNED,
                "row_error": error,
                "oob": True,
            },
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    return redirect(reverse("patrols:round", args=[round_.pk]) + f"#w-{window.pk}")


@require_POST
@login_required
def check_pass_view(request, pk, window_pk):
    round_ = get_object_or_404(Round, pk=pk)
    window = get_object_or_404(Window, pk=window_pk)
    try:
        services.check_pass(actor=request.user, round_=round_, window=window, now=timezone.now())
    except ValidationError as exc:
        return _row_response(request, round_, window, error=refusal_text(exc))
    return _row_response(request, round_, window)


@require_POST
@login_required
def check_undo_view(request, pk, window_pk):
    round_ = get_object_or_404(Round, pk=pk)
    window = get_object_or_404(Window, pk=window_pk)
    try:
        services.check_undo(actor=request.user, round_=round_, window=window, now=timezone.now())
    except ValidationError as exc:
        return _row_response(request, round_, window, error=refusal_text(exc))
    return _row_response(request, round_, window)


@require_http_methods(["GET", "POST"])
@login_required
def round_window(request, pk, window_pk):
    """One window on the round: its checklist, who is away, and the finding form."""
    _require_reader(request.user)
    round_ = get_object_or_404(Round, pk=pk)
    window = get_object_or_404(Window.objects.select_related("department"), pk=window_pk)
    now = timezone.now()
    posted: dict = {}
    error_fields: dict = {}
    status = 200
    if request.method == "POST":
        posted = {
            "item": request.POST.get("item", ""),
            "person": request.POST.get("person", ""),
            "note": request.POST.get("note", ""),
        }
        item = ChecklistItem.objects.filter(pk=posted["item"]).first() if posted["item"] else None
        person = None
        if posted["person"]:
            person = StaffMember.objects.filter(pk=posted["person"]).first()
        if item is None:
            error_fields = {"item": [_("Choose the checklist item.")]}
            status = 400
        else:
            try:
                services.finding_record(
                    actor=request.user,
                    round_=round_,
                    window=window,
                    item=item,
                    person=person,
                    note=posted["note"],
                    photo=request.FILES.get("photo"),
                    now=now,
                )
            except ValidationError as exc:
                error_fields = (
                    exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
                )
                status = 400
            else:
                messages.success(
                    request,
                    _("Finding recorded at window %(number)s.") % {"number": window.number},
                )
                return redirect("patrols:round_window", pk=round_.pk, window_pk=window.pk)
    order = list(active_windows().values_list("pk", flat=True))
    next_pk = None
    if window.pk in order and order.index(window.pk) + 1 < len(order):
        next_pk = order[order.index(window.pk) + 1]
    check = WindowCheck.objects.filter(round=round_, window=window).first()
    findings = Finding.objects.filter(window_check__round=round_, window=window).select_related(
        "item", "person"
    )
    return render(
        request,
        "patrols/round_window.html",
        {
            "round": round_,
            "window": window,
            "check": check,
            "findings": findings,
            "items": ChecklistItem.objects.filter(is_active=True),
            "people": StaffMember.objects.filter(window=window, is_active=True).order_by("name"),
            "away": away_at([window.pk], now).get(window.pk, []),
            "next_pk": next_pk,
            "posted": posted,
            "errors": error_fields,
            "may_walk": may_patrol(request.user) and round_.status != Round.Status.SIGNED,
        },
        status=status,
    )


@require_POST
@login_required
def round_sign_view(request, pk):
    round_ = get_object_or_404(Round, pk=pk)
    try:
        services.round_sign(
            actor=request.user,
            round_=round_,
            remarks=request.POST.get("remarks", ""),
            now=timezone.now(),
        )
    except ValidationError as exc:
        rows = _round_rows(round_, timezone.now())
        return render(
            request,
            "patrols/round.html",
            {
                "round": round_,
                "rows": rows,
                "progress": _progress(rows),
                "may_walk": True,
                "sign_error": refusal_text(exc),
                "remarks": request.POST.get("remarks", ""),
            },
            status=400,
        )
    messages.success(request, _("The round is signed off."))
    return redirect("patrols:round", pk=round_.pk)


# --- Findings ------------------------------------------------------------------------


@require_GET
@login_required
def finding_list(request):
    user = request.user
    scope = scope_for_user(user)
    if not (
        may_read_patrols(user)
        or scope.roles & {Role.WINDOW_HEAD, Role.DEPARTMENT_HEAD}
        or findings_for(user).exists()
    ):
        raise PermissionDenied
    findings = findings_for(user)
    status = request.GET.get("status", "")
    if status in Finding.Status.values:
        findings = findings.filter(status=status)
    window = request.GET.get("window", "").strip()
    if window:
        findings = findings.filter(window__number=window)
    return render(
        request,
        "patrols/findings.html",
        {
            "findings": findings[:300],
            "statuses": Finding.Status.choices,
            "status": status,
            "window": window,
            "reader": may_read_patrols(user),
        },
    )


def _finding_or_404(user, pk) -> Finding:
    finding = get_object_or_404(
        Finding.objects.select_related(
            "window",
            "window__department",
            "item",
            "person",
            "recorded_by",
            "disputed_by",
            "decided_by",
            "window_check__round",
        ),
        pk=pk,
    )
    if not may_read_finding(user, finding):
        raise PermissionDenied
    return finding


def _finding_page(request, finding: Finding, *, status=200, error="", posted=None):
    now = timezone.now()
    round_ = finding.window_check.round
    return render(
        request,
        "patrols/finding.html",
        {
            "f": finding,
            "history": finding.history.select_related("history_user").order_by("history_date"),
            "may_dispute": may_dispute(request.user, finding)
            and finding.status == Finding.Status.RECORDED
            and now <= finding.dispute_due,
            "may_decide": may_patrol(request.user)
            and finding.status == Finding.Status.DISPUTED
            and finding.disputed_by_id != request.user.pk,
            "may_correct": may_patrol(request.user)
            and finding.status == Finding.Status.RECORDED
            and round_.status != Round.Status.SIGNED,
            "error": error,
            "posted": posted or {},
            "reader": may_read_patrols(request.user),
        },
        status=status,
    )


@require_GET
@login_required
def finding_detail(request, pk):
    return _finding_page(request, _finding_or_404(request.user, pk))


@require_POST
@login_required
def finding_act(request, pk, action):
    finding = _finding_or_404(request.user, pk)
    reason = request.POST.get("reason", "")
    now = timezone.now()
    steps = {
        "dispute": lambda: services.finding_dispute(
            actor=request.user, finding=finding, reason=reason, now=now
        ),
        "uphold": lambda: services.finding_decide(
            actor=request.user, finding=finding, uphold=True, reason=reason, now=now
        ),
        "withdraw": lambda: services.finding_decide(
            actor=request.user, finding=finding, uphold=False, reason=reason, now=now
        ),
        "correct": lambda: services.finding_correct(
            actor=request.user, finding=finding, reason=reason, now=now
        ),
    }
    step = steps.get(action)
    if step is None:
        raise Http404
    try:
        step()
    except (ValidationError, PermissionDenied) as exc:
        finding.refresh_from_db()
        status = 403 if isinstance(exc, PermissionDenied) else 400
        return _finding_page(
            request,
            finding,
            status=status,
            error=refusal_text(exc),
            posted={"action": action, "reason": reason},
        )
    done = {
        "dispute": _("Dispute sent to the supervisors."),
        "uphold": _("The finding is upheld."),
        "withdraw": _("The finding is withdrawn."),
        "correct": _("The finding is withdrawn."),
    }
    messages.success(request, done[action])
    return redirect("patrols:finding", pk=finding.pk)


@require_GET
@login_required
def finding_photo(request, pk):
    """The photo, to those who may read the finding; never a public media URL."""
    finding = _finding_or_404(request.user, pk)
    if not finding.photo:
        raise Http404
    content_type = "image/png" if finding.photo.name.endswith(".png") else "image/jpeg"
    response = FileResponse(finding.photo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Coverage (R-PATROL-1) -------------------------------------------------------------


def _month(raw: str, today: dt.date) -> tuple[int, int]:
    try:
        year, month = (int(p) for p in raw.split("-"))
        dt.date(year, month, 1)
        return year, month
    except (ValueError, TypeError):
        return today.year, today.month


@require_GET
@login_required
def coverage_view(request):
    _require_reader(request.user)
    now = timezone.now()
    today = timezone.localdate(now)
    year, month = _month(request.GET.get("month", ""), today)
    first, last = month_bounds(year, month)
    halves = coverage(first, last, now=now)
    days = []
    for i in range(0, len(halves), 2):
        days.append(
            {"date": halves[i].date, "working": halves[i].working, "halves": halves[i : i + 2]}
        )
    working = [h for h in halves if h.working and not h.pending]
    previous = first - dt.timedelta(days=1)
    following = last + dt.timedelta(days=1)
    return render(
        request,
        "patrols/coverage.html",
        {
            "days": days,
            "month": f"{year:04d}-{month:02d}",
            "first": first,
            "previous": f"{previous:%Y-%m}",
            "next": f"{following:%Y-%m}",
            "covered": sum(1 for h in working if h.status == "covered"),
            "due": len(working),
            "halves_names": Half.choices,
        },
    )
