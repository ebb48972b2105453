"""Attendance and whereabouts (R-ORG-7): on post before opening, a sign when away,
and an absence over 20 minutes without leave and a substitute is a breach."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DurationField, ExpressionWrapper, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.services import occurrence_record_many
from hall.models import Weekday
from hall.roles import Role
from hall.validators import clean_text

from .models import Absence, Attendance, StaffMember, WhereaboutsSign
from .selectors import scope_for_user


def _may_sign_for(actor, member: StaffMember) -> bool:
    roles = scope_for_user(actor).roles
    return (
        member.user_id == actor.pk
        or actor.is_superuser
        or bool(roles & {Role.SUPERVISOR, Role.DIRECTOR})
    )


def session_of(now: dt.datetime) -> tuple[str, dt.datetime]:
    """The half-day session `now` belongs to, and when it opens (the hall's hours)."""
    local = timezone.localtime(now)
    day = Weekday.objects.filter(weekday=local.weekday()).first()
    morning = day.morning_opens if day else dt.time(9, 0)
    afternoon = day.afternoon_opens if day else dt.time(13, 30)
    noon = day.morning_closes if day else dt.time(12, 0)
    if local.time() < noon:
        session, opens = Attendance.Session.MORNING, morning
    else:
        session, opens = Attendance.Session.AFTERNOON, afternoon
    return session, timezone.make_aware(dt.datetime.combine(local.date(), opens))


@transaction.atomic
def attendance_sign_in(*, actor, member: StaffMember, now: dt.datetime) -> Attendance:
    """Sign in for the session; late when later than 10 minutes before opening."""
    if not _may_sign_for(actor, member):
        raise PermissionDenied(_("Only the person or a center supervisor signs them in."))
    session, opens = session_of(now)
    deadline = opens - dt.timedelta(minutes=settings.HALL_ON_POST_MARGIN_MINUTES)
    date = timezone.localtime(now).date()
    if Attendance.objects.filter(member=member, date=date, session=session).exists():
        raise ValidationError(
            _("%(name)s has signed in for this session already.") % {"name": member.name}
        )
    record = Attendance(
        member=member,
        date=date,
        session=session,
        signed_in_at=now,
        late=now > deadline,
        signed_in_by=actor,
    )
    record._history_user = actor
    record.save()
    return record


@transaction.atomic
def attendance_sign_out(*, actor, member: StaffMember, now: dt.datetime) -> Attendance:
    if not _may_sign_for(actor, member):
        raise PermissionDenied(_("Only the person or a center supervisor signs them out."))
    record = (
        Attendance.objects.filter(
            member=member, date=timezone.localtime(now).date(), signed_out_at__isnull=True
        )
        .order_by("-signed_in_at")
        .first()
    )
    if record is None:
        raise ValidationError(_("There is no open sign-in to close."))
    record.signed_out_at = now
    record._history_user = actor
    record.save()
    return record


@transaction.atomic
def whereabouts_post(
    *,
    actor,
    member: StaffMember,
    now: dt.datetime,
    reason: str,
    expected_back: dt.datetime,
    handover_note: str = "",
) -> WhereaboutsSign:
    """A clerk leaving the post shows where they went and when they will be back.

    For a post holder the sign is also a temporary absence of the post (R-ORG-6):
    while it is up the other holder stands in, and a B holder acts for A.
    """
    if member.user_id != actor.pk:
        raise PermissionDenied(_("Only the person posts their whereabouts sign."))
    reason = clean_text(
        reason, field="reason", max_length=WhereaboutsSign._meta.get_field("reason").max_length
    )
    handover_note = clean_text(handover_note, field="handover_note")
    if not reason:
        raise ValidationError({"reason": _("Say where you are going.")})
    if expected_back <= now:
        raise ValidationError({"expected_back": _("The expected return must be later than now.")})
    if WhereaboutsSign.objects.filter(member=member, returned_at__isnull=True).exists():
        raise ValidationError(_("Your whereabouts sign is up already."))
    sign = WhereaboutsSign(
        member=member, reason=reason.strip(), left_at=now, expected_back=expected_back
    )
    sign._history_user = actor
    sign.save()
    if member.post_id:
        absence = Absence(
            member=member,
            reason=Absence.Reason.TEMPORARY,
            starts_at=now,
            handover_note=handover_note.strip(),
            recorded_by=actor,
            sign=sign,
        )
        absence._history_user = actor
        absence.save()
    return sign


@transaction.atomic
def whereabouts_return(*, actor, sign: WhereaboutsSign, now: dt.datetime) -> WhereaboutsSign:
    if not _may_sign_for(actor, sign.member):
        raise PermissionDenied(_("Only the person or a center supervisor takes the sign down."))
    if sign.returned_at:
        raise ValidationError(_("The sign is down already."))
    sign.returned_at = now
    sign._history_user = actor
    sign.save()
    absence = Absence.objects.filter(sign=sign, ended_at__isnull=True).first()
    if absence is not None:
        absence.ended_at = now
        absence._history_user = actor
        absence.save()
    breaches_check(now=now)
    return sign


@transaction.atomic
def whereabouts_approve(
    *, actor, sign: WhereaboutsSign, substitute: StaffMember, now: dt.datetime
) -> WhereaboutsSign:
    """The window head grants the absence and names who stands in."""
    scope = scope_for_user(actor)
    window = sign.member.window
    if not (
        actor.is_superuser
        or (Role.WINDOW_HEAD in scope.roles and window and window.pk in scope.act_window_ids)
    ):
        raise PermissionDenied(_("Only the head of the window grants leave from the post."))
    if substitute.pk == sign.member_id:
        raise ValidationError({"substitute": _("Name someone else to stand in.")})
    sign.approved_by, sign.substitute = actor, substitute
    sign._history_user = actor
    sign.save()
    return sign


def breaches_check(*, now: dt.datetime) -> int:
    """Signs away longer than the limit without leave and a substitute become one
    occurrence each (R-ORG-7), however often this runs: set-based, and the occurrence's
    unique (source, rule) drops repeats."""
    limit = dt.timedelta(minutes=settings.HALL_AWAY_LIMIT_MINUTES)
    away = ExpressionWrapper(F("returned_at") - F("left_at"), output_field=DurationField())
    unapproved = Q(approved_by__isnull=True) | Q(substitute__isnull=True)
    still_out = Q(returned_at__isnull=True, left_at__lt=now - limit)
    came_back_late = Q(returned_at__isnull=False)
    signs = (
        WhereaboutsSign.objects.filter(unapproved)
        .annotate(away=away)
        .filter(still_out | (came_back_late & Q(away__gt=limit)))
        .values("pk", "member__window_id", "member__user_id", "reason")
    )
    rows = [
        {
            "source_id": s["pk"],
            "window_id": s["member__window_id"],
            "person_id": s["member__user_id"],
            "detail": s["reason"],
        }
        for s in signs
    ]
    return occurrence_record_many(rule="R-ORG-7", model=WhereaboutsSign, rows=rows, occurred_at=now)
