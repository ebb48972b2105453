"""Registering complaints (R-COMP-1) from every channel, and who may see the
complainant (R-COMP-4)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cases.models import FirstInquiry
from cases.numbering import new_tracking_code
from hall.identity import mask_phone, validate_mobile
from hall.roles import Role
from staff.selectors import scope_for_user

from .clocks import local_day, step_clock
from .models import Complaint

CONTENT_MAX = 2000
REPEAT_RULE = "R-ACC-8"  # a repeat complaint caused by late or poor handling
REGISTRARS = {Role.INSPECTOR, Role.SUPERVISOR}


def may_register(user) -> bool:
    return bool(user.is_superuser or scope_for_user(user).roles & REGISTRARS)


def may_read(user) -> bool:
    """Complaints are read by the center: inspectors, supervisors, the director."""
    roles = scope_for_user(user).roles
    return bool(user.is_superuser or roles & {Role.INSPECTOR, Role.SUPERVISOR, Role.DIRECTOR})


def may_see_contact(user, complaint: Complaint) -> bool:
    """R-COMP-4: the complainant's identity and contact data are seen by inspectors
    and the assigned handler only — never by the person complained about."""
    if complaint.staff_member_id and complaint.staff_member.user_id == user.pk:
        return False
    if user.is_superuser or Role.INSPECTOR in scope_for_user(user).roles:
        return True
    return complaint.handler_id is not None and complaint.handler_id == user.pk


def shown_contact(user, complaint: Complaint) -> dict[str, str]:
    if may_see_contact(user, complaint):
        return {
            "name": complaint.complainant_name,
            "phone": complaint.complainant_phone,
            "address": complaint.complainant_address,
        }
    return {
        "name": complaint.complainant_name[:1] + "**" if complaint.complainant_name else "",
        "phone": mask_phone(complaint.complainant_phone),
        "address": "***" if complaint.complainant_address else "",
    }


def _validate(complaint: Complaint) -> None:
    errors: dict[str, list[str]] = {}
    if not complaint.complainant_name.strip():
        errors["complainant_name"] = [_("Give the complainant's name.")]
    try:
        complaint.complainant_phone = validate_mobile(complaint.complainant_phone)
    except ValidationError as exc:
        errors["complainant_phone"] = exc.messages
    content = complaint.content.strip()
    if not content:
        errors["content"] = [_("Say what happened.")]
    elif len(content) > CONTENT_MAX:
        errors["content"] = [
            _("Keep it within %(max)s characters (this has %(n)s).")
            % {"max": CONTENT_MAX, "n": len(content)}
        ]
    if len(complaint.complainant_address) > 200:
        errors["complainant_address"] = [_("The address is too long (200 characters at most).")]
    if (
        complaint.staff_member_id
        and complaint.window_id
        and complaint.staff_member.window_id != complaint.window_id
    ):
        errors["staff_member"] = [_("This person does not work at that window.")]
    if complaint.case_id and complaint.window_id is None:
        complaint.window_id = complaint.case.window_id
    if errors:
        raise ValidationError(errors)
    complaint.content = content
    complaint.complainant_name = complaint.complainant_name.strip()


def earlier_complaint(complaint: Complaint) -> Complaint | None:
    """R-ACC-8: the latest complaint by the same phone, or on the same case, within
    HALL_COMPLAINT_REPEAT_DAYS before this one."""
    since = complaint.received_at - dt.timedelta(days=settings.HALL_COMPLAINT_REPEAT_DAYS)
    same = Q(complainant_phone=complaint.complainant_phone)
    if complaint.case_id:
        same |= Q(case_id=complaint.case_id)
    earlier = Complaint.objects.filter(same, received_at__gte=since).filter(
        received_at__lte=complaint.received_at
    )
    if complaint.pk:
        earlier = earlier.exclude(pk=complaint.pk)
    return earlier.select_related("handler", "transferred_to", "window").first()


def handled_late_or_badly(earlier: Complaint, today: dt.date) -> bool:
    """A step of the earlier complaint ran late, or its complainant was not satisfied."""
    late = (
        earlier.late_steps > 0
        or earlier.step_late_at is not None
        or earlier.conclusion_late_at is not None
        or (earlier.is_open and earlier.step_due is not None and earlier.step_due < today)
        or (
            earlier.is_open
            and earlier.conclusion_due is not None
            and earlier.conclusion_due < today
        )
    )
    return late or earlier.satisfied is False


def _record_repeat(complaint: Complaint, now: dt.datetime) -> None:
    """A repeat caused by late or poor handling is an occurrence for its handler."""
    from accountability.services import occurrence_record

    earlier = complaint.repeat_of
    if earlier is None or earlier.handler_id is None:
        return
    if not handled_late_or_badly(earlier, local_day(now)):
        return
    occurrence_record(
        rule=REPEAT_RULE,
        source=complaint,
        occurred_at=now,
        window=earlier.transferred_to or earlier.window,
        person=earlier.handler,
        detail=_("%(number)s repeats %(earlier)s")
        % {"number": complaint.number, "earlier": earlier.number},
    )


def _save_new(complaint: Complaint, actor, now: dt.datetime) -> Complaint:
    complaint.tracking_code = new_tracking_code()
    complaint.repeat_of = earlier_complaint(complaint)
    step_clock(complaint, now)
    complaint._history_user = actor
    complaint.save()
    complaint.number = f"TS{complaint.received_at:%Y}-{complaint.pk:06d}"
    complaint.save(update_fields=["number"])
    _record_repeat(complaint, now)
    return complaint


@transaction.atomic
def complaint_register(*, actor, complaint: Complaint, now: dt.datetime) -> Complaint:
    """An inspector or supervisor registers a complaint from on site, phone, letter,
    hotline or a first-inquiry record."""
    if not may_register(actor):
        raise PermissionDenied(_("Only inspectors and supervisors register complaints."))
    if complaint.channel not in Complaint.Channel.values or complaint.channel == "web":
        raise ValidationError({"channel": _("Choose how the complaint came in.")})
    if complaint.inquiry_id:
        inquiry = FirstInquiry.objects.select_for_update().get(pk=complaint.inquiry_id)
        if inquiry.disposition != FirstInquiry.Disposition.REPORT:
            raise ValidationError(_("This first-inquiry record is not a report or complaint."))
        if Complaint.objects.filter(inquiry=inquiry).exists():
            raise ValidationError(_("This first-inquiry record is registered already."))
        complaint.channel = Complaint.Channel.FIRST_INQUIRY
        complaint.window_id = complaint.window_id or inquiry.window_id
    if complaint.received_at is None or complaint.received_at > now:
        raise ValidationError(
            {"received_at": _("Give when the complaint came in (not later than now).")}
        )
    _validate(complaint)
    complaint.registered_by = actor
    return _save_new(complaint, actor, now)


@transaction.atomic
def complaint_submit_public(*, complaint: Complaint, now: dt.datetime) -> Complaint:
    """An applicant complains through the public web form (no login)."""
    complaint.channel = Complaint.Channel.WEB
    complaint.received_at = now
    complaint.registered_by = None
    complaint.public_violation = True
    _validate(complaint)
    return _save_new(complaint, None, now)


def waiting_inquiries():
    """First-inquiry records of reports and complaints not yet registered (R-FIRST-1)."""
    return (
        FirstInquiry.objects.filter(disposition=FirstInquiry.Disposition.REPORT)
        .filter(complaint__isnull=True)
        .select_related("window", "received_by")
    )
