"""A post holder's own page actions: away, back, stepping in for the partner (R-ORG-6)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import Absence, StaffMember
from .substitution import absence_end, absence_record, partner_of


def _until(raw: str) -> dt.datetime | None:
    if not raw:
        return None
    try:
        naive = dt.datetime.strptime(raw, "%Y-%m-%dT%H:%M")
    except ValueError:
        raise ValidationError({"ends_at": _("Write the time as 2026-10-08 17:30.")}) from None
    return timezone.make_aware(naive)


@require_POST
@login_required
def absence_new(request):
    """`who=me` records my own absence with a handover note; `who=partner` records that
    my partner is away and I stepped in without a handover."""
    me = get_object_or_404(StaffMember, user=request.user, is_active=True)
    member = me if request.POST.get("who") != "partner" else partner_of(me)
    if member is None:
        messages.error(request, _("Your post has no second holder."))
        return redirect("home")
    try:
        absence_record(
            actor=request.user,
            member=member,
            reason=request.POST.get("reason", ""),
            now=timezone.now(),
            ends_at=_until(request.POST.get("ends_at", "")),
            handover_note=request.POST.get("handover_note", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Recorded. The other holder of the post stands in."))
    return redirect("home")


@require_POST
@login_required
def absence_back(request, pk):
    absence = get_object_or_404(Absence, pk=pk)
    try:
        absence_end(actor=request.user, absence=absence, now=timezone.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Welcome back."))
    return redirect("home")


def _me(request) -> StaffMember:
    return get_object_or_404(StaffMember, user=request.user, is_active=True)


def _run(request, action, success: str):
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("home")


@require_POST
@login_required
def sign_in(request):
    from .attendance import attendance_sign_in

    me = _me(request)
    return _run(
        request,
        lambda: attendance_sign_in(actor=request.user, member=me, now=timezone.now()),
        _("Signed in."),
    )


@require_POST
@login_required
def sign_out(request):
    from .attendance import attendance_sign_out

    me = _me(request)
    return _run(
        request,
        lambda: attendance_sign_out(actor=request.user, member=me, now=timezone.now()),
        _("Signed out."),
    )


@require_POST
@login_required
def whereabouts_new(request):
    from .attendance import whereabouts_post

    me = _me(request)
    try:
        back = _until(request.POST.get("expected_back", ""))
        if back is None:
            raise ValidationError({"expected_back": _("Say when you will be back.")})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("home")
    return _run(
        request,
        lambda: whereabouts_post(
            actor=request.user,
            member=me,
            now=timezone.now(),
            reason=request.POST.get("reason", ""),
            expected_back=back,
        ),
        _("Your whereabouts sign is up."),
    )


@require_POST
@login_required
def whereabouts_back(request, pk):
    from .attendance import whereabouts_return
    from .models import WhereaboutsSign

    sign = get_object_or_404(WhereaboutsSign, pk=pk)
    return _run(
        request,
        lambda: whereabouts_return(actor=request.user, sign=sign, now=timezone.now()),
        _("Welcome back."),
    )


@require_POST
@login_required
def whereabouts_grant(request, pk):
    from .attendance import whereabouts_approve
    from .models import WhereaboutsSign

    sign = get_object_or_404(WhereaboutsSign, pk=pk)
    substitute = StaffMember.objects.filter(pk=request.POST.get("substitute") or 0).first()
    if substitute is None:
        messages.error(request, _("Name who stands in."))
        return redirect("home")
    return _run(
        request,
        lambda: whereabouts_approve(
            actor=request.user, sign=sign, substitute=substitute, now=timezone.now()
        ),
        _("Leave granted."),
    )
