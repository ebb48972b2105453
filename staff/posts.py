"""The A/B register (R-ORG-6) and swaps of a window's staff (R-ORG-4).

Every change of a post's holder is a `PostChange` row besides the members' own
history, so the center's register shows who held which post when.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.calendar import add_months
from hall.roles import Role

from .models import Dispatch, Post, PostChange, StaffMember, SwapRequest
from .selectors import is_center, scope_for_user


def post_change_record(actor, post, slot, previous, holder, reason, now) -> PostChange:
    change = PostChange(
        post=post,
        slot=slot,
        previous=previous,
        holder=holder,
        reason=reason,
        changed_by=actor,
        changed_at=now,
    )
    change._history_user = actor
    change.save()
    return change


def _vacate(actor, member: StaffMember, reason: str, now) -> None:
    if member.post_id:
        post_change_record(actor, member.post, member.slot, member, None, reason, now)
        member.post, member.slot = None, ""


@transaction.atomic
def post_assign(
    *, actor, post: Post, slot: str, member: StaffMember | None, reason: str, now: dt.datetime
) -> PostChange:
    """The center registers who holds a post's A or B slot (R-ORG-6).

    The previous holder of the slot is released; a member who held another post
    leaves it. The A holder sits at the post's window; a B holder may sit elsewhere
    in the department.
    """
    if not is_center(actor):
        raise PermissionDenied(_("Only the center registers the holders of posts."))
    if slot not in StaffMember.Slot.values:
        raise ValidationError({"slot": _("Choose the A or the B slot.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the pair changes.")})
    post = Post.objects.select_for_update().select_related("window").get(pk=post.pk)
    previous = StaffMember.objects.filter(post=post, slot=slot).first()
    if member is not None:
        member = StaffMember.objects.select_related("post").get(pk=member.pk)
        if not member.is_active:
            raise ValidationError(
                {"member": _("%(name)s has left the hall.") % {"name": member.name}}
            )
        if member.department_id != post.window.department_id:
            raise ValidationError(
                {"member": _("%(name)s belongs to another department.") % {"name": member.name}}
            )
        if previous is not None and previous.pk == member.pk:
            raise ValidationError(
                {"member": _("%(name)s holds this slot already.") % {"name": member.name}}
            )
    if previous is not None:
        previous.post, previous.slot = None, ""
        previous._history_user = actor
        previous.save()
    if member is not None:
        if member.post_id:
            post_change_record(actor, member.post, member.slot, member, None, reason.strip(), now)
        member.post, member.slot = post, slot
        if slot == StaffMember.Slot.A:
            member.window = post.window
        member._history_user = actor
        member.save()
    return post_change_record(actor, post, slot, previous, member, reason.strip(), now)


# -- swaps (R-ORG-4) -----------------------------------------------------------------


def stability_ends(member: StaffMember) -> dt.date | None:
    """The first day a member may be swapped: half a year (S2 §16) or twelve months
    (one assessment year, S4 二.3) after taking the post — a setting."""
    start = member.on_post_since
    if start is None:
        return None
    return add_months(start, 6 if settings.HALL_STABILITY_PERIOD == "half_year" else 12)


def swap_allowance(window_staff: int) -> int:
    """R-ORG-4: at most 50 % of a window's staff move at once; a window of one may
    still swap its one person, or it could never change at all."""
    return max(1, window_staff // 2)


def _moving_at_once(window_id: int, effective_on: dt.date, exclude_pk=None) -> set[int]:
    """The staff of a window already moving in the same adjustment: in January the
    whole January batch, otherwise the swaps not yet completed."""
    swaps = SwapRequest.objects.filter(
        leaving__window_id=window_id,
        status__in=[SwapRequest.Status.PENDING, SwapRequest.Status.APPROVED],
    )
    if effective_on.month == 1:
        swaps = SwapRequest.objects.filter(
            leaving__window_id=window_id,
            effective_on__year=effective_on.year,
            effective_on__month=1,
        ).exclude(status=SwapRequest.Status.REFUSED)
    if exclude_pk:
        swaps = swaps.exclude(pk=exclude_pk)
    return set(swaps.values_list("leaving_id", flat=True))


def swap_check(
    *, leaving: StaffMember, reason: str, effective_on: dt.date, today: dt.date, exclude_pk=None
) -> None:
    """Each rule of R-ORG-4 that refuses a swap, with its own message."""
    errors = []
    notice = settings.HALL_SWAP_NOTICE_DAYS
    if (effective_on - today).days < notice:
        errors.append(
            _(
                "A swap must reach the center at least %(days)s days ahead: "
                "the earliest possible day is %(earliest)s."
            )
            % {"days": notice, "earliest": (today + dt.timedelta(days=notice)).isoformat()}
        )
    ends = stability_ends(leaving)
    if ends is not None and effective_on < ends:
        errors.append(
            _(
                "%(name)s took the post on %(since)s and stays at least until %(ends)s "
                "(the stability period)."
            )
            % {
                "name": leaving.name,
                "since": leaving.on_post_since.isoformat(),
                "ends": ends.isoformat(),
            }
        )
    if reason == SwapRequest.Reason.REGULAR and effective_on.month != 1:
        errors.append(
            _("Regular adjustments take place in January; outside January give a special reason.")
        )
    if leaving.window_id:
        staff = StaffMember.objects.filter(window_id=leaving.window_id, is_active=True).count()
        moving = _moving_at_once(leaving.window_id, effective_on, exclude_pk) | {leaving.pk}
        allowed = swap_allowance(staff)
        if len(moving) > allowed:
            errors.append(
                _(
                    "This would move %(moving)s of the %(staff)s staff of window %(window)s at "
                    "once; at most %(allowed)s (50 %%) may move in one adjustment."
                )
                % {
                    "moving": len(moving),
                    "staff": staff,
                    "window": leaving.window.number,
                    "allowed": allowed,
                }
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def swap_request(
    *,
    actor,
    leaving: StaffMember,
    reason: str,
    effective_on: dt.date,
    incoming: Dispatch | None = None,
    explanation: str = "",
    now: dt.datetime,
) -> SwapRequest:
    """A department asks the center to swap one of its window staff."""
    scope = scope_for_user(actor)
    if not (actor.is_superuser or leaving.department_id in scope.act_department_ids):
        raise PermissionDenied(_("Only the head of the person's department asks for a swap."))
    if reason not in SwapRequest.Reason.values:
        raise ValidationError({"reason": _("Choose the reason for the swap.")})
    if not leaving.is_active:
        raise ValidationError(_("%(name)s has left the hall already.") % {"name": leaving.name})
    if SwapRequest.objects.filter(
        leaving=leaving, status__in=[SwapRequest.Status.PENDING, SwapRequest.Status.APPROVED]
    ).exists():
        raise ValidationError(
            _("A swap of %(name)s is under way already.") % {"name": leaving.name}
        )
    if incoming is not None and (
        incoming.department_id != leaving.department_id
        or incoming.status in (Dispatch.Status.FAILED, Dispatch.Status.WITHDRAWN)
    ):
        raise ValidationError({"incoming": _("Choose a newcomer proposed by the same department.")})
    if reason == SwapRequest.Reason.OTHER and not explanation.strip():
        raise ValidationError({"explanation": _("Explain the special reason.")})
    swap_check(
        leaving=leaving,
        reason=reason,
        effective_on=effective_on,
        today=timezone.localtime(now).date(),
    )
    swap = SwapRequest(
        department=leaving.department,
        leaving=leaving,
        incoming=incoming,
        reason=reason,
        explanation=explanation.strip(),
        effective_on=effective_on,
        requested_by=actor,
        requested_at=now,
    )
    swap._history_user = actor
    swap.save()
    return swap


@transaction.atomic
def swap_decide(
    *, actor, swap: SwapRequest, approve: bool, note: str = "", now: dt.datetime
) -> SwapRequest:
    """The center approves or refuses. The leaving person stays on post until the
    newcomer is marked familiar (S2 §18)."""
    if not is_center(actor):
        raise PermissionDenied(_("Only the center approves swaps."))
    if swap.status != SwapRequest.Status.PENDING:
        raise ValidationError(_("This swap was decided already."))
    if not approve and not note.strip():
        raise ValidationError({"decision_note": _("Say why the swap is refused.")})
    swap.status = SwapRequest.Status.APPROVED if approve else SwapRequest.Status.REFUSED
    swap.decided_by, swap.decided_at, swap.decision_note = actor, now, note.strip()
    swap._history_user = actor
    swap.save()
    return swap


@transaction.atomic
def swap_mark_familiar(*, actor, swap: SwapRequest, now: dt.datetime) -> SwapRequest:
    """The newcomer knows the work: only now does the leaving person leave, and the
    newcomer takes over their post (S2 §18)."""
    scope = scope_for_user(actor)
    window = swap.leaving.window
    if not (
        is_center(actor)
        or (Role.WINDOW_HEAD in scope.roles and window and window.pk in scope.act_window_ids)
    ):
        raise PermissionDenied(
            _("Only the window head or the center says the newcomer is familiar.")
        )
    if swap.status != SwapRequest.Status.APPROVED:
        raise ValidationError(_("Only an approved swap can be completed."))
    newcomer = swap.incoming.member if swap.incoming_id else None
    if newcomer is None or not newcomer.is_active:
        raise ValidationError(
            _("The newcomer is not on post yet: the leaving person stays until they are.")
        )
    leaving = StaffMember.objects.select_related("post").get(pk=swap.leaving_id)
    post, slot = leaving.post, leaving.slot
    leaving.post, leaving.slot = None, ""
    leaving.is_active, leaving.left_on = False, timezone.localtime(now).date()
    leaving._history_user = actor
    leaving.save()
    if post is not None:
        if newcomer.post_id:
            _vacate(actor, newcomer, _("Takes over a post after a swap"), now)
        newcomer.post, newcomer.slot = post, slot
        if slot == StaffMember.Slot.A:
            newcomer.window = post.window
        newcomer._history_user = actor
        newcomer.save()
        post_change_record(actor, post, slot, leaving, newcomer, _("Swap completed"), now)
    swap.status = SwapRequest.Status.COMPLETED
    swap.familiar_marked_by, swap.familiar_at = actor, now
    swap._history_user = actor
    swap.save()
    return swap
