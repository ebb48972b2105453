"""好差评 pages: the window's tablet (no login), the phone page behind the receipt's QR
code, the ratings register, the tablets, and bad-review rectification."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import Case, FirstInquiry
from hall.forms import refusal_text
from hall.identity import mask_phone
from hall.roles import Role
from hall.throttle import AttemptCounter
from staff.selectors import scope_for_user
from windows.models import Window

from . import rectification as rect
from .clocks import LABELS, light
from .models import Rating, RatingTablet, Rectification
from .ratings import (
    BAD_REASONS,
    GOOD_REASONS,
    may_manage_tablets,
    rating_submit,
    reasons_for,
    tablet_issue,
    tablet_queue,
)
from .services import may_read

LEVELS = [(value, label) for value, label in Rating.Level.choices]


def _level_context(level) -> dict:
    try:
        level = int(level)
    except (TypeError, ValueError):
        return {}
    if level not in Rating.Level.values:
        return {}
    return {
        "level": level,
        "level_label": Rating.Level(level).label,
        "reasons": list(reasons_for(level).items()),
        "bad": level in Rating.BAD_LEVELS,
    }


# --- The tablet at the window: no login, bound by its secret ---------------------


@require_http_methods(["GET", "POST"])
def tablet(request, token):
    """Big buttons. Step 1: what to rate and the level; step 2: reasons (optional)."""
    # A NUL (%00 in the address) never matches, and PostgreSQL refuses it in a query.
    device = (
        RatingTablet.objects.select_related("window").filter(token=token).first()
        if "\x00" not in token
        else None
    )
    if device is None:
        raise Http404
    window, now = device.window, timezone.now()
    context = {"window": window, "token": token, "levels": LEVELS}
    if request.method == "POST":
        subject = request.POST.get("subject", "")
        kind, _sep, pk = subject.partition(":")
        queue = {f"{i['kind']}:{i['pk']}": i for i in tablet_queue(window, now)}
        item = queue.get(subject)
        if item is None:
            messages.info(request, _("This was rated already or is no longer waiting. Thank you."))
            return redirect("complaints:tablet", token=token)
        context.update(
            {"item": item, "subject": subject, **_level_context(request.POST.get("level"))}
        )
        if "level" not in context:
            context["error"] = _("Choose one of the five levels.")
            context["queue"] = list(queue.values())
            return render(request, "complaints/tablet.html", context)
        if request.POST.get("confirm") != "1":
            return render(request, "complaints/tablet_reasons.html", context)
        try:
            rating_submit(
                level=context["level"],
                reasons=request.POST.getlist("reasons"),
                comment=request.POST.get("comment", ""),
                source=Rating.Source.TABLET,
                now=now,
                case=Case.objects.get(pk=pk) if kind == "case" else None,
                inquiry=FirstInquiry.objects.get(pk=pk) if kind == "inquiry" else None,
                tablet=device,
            )
        except (ValidationError, PermissionDenied) as exc:
            context["error"] = " ".join(getattr(exc, "messages", [str(exc)]))
            context["comment"] = request.POST.get("comment", "")
            context["chosen"] = request.POST.getlist("reasons")
            return render(request, "complaints/tablet_reasons.html", context)
        return render(request, "complaints/tablet_thanks.html", context)
    context["queue"] = tablet_queue(window, now)
    return render(request, "complaints/tablet.html", context)


# --- The phone page: the receipt's QR code leads to the tracking page, then here ---


@require_http_methods(["GET", "POST"])
def rate_by_phone(request):
    """Number and tracking code, the level, then the reasons. One rating per case online."""
    # Cut to a case number's length (SQLite refuses a LIKE pattern of 50 kB) and without
    # NUL (PostgreSQL refuses it in a query): a longer number matches no case anyway.
    number = (request.POST.get("number") or request.GET.get("number", "")).strip().upper()
    number = number.replace("\x00", "")[:32]
    code = request.POST.get("code", "").strip().upper()
    context = {"number": number, "code": code, "levels": LEVELS, "case": None}
    if request.method != "POST":
        return render(request, "complaints/rate.html", context)
    failures = AttemptCounter(
        request,
        "rating-code-failures",
        limit=settings.HALL_TRACKING_MAX_FAILURES,
        seconds=settings.HALL_TRACKING_LOCK_MINUTES * 60,
    )
    if failures.locked:
        context["error"] = _("Too many wrong codes. Try again in %(minutes)s minutes.") % {
            "minutes": settings.HALL_TRACKING_LOCK_MINUTES
        }
        return render(request, "complaints/rate.html", context, status=429)
    case = Case.objects.select_related("item", "window").filter(number__iexact=number).first()
    if case is None or not constant_time_compare(case.tracking_code, code):
        failures.add()
        context["error"] = _("No case matches this number and code.")
        return render(request, "complaints/rate.html", context)
    failures.clear()
    context["case"] = case
    if case.status not in Case.FINISHED_STATUSES:
        context["error"] = _("This case can be rated once it is finished.")
        context["case"] = None
        return render(request, "complaints/rate.html", context)
    if case.ratings.filter(source=Rating.Source.PHONE).exists():
        context["done"] = True
        return render(request, "complaints/rate.html", context)
    context.update(_level_context(request.POST.get("level")))
    if "level" not in context:
        if "level" in request.POST:
            context["error"] = _("Choose one of the five levels.")
        return render(request, "complaints/rate.html", context)
    if request.POST.get("confirm") != "1":
        return render(request, "complaints/rate_reasons.html", context)
    try:
        rating_submit(
            level=context["level"],
            reasons=request.POST.getlist("reasons"),
            comment=request.POST.get("comment", ""),
            source=Rating.Source.PHONE,
            now=timezone.now(),
            case=case,
        )
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
        context["comment"] = request.POST.get("comment", "")
        context["chosen"] = request.POST.getlist("reasons")
        return render(request, "complaints/rate_reasons.html", context)
    context["thanks"] = True
    return render(request, "complaints/rate.html", context)


# --- The hall's side ---------------------------------------------------------------


def _window_filter(user) -> Q | None:
    """None: every window (the center); otherwise the windows the user answers for."""
    if may_read(user):
        return None
    return (
        Q(window__window_head=user)
        | Q(window__chief_representative=user)
        | Q(window__department__head=user)
    )


def _manages_any(user) -> bool:
    return bool(
        user.is_superuser
        or may_read(user)
        or Window.objects.filter(
            Q(window_head=user) | Q(chief_representative=user) | Q(department__head=user)
        ).exists()
    )


@require_GET
@login_required
def rating_list(request):
    ratings = Rating.objects.select_related("window", "staff_member", "case", "rectification")
    scope_q = _window_filter(request.user)
    if scope_q is not None:
        own = Q(staff_member__user=request.user)  # a clerk sees their own ratings
        manages = _manages_any(request.user)
        ratings = ratings.filter(scope_q | own if manages else own)
        if not manages and not ratings.exists():
            raise PermissionDenied
    level = request.GET.get("level", "")
    if level == "bad":
        ratings = ratings.filter(level__in=Rating.BAD_LEVELS)
    reasons = {**GOOD_REASONS, **BAD_REASONS}
    rows = [
        {"rating": r, "reasons": [str(reasons.get(x, x)) for x in r.reasons]} for r in ratings[:300]
    ]
    return render(
        request,
        "complaints/ratings.html",
        {"rows": rows, "level": level, "is_center": may_read(request.user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def tablets(request):
    """Each window's tablet address (and QR code to open it on the tablet)."""
    from cases.documents import qr_svg_data_uri

    if not may_manage_tablets(request.user):
        raise PermissionDenied
    windows = Window.objects.filter(is_active=True).select_related("rating_tablet")
    if not (request.user.is_superuser or Role.SUPERVISOR in scope_for_user(request.user).roles):
        windows = windows.filter(window_head=request.user)
    if request.method == "POST":
        window = get_object_or_404(windows, pk=request.POST.get("window") or 0)
        try:
            tablet_issue(actor=request.user, window=window, now=timezone.now())
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Window %(window)s has a new tablet address; the old one no longer works.")
                % {"window": window.number},
            )
        return redirect("complaints:tablets")
    rows = []
    for window in windows:
        device = getattr(window, "rating_tablet", None)
        url = (
            request.build_absolute_uri(reverse("complaints:tablet", args=[device.token]))
            if device
            else ""
        )
        rows.append(
            {
                "window": window,
                "tablet": device,
                "url": url,
                "qr": qr_svg_data_uri(url) if url else "",
            }
        )
    return render(request, "complaints/tablets.html", {"rows": rows})


