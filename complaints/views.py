"""Complaints: the public form and tracking, and the center's register."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

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


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


@require_http_methods(["GET", "POST"])
def public_new(request):
    """R-COMP-1: anyone may complain on the web, no login; limited per address."""
    form = PublicComplaintForm(request.POST or None)
    key = f"complaint-submissions:{_address(request)}"
    if request.method == "POST":
        count = cache.get(key, 0)
        if count >= settings.HALL_COMPLAINT_MAX_PER_HOUR:
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
                _errors_to_form(form, exc)
            else:
                cache.set(key, count + 1, 3600)
                return render(request, "complaints/public_done.html", {"complaint": complaint})
    return render(request, "complaints/public_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def public_track(request):
    """The complainant follows the complaint with its number and code: no personal data."""
    result = None
    error = ""
    number = request.POST.get("number", request.GET.get("number", "")).strip().upper()
    if request.method == "POST":
        key = f"complaint-track-failures:{_address(request)}"
        failures = cache.get(key, 0)
        if failures >= settings.HALL_TRACKING_MAX_FAILURES:
            error = _("Too many wrong codes. Try again in %(minutes)s minutes.") % {
                "minutes": settings.HALL_TRACKING_LOCK_MINUTES
            }
        else:
            code = request.POST.get("code", "").strip().upper()
            found = Complaint.objects.filter(number__iexact=number).first()
            if found is None or not constant_time_compare(found.tracking_code, code):
                cache.set(key, failures + 1, settings.HALL_TRACKING_LOCK_MINUTES * 60)
                error = _("No complaint matches this number and code.")
            else:
                result = found
    return render(
        request,
        "complaints/public_track.html",
        {"complaint": result, "error": error, "number": number},
    )


@require_GET
@login_required
def complaint_list(request):
    if not may_read(request.user):
        raise PermissionDenied
    complaints = Complaint.objects.select_related("window", "staff_member")[:200]
    return render(
        request,
        "complaints/list.html",
        {
            "complaints": complaints,
            "waiting": waiting_inquiries()[:50],
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
            _errors_to_form(form, exc)
        else:
            messages.success(
                request, _("Complaint %(number)s registered.") % {"number": complaint.number}
            )
            return redirect("complaints:detail", number=complaint.number)
    return render(request, "complaints/new.html", {"form": form, "inquiry": inquiry})


@require_GET
@login_required
def complaint_detail(request, number):
    complaint = get_object_or_404(
        Complaint.objects.select_related("window", "staff_member", "case", "registered_by"),
        number=number,
    )
    if not (may_read(request.user) or complaint.handler_id == request.user.pk):
        raise PermissionDenied
    return render(
        request,
        "complaints/detail.html",
        {"complaint": complaint, "contact": shown_contact(request.user, complaint)},
    )
