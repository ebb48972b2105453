"""Complaints: the public form and tracking, and the center's register."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hall.forms import add_service_errors, refusal_text
from hall.throttle import AttemptCounter

from .clocks import LABELS, light
from .forms import PublicComplaintForm, StaffComplaintForm
from .models import Complaint
from .services import (
    complaint_register,
    complaint_submit_public,
    may_read,
    may_register,
    shown_contact,
    waiting_inquiries,
)


@require_http_methods(["GET", "POST"])
def public_new(request):
    """R-COMP-1: anyone may complain on the web, no login; limited per address."""
    form = PublicComplaintForm(request.POST or None)
    if request.method == "POST":
        submissions = AttemptCounter(
            request,
            "complaint-submissions",
            limit=settings.HALL_COMPLAINT_MAX_PER_HOUR,
            seconds=3600,
        )
        if submissions.locked:
            form.add_error(
                None,
                _(
                    "Too many complaints from this connection. "
                    "Please try again in an hour, or call the hall."
                ),
            )
            return render(request, "complaints/public_new.html", {"form": form}, status=429)
        if form.is_valid():
            complaint = form.save(commit=False)
            complaint.case = form.cleaned_data["case_number"]
            try:
                complaint_submit_public(complaint=complaint, now=timezone.now())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                submissions.add()
                return render(request, "complaints/public_done.html", {"complaint": complaint})
    return render(request, "complaints/public_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def public_track(request):
    """The complainant follows the complaint with its number and code: no personal data."""
    result = None
    error = ""
    number = request.POST.get("number", request.GET.get("number", "")).strip().upper()
    # Cut to a number's length (SQLite refuses a LIKE pattern of 50 kB) and without NUL
    # (PostgreSQL refuses it in a query): a longer number matches no complaint anyway.
    number = number.replace("\x00", "")[:32]
    if request.method == "POST":
        failures = AttemptCounter(
            request,
            "complaint-track-failures",
            limit=settings.HALL_TRACKING_MAX_FAILURES,
            seconds=settings.HALL_TRACKING_LOCK_MINUTES * 60,
        )
        if failures.locked:
            error = _("Too many wrong codes. Try again in %(minutes)s minutes.") % {
                "minutes": settings.HALL_TRACKING_LOCK_MINUTES
            }
        else:
            code = request.POST.get("code", "").strip().upper()
            found = Complaint.objects.filter(number__iexact=number).first()
            if found is None or not constant_time_compare(found.tracking_code, code):
                failures.add()
                error = _("No complaint matches this number and code.")
            else:
                result = found
    return render(
        request,
        "complaints/public_track.html",
        {"complaint": result, "error": error, "number": number},
    )


@require_GET
def public_results(request):
    """R-COMP-3: the concluded violations reported by the public, with the published
    result only: no complainant, no staff name, no contact data."""
    results = (
        Complaint.objects.filter(public_violation=True, status=Complaint.Status.CONCLUDED)
        .select_related("window")
        .only(
            "number",
            "received_at",
            "concluded_at",
            "outcome",
            "public_summary",
            "window__number",
            "window__name",
        )
        .order_by("-concluded_at")[:200]
    )
    return render(request, "complaints/public_results.html", {"results": results})


@require_GET
@login_required
def complaint_list(request):
    complaints = _complaints_for(request.user).select_related("window", "staff_member")
    today = timezone.localdate()
    counts = complaints.aggregate(
        open=Count("pk", filter=~Q(status=Complaint.Status.CONCLUDED)),
        overdue=Count(
            "pk",
            filter=~Q(status=Complaint.Status.CONCLUDED)
            & (Q(step_due__lt=today) | Q(conclusion_due__lt=today)),
        ),
        repeats=Count("pk", filter=Q(repeat_of__isnull=False)),
        escalated=Count("pk", filter=Q(escalated=True)),
    )
    rows = [
        {
            "c": c,
            "label": LABELS.get(light(c.step_due, today), ""),
            "light": light(c.step_due, today) if c.is_open else "",
            "month_light": light(c.conclusion_due, today) if c.is_open else "",
        }
        for c in complaints.select_related("repeat_of")[:200]
    ]
    return render(
        request,
        "complaints/list.html",
        {
            "rows": rows,
            "counts": counts,
            # Reports waiting to be registered are the center's (R-FIRST-1): a handler
            # reads the complaints handed to them, not the hall's other reports.
            "waiting": waiting_inquiries()[:50] if may_read(request.user) else [],
            "may_register": may_register(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def complaint_new(request):
    if not may_register(request.user):
        raise PermissionDenied
    inquiry = None
    if request.GET.get("inquiry") or request.POST.get("inquiry"):
        inquiry = get_object_or_404(
            waiting_inquiries(), pk=request.GET.get("inquiry") or request.POST.get("inquiry")
        )
    initial = {"received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    if inquiry:
        initial.update(
            {
                "complainant_name": inquiry.inquirer_name,
                "complainant_phone": inquiry.inquirer_phone,
                "window": inquiry.window_id,
                "content": inquiry.subject + ("\n" + inquiry.note if inquiry.note else ""),
                "received_at": timezone.localtime(inquiry.received_at).strftime("%Y-%m-%dT%H:%M"),
                "channel": "on_site",
            }
        )
    form = StaffComplaintForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        complaint = form.save(commit=False)
        complaint.case = form.cleaned_data["case_number"]
        complaint.received_at = form.cleaned_data["received_at"]
        complaint.inquiry = inquiry
        try:
            complaint_register(actor=request.user, complaint=complaint, now=timezone.now())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Complaint %(number)s registered.") % {"number": complaint.number}
            )
            return redirect("complaints:detail", number=complaint.number)
    return render(request, "complaints/new.html", {"form": form, "inquiry": inquiry})


@require_GET
@login_required
def complaint_detail(request, number):
    return _detail(request, _readable(request, number))


def _detail(request, complaint: Complaint, *, kept_text: str = "", status: int = 200):
    from hall.roles import Role
    from staff.selectors import scope_for_user
    from windows.models import Window

    is_inspector = request.user.is_superuser or Role.INSPECTOR in scope_for_user(request.user).roles
    today = timezone.localdate()
    return render(
        request,
        "complaints/detail.html",
        {
            "complaint": complaint,
            "step_light": light(complaint.step_due, today) if complaint.is_open else "",
            "month_light": light(complaint.conclusion_due, today) if complaint.is_open else "",
            "step_label": LABELS.get(light(complaint.step_due, today), ""),
            "repeats": complaint.repeats.all(),
            "contact": shown_contact(request.user, complaint),
            "is_inspector": is_inspector,
            "is_handler": complaint.handler_id == request.user.pk,
            "windows": Window.objects.filter(is_active=True) if is_inspector else [],
            "handlers": handler_choices() if is_inspector else [],
            "history": complaint.history.select_related("history_user").order_by("history_date"),
            "kept_text": kept_text,
        },
        status=status,
    )


def _complaints_for(user):
    """The center reads every complaint; an assigned handler their own; others none."""
    if may_read(user):
        return Complaint.objects.all()
    complaints = Complaint.objects.filter(handler=user)
    if not complaints.exists():
        raise PermissionDenied
    return complaints


def _readable(request, number) -> Complaint:
    complaint = get_object_or_404(
        Complaint.objects.select_related("window", "staff_member", "case", "transferred_to"),
        number=number,
    )
    if not (may_read(request.user) or complaint.handler_id == request.user.pk):
        raise PermissionDenied
    return complaint


@require_GET
@login_required
def complaint_pdf(request, number):
    """The registration form (投诉登记表), with the contact shown as the page shows it."""
    from django.http import HttpResponse

    from hall.pdf import render_pdf

    complaint = _readable(request, number)
    pdf = render_pdf(
        "complaints/pdf/complaint.html",
        {
            "complaint": complaint,
            "contact": shown_contact(request.user, complaint),
            "hall_name": settings.HALL_NAME,
            "printed_at": timezone.localtime(),
            "printed_by": request.user.get_full_name() or request.user.get_username(),
        },
        request=request,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{complaint.number}.pdf"'
    return response


@require_GET
@login_required
def complaint_export(request):
    """The register as Excel; each row's contact as its reader may see it (R-COMP-4)."""
    from django.http import HttpResponse

    from .exports import complaints_xlsx

    complaints = _complaints_for(request.user).select_related(
        "window", "staff_member", "transferred_to", "repeat_of"
    )
    response = HttpResponse(
        complaints_xlsx(request.user, complaints[:5000]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="complaints-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response


ACTIONS = {
    "transfer",
    "propose",
    "order_reply",
    "reply",
    "satisfaction",
    "reinvestigate",
    "conclude",
    "flag",
}


def handler_choices():
    from django.contrib.auth import get_user_model

    from hall.roles import Role

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__name__in=[
                Role.WINDOW_HEAD.value,
                Role.DEPARTMENT_HEAD.value,
                Role.INSPECTOR.value,
            ],
        )
        .distinct()
        .order_by("first_name")
    )


