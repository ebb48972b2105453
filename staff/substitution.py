"""A/B posts (R-ORG-6): who is away, who stands in, and on whose post an action is taken."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from hall.validators import clean_text

from .models import Absence, StaffMember


def active_absences(now: dt.datetime):
    return Absence.objects.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now), starts_at__lte=now, ended_at__isnull=True
    )


def partner_of(member: StaffMember) -> StaffMember | None:
    """The other holder of the member's post."""
    if not member.post_id:
        return None
    return (
        StaffMember.objects.filter(post_id=member.post_id, is_active=True)
        .exclude(pk=member.pk)
        .select_related("user")
        .first()
    )


def acting_for(user, window, now: dt.datetime):
    """The A holder this user acts for at `window` now, or None.

    B acts with A's authority while A is away (R-ORG-6): every case action B takes
    is recorded as acting for A.
    """
    member = (
        StaffMember.objects.filter(user=user, is_active=True, post__window=window, slot="B")
        .select_related("post")
        .first()
    )
    if member is None:
        return None
    holder_a = partner_of(member)
    if holder_a is None or holder_a.slot != "A":
        return None
    if active_absences(now).filter(member=holder_a).exists():
        return holder_a.user
    return None


def posts_with_both_away(now: dt.datetime, window_ids=None) -> set[int]:
    """Posts whose A and B holders are both away now: nobody serves there."""
    away = active_absences(now).values_list("member__post_id", "member_id")
    by_post: dict[int, set[int]] = {}
    for post_id, member_id in away:
        if post_id:
            by_post.setdefault(post_id, set()).add(member_id)
    holders = StaffMember.objects.filter(post_id__in=by_post, is_active=True)
    if window_ids is not None:
        holders = holders.filter(window_id__in=window_ids)
    counts: dict[int, int] = {}
    for post_id in holders.values_list("post_id", flat=True):
        counts[post_id] = counts.get(post_id, 0) + 1
    return {p for p, members in by_post.items() if counts.get(p) and len(members) >= counts[p]}


@transaction.atomic
def absence_record(
    *,
    actor,
    member: StaffMember,
    reason: str,
    now: dt.datetime,
    ends_at: dt.datetime | None = None,
    handover_note: str = "",
) -> Absence:
    """Record that a holder is away. The holder records it with a handover note; when
    no handover was possible their partner records it and says they stepped in."""
    partner = partner_of(member)
    by_self = member.user_id == actor.pk
    by_partner = partner is not None and partner.user_id == actor.pk
    if not (by_self or by_partner):
        raise PermissionDenied(_("Only the holders of the post record its absences."))
    if reason not in Absence.Reason.values:
        raise ValidationError({"reason": _("Choose why the holder is away.")})
    if ends_at is not None and ends_at <= now:
        raise ValidationError({"ends_at": _("The absence must end after it starts.")})
    handover_note = clean_text(handover_note, field="handover_note")
    if by_self and not handover_note.strip():
        raise ValidationError({"handover_note": _("Leave a handover note for your partner.")})
    if active_absences(now).filter(member=member).exists():
        raise ValidationError(_("%(name)s is already recorded as away.") % {"name": member.name})
    absence = Absence(
        member=member,
        reason=reason,
        starts_at=now,
        ends_at=ends_at,
        handover_note=handover_note.strip(),
        stepped_in_without_handover=by_partner,
        recorded_by=actor,
    )
    absence._history_user = actor
    absence.save()
    return absence


@transaction.atomic
def absence_end(*, actor, absence: Absence, now: dt.datetime) -> Absence:
    """The holder is back."""
    partner = partner_of(absence.member)
    if actor.pk not in {absence.member.user_id, partner.user_id if partner else None}:
        raise PermissionDenied(_("Only the holders of the post record its absences."))
    if absence.ended_at is not None:
        raise ValidationError(_("This absence has ended already."))
    absence.ended_at = now
    absence._history_user = actor
    absence.save()
    sign = absence.sign
    if sign is not None and sign.returned_at is None:
        sign.returned_at = now
        sign._history_user = actor
        sign.save()
    return absence
