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