@require_http_methods(["POST"])
@login_required
def complaint_act(request, number, action):
    """One step of R-COMP-2; the service decides who may take it and when."""
    from windows.models import Window

    from . import handling

    complaint = get_object_or_404(Complaint, number=number)
    if action not in ACTIONS:
        raise PermissionDenied
    now, user, data = timezone.now(), request.user, request.POST
    try:
        if action == "transfer":
            window = Window.objects.filter(pk=data.get("window") or 0, is_active=True).first()
            handler = handler_choices().filter(pk=data.get("handler") or 0).first()
            if window is None:
                raise ValidationError(_("Choose the responsible window."))
            try:
                days = int(data.get("days") or 0) or None
            except ValueError:
                raise ValidationError(_("The deadline is a number of working days.")) from None
            handling.complaint_transfer(
                actor=user, complaint=complaint, window=window, handler=handler, now=now, days=days
            )
        elif action == "propose":
            handling.complaint_propose(
                actor=user, complaint=complaint, proposal=data.get("proposal", ""), now=now
            )
        elif action == "order_reply":
            handling.complaint_order_reply(actor=user, complaint=complaint, now=now)
        elif action == "reply":
            handling.complaint_reply(
                actor=user, complaint=complaint, reply=data.get("reply", ""), now=now
            )
        elif action == "satisfaction":
            handling.complaint_satisfaction(
                actor=user, complaint=complaint, satisfied=data.get("satisfied") == "yes", now=now
            )
        elif action == "reinvestigate":
            handling.complaint_reinvestigate(
                actor=user, complaint=complaint, direct=data.get("direct") == "yes", now=now
            )
        elif action == "conclude":
            handling.complaint_conclude(
                actor=user,
                complaint=complaint,
                outcome=data.get("outcome", ""),
                reasons=data.get("reasons", ""),
                public_summary=data.get("public_summary", ""),
                now=now,
            )
        elif action == "flag":
            handling.complaint_flag_retaliation(
                actor=user, complaint=complaint, suspected=data.get("suspected") == "yes", now=now
            )
    except (PermissionDenied, ValidationError) as exc:
        # Nothing typed is lost: the page comes back with the reason and the text.
        messages.error(request, refusal_text(exc))
        kept = "\n\n".join(
            data.get(k, "").strip()
            for k in ("proposal", "reply", "reasons", "public_summary")
            if data.get(k, "").strip()
        )
        if not (may_read(user) or complaint.handler_id == user.pk):
            raise PermissionDenied from exc
        complaint.refresh_from_db()
        status = 403 if isinstance(exc, PermissionDenied) else 400
        return _detail(request, complaint, kept_text=kept, status=status)
    messages.success(request, _("Recorded."))
    return redirect("complaints:detail", number=complaint.number)