def _rectifications_for(user):
    qs = Rectification.objects.select_related(
        "window__department", "rating__case", "rating__staff_member", "rating__inquiry"
    )
    scope_q = _window_filter(user)
    return qs if scope_q is None else qs.filter(scope_q)


@require_GET
@login_required
def rectification_list(request):
    if not _manages_any(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    shown = request.GET.get("show", "open")
    qs = _rectifications_for(request.user)
    if shown == "open":
        qs = qs.filter(status__in=Rectification.OPEN_STATUSES)
    rows = [_with_lights(r, today) for r in qs[:300]]
    return render(
        request, "complaints/rectifications.html", {"rows": rows, "show": shown, "today": today}
    )


def _with_lights(r: Rectification, today) -> dict:
    callback = "" if r.called_back_at else light(r.callback_due, today)
    rectify = light(r.rectify_due, today) if r.status in ("open", "rectifying", "appealed") else ""
    return {
        "r": r,
        "callback_light": callback,
        "callback_label": LABELS.get(callback, ""),
        "rectify_light": rectify,
        "rectify_label": LABELS.get(rectify, ""),
    }


def _applicant_contact(user, r: Rectification) -> dict:
    """Who to call back: shown to the window's managers and the center, never to the
    person who was rated (the bad review stays anonymous to them)."""
    rating = r.rating
    name, phone = "", ""
    if rating.case_id:
        name, phone = rating.case.applicant_name, rating.case.phone
    elif rating.inquiry_id:
        name, phone = rating.inquiry.inquirer_name, rating.inquiry.inquirer_phone
    rated = rating.staff_member_id and rating.staff_member.user_id == user.pk
    if rated or not (may_read(user) or rect.may_act_for_window(user, r)):
        return {"name": (name[:1] + "**") if name else "", "phone": mask_phone(phone)}
    return {"name": name, "phone": phone}


@require_GET
@login_required
def rectification_detail(request, pk):
    r = get_object_or_404(_rectifications_for(request.user), pk=pk)
    return _detail(request, r)


def _detail(request, r: Rectification, *, posted=None, action: str = "", status: int = 200):
    scope = scope_for_user(request.user)
    reasons = {**GOOD_REASONS, **BAD_REASONS}
    return render(
        request,
        "complaints/rectification.html",
        {
            **_with_lights(r, timezone.localdate()),
            "reasons": [str(reasons.get(x, x)) for x in r.rating.reasons],
            "contact": _applicant_contact(request.user, r),
            "is_window": rect.may_act_for_window(request.user, r),
            "is_supervisor": request.user.is_superuser or Role.SUPERVISOR in scope.roles,
            "is_inspector": request.user.is_superuser or Role.INSPECTOR in scope.roles,
            "spot_checks": r.spot_checks.select_related("checked_by"),
            "history": r.history.select_related("history_user").order_by("history_date"),
            "extension_days": settings.HALL_RECTIFY_EXTENSION_DAYS,
            "complex_days": settings.HALL_RECTIFY_COMPLEX_DAYS,
            "posted": posted or {},
            "kept_text": next(
                (
                    (posted or {}).get(k, "").strip()
                    for k in ("note", "result", "reason", "decision")
                    if (posted or {}).get(k, "").strip()
                ),
                "",
            ),
            "failed_action": action,
        },
        status=status,
    )


@require_POST
@login_required
def rectification_act(request, pk, action):
    r = get_object_or_404(_rectifications_for(request.user), pk=pk)
    data, now, user = request.POST, timezone.now(), request.user
    try:
        if action == "callback":
            rect.rectification_callback(
                actor=user,
                rectification=r,
                note=data.get("note", ""),
                complex=data.get("complex") == "on",
                now=now,
            )
        elif action == "extend":
            rect.rectification_extend(
                actor=user, rectification=r, reason=data.get("reason", ""), now=now
            )
        elif action == "appeal":
            rect.rectification_appeal(
                actor=user, rectification=r, reason=data.get("reason", ""), now=now
            )
        elif action == "decide":
            rect.rectification_appeal_decide(
                actor=user,
                rectification=r,
                upheld=data.get("upheld") == "yes",
                decision=data.get("decision", ""),
                now=now,
            )
        elif action == "report":
            rect.rectification_report(
                actor=user, rectification=r, result=data.get("result", ""), now=now
            )
        elif action == "close":
            rect.rectification_close(
                actor=user, rectification=r, note=data.get("note", ""), now=now
            )
        elif action == "spot_check":
            reached = data.get("reached") == "yes"
            confirmed = {"yes": True, "no": False}.get(data.get("confirmed", ""))
            rect.spot_check_record(
                actor=user,
                rectification=r,
                reached=reached,
                confirmed=confirmed,
                note=data.get("note", ""),
                now=now,
            )
        else:
            raise Http404
    except (PermissionDenied, ValidationError) as exc:
        # Nothing typed is lost: the page comes back with the text and the reason.
        messages.error(request, refusal_text(exc))
        r.refresh_from_db()
        status = 403 if isinstance(exc, PermissionDenied) else 400
        return _detail(request, r, posted=data, action=action, status=status)
    messages.success(request, _("Recorded."))
    return redirect("complaints:rectification", pk=r.pk)
