"""差评整改: a bad review (不满意 / 非常不满意) opens a rectification (N-2).

The window (its head, its chief representative or its department's head) calls
the applicant back within HALL_RECTIFY_CALLBACK_DAYS working day, rectifies
within HALL_RECTIFY_DAYS (HALL_RECTIFY_COMPLEX_DAYS for a complex one, one
extension of HALL_RECTIFY_EXTENSION_DAYS at most) and reports the result back to
the applicant; an inspector closes it. The window may appeal once that the review
is invalid; a supervisor decides, and an upheld appeal takes the rating out of
the figures. The clocks run during an appeal: it does not stop the call-back.
The center records spot-check call-backs. The sweep flags what is overdue.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from hall.alerts import AlertSpec, alerts_send
from hall.calendar import add_working_days
from hall.roles import Role, role_holders
from staff.selectors import scope_for_user

from .clocks import due_in, local_day
from .handling import required_text as _text
from .models import Rating, Rectification, SpotCheck

R = Rectification.Status


def window_managers(window) -> set[int]:
    """Who answers for a window's bad reviews."""
    ids = {window.window_head_id, window.chief_representative_id, window.department.head_id}
    return {i for i in ids if i}


def inspectors() -> list[int]:
    return list(role_holders(Role.INSPECTOR))


def may_act_for_window(user, rectification: Rectification) -> bool:
    return user.is_superuser or user.pk in window_managers(rectification.window)


def _fresh(rectification: Rectification) -> None:
    """Lock the row and re-read it (and its window) before a step."""
    rectification.refresh_from_db(from_queryset=Rectification.objects.select_for_update())


def _window(actor, rectification: Rectification) -> None:
    _fresh(rectification)
    if not may_act_for_window(actor, rectification):
        raise PermissionDenied(_("Only the window's head or its department's head does this."))


def _role(actor, *roles: Role, message: str, rectification: Rectification) -> None:
    _fresh(rectification)
    if not (actor.is_superuser or scope_for_user(actor).roles & set(roles)):
        raise PermissionDenied(message)


def _state(rectification: Rectification, *allowed: str) -> None:
    if rectification.status not in allowed:
        raise ValidationError(
            _("Not possible while the rectification is “%(status)s”.")
            % {"status": rectification.get_status_display()}
        )


def _save(rectification: Rectification, actor) -> Rectification:
    rectification._history_user = actor
    rectification.save()
    return rectification


def rectification_open(*, rating: Rating, now: dt.datetime) -> Rectification:
    """A bad review: open the rectification and tell the window and the inspectors."""
    rectification = Rectification(
        rating=rating,
        window=rating.window,
        opened_at=now,
        callback_due=due_in(now, settings.HALL_RECTIFY_CALLBACK_DAYS),
        rectify_due=due_in(now, settings.HALL_RECTIFY_DAYS),
    )
    _save(rectification, None)
    url = reverse("complaints:rectification", args=[rectification.pk])
    title = _("Bad review at window %(window)s: call the applicant back by %(due)s") % {
        "window": rating.window.number,
        "due": f"{rectification.callback_due:%Y-%m-%d}",
    }
    recipients = window_managers(rating.window) | set(inspectors())
    alerts_send(
        [
            AlertSpec(user, f"rectification:{rectification.pk}:open", "warning", title, url=url)
            for user in recipients
        ],
        now=now,
    )
    return rectification


@transaction.atomic
def rectification_callback(
    *, actor, rectification: Rectification, note: str, complex: bool, now: dt.datetime
) -> Rectification:
    """The window called the applicant back; a complex matter gets the longer limit."""
    _window(actor, rectification)
    _state(rectification, R.OPEN, R.APPEALED)
    if rectification.called_back_at:
        raise ValidationError(_("The call-back is recorded already."))
    rectification.callback_note = _text(
        note, "callback_note", _("Write what the applicant said on the call-back.")
    )
    rectification.called_back_at = now
    rectification.complex = complex
    if complex:
        rectification.rectify_due = due_in(
            rectification.opened_at, settings.HALL_RECTIFY_COMPLEX_DAYS
        )
    if rectification.status == R.OPEN:
        rectification.status = R.RECTIFYING
    else:
        rectification.status_before_appeal = R.RECTIFYING
    return _save(rectification, actor)


@transaction.atomic
def rectification_extend(
    *, actor, rectification: Rectification, reason: str, now: dt.datetime
) -> Rectification:
    """One extension at most, asked for before the deadline passes."""
    _window(actor, rectification)
    _state(rectification, R.RECTIFYING)
    if rectification.extended:
        raise ValidationError(_("The rectification was extended once already."))
    if rectification.rectify_due < local_day(now):
        raise ValidationError(_("The deadline has passed: it can no longer be extended."))
    rectification.extension_reason = _text(
        reason, "extension_reason", _("Give the reason for the extension.")
    )
    rectification.extended = True
    rectification.rectify_due = add_working_days(
        rectification.rectify_due, settings.HALL_RECTIFY_EXTENSION_DAYS
    ).date
    return _save(rectification, actor)


@transaction.atomic
def rectification_appeal(
    *, actor, rectification: Rectification, reason: str, now: dt.datetime
) -> Rectification:
    """申诉复核: the window says the review is invalid (once)."""
    _window(actor, rectification)
    _state(rectification, R.OPEN, R.RECTIFYING)
    if rectification.appealed_at:
        raise ValidationError(_("This review was appealed once already."))
    rectification.appeal_reason = _text(
        reason, "appeal_reason", _("Say why the review is invalid.")
    )
    rectification.status_before_appeal = rectification.status
    rectification.status = R.APPEALED
    rectification.appealed_at, rectification.appealed_by = now, actor
    _save(rectification, actor)
    url = reverse("complaints:rectification", args=[rectification.pk])
    alerts_send(
        [
            AlertSpec(
                user,
                f"rectification:{rectification.pk}:appeal",
                "info",
                _("Window %(window)s appeals a bad review as invalid")
                % {"window": rectification.window.number},
                url=url,
            )
            for user in role_holders(Role.SUPERVISOR)
        ],
        now=now,
    )
    return rectification


@transaction.atomic
def rectification_appeal_decide(
    *, actor, rectification: Rectification, upheld: bool, decision: str, now: dt.datetime
) -> Rectification:
    """A supervisor decides: upheld, the review is invalid and leaves the figures;
    refused, the rectification goes on where it was."""
    _role(
        actor,
        Role.SUPERVISOR,
        message=_("Only a center supervisor decides an appeal."),
        rectification=rectification,
    )
    _state(rectification, R.APPEALED)
    if actor.pk == rectification.appealed_by_id:
        raise PermissionDenied(_("Whoever appealed cannot decide the appeal."))
    rectification.appeal_decision = _text(
        decision, "appeal_decision", _("Give the reasons for the decision.")
    )
    rectification.appeal_upheld = upheld
    rectification.appeal_decided_by, rectification.appeal_decided_at = actor, now
    if upheld:
        rectification.status = R.VOID
        rectification.closed_at = now
        rating = rectification.rating
        rating.invalid = True
        rating._history_user = actor
        rating.save(update_fields=["invalid"])
    else:
        rectification.status = rectification.status_before_appeal or R.OPEN
    return _save(rectification, actor)


@transaction.atomic
def rectification_report(
    *, actor, rectification: Rectification, result: str, now: dt.datetime
) -> Rectification:
    """The window reports what it rectified, and that the applicant was told."""
    _window(actor, rectification)
    _state(rectification, R.RECTIFYING)
    rectification.result = _text(
        result, "result", _("Write what was rectified and what the applicant was told.")
    )
    rectification.reported_at = now
    rectification.status = R.REPORTED
    return _save(rectification, actor)


@transaction.atomic
def rectification_close(
    *, actor, rectification: Rectification, note: str, now: dt.datetime
) -> Rectification:
    _role(
        actor,
        Role.INSPECTOR,
        message=_("Only a discipline inspector closes a rectification."),
        rectification=rectification,
    )
    _state(rectification, R.REPORTED)
    rectification.close_note = (note or "").strip()
    rectification.closed_at = now
    rectification.status = R.CLOSED
    return _save(rectification, actor)


@transaction.atomic
def spot_check_record(
    *,
    actor,
    rectification: Rectification,
    reached: bool,
    confirmed: bool | None,
    note: str,
    now: dt.datetime,
) -> SpotCheck:
    """回访抽查: the center calls the applicant to check the reported rectification."""
    _role(
        actor,
        Role.INSPECTOR,
        Role.SUPERVISOR,
        message=_("Spot-check call-backs are made by the center."),
        rectification=rectification,
    )
    _state(rectification, R.REPORTED, R.CLOSED)
    check = SpotCheck(
        rectification=rectification,
        checked_by=actor,
        checked_at=now,
        reached=reached,
        confirmed=confirmed if reached else None,
        note=(note or "").strip()[:2000],
    )
    check._history_user = actor
    check.save()
    return check
