"""Handling a complaint (R-COMP-2): transfer with a deadline, the window's proposed
resolution, the reply, the complainant's satisfaction, re-investigation, and the
conclusion. A verified complaint records an occurrence for accountability."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.services import occurrence_record
from hall.calendar import add_months, add_working_days
from hall.roles import Role
from staff.selectors import scope_for_user

from .clocks import step_clock
from .models import Complaint

S = Complaint.Status
OCCURRENCE_RULE = "R-COMP-2"  # a verified complaint, for accountability to decide on


def _inspector(actor) -> None:
    if not (actor.is_superuser or Role.INSPECTOR in scope_for_user(actor).roles):
        raise PermissionDenied(_("Only a discipline inspector does this."))


def _state(complaint: Complaint, *allowed: str) -> None:
    if complaint.status not in allowed:
        raise ValidationError(
            _("Not possible while the complaint is “%(status)s”.")
            % {"status": complaint.get_status_display()}
        )


def required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _save(complaint: Complaint, actor, now: dt.datetime, *, new_step: bool = True) -> Complaint:
    if new_step:
        step_clock(complaint, now)
    complaint._history_user = actor
    complaint.save()
    return complaint


@transaction.atomic
def complaint_transfer(
    *, actor, complaint: Complaint, window, handler, now: dt.datetime, days: int | None = None
) -> Complaint:
    """The inspector transfers the complaint to the responsible window with a deadline
    in working days; the handler named sees the complainant's contact data."""
    _inspector(actor)
    _state(complaint, S.REGISTERED, S.REINVESTIGATING)
    if handler is None:
        raise ValidationError({"handler": _("Name the person who handles it.")})
    if complaint.staff_member_id and complaint.staff_member.user_id == handler.pk:
        raise ValidationError(
            {"handler": _("The person complained about cannot handle the complaint.")}
        )
    today = timezone.localtime(now).date()
    complaint.transferred_to, complaint.handler = window, handler
    complaint.transferred_at = now
    complaint.response_due = add_working_days(
        today, days or settings.HALL_COMPLAINT_RESPONSE_DAYS
    ).date
    complaint.proposal, complaint.proposed_at = "", None
    complaint.status = S.TRANSFERRED
    if complaint.public_violation and complaint.conclusion_due is None:
        complaint.conclusion_due = add_months(
            timezone.localtime(complaint.received_at).date(),
            settings.HALL_COMPLAINT_CONCLUDE_MONTHS,
        )
    return _save(complaint, actor, now)


@transaction.atomic
def complaint_propose(*, actor, complaint: Complaint, proposal: str, now: dt.datetime) -> Complaint:
    """The handler proposes a resolution within the deadline."""
    if actor.pk != complaint.handler_id:
        raise PermissionDenied(_("Only the assigned handler proposes the resolution."))
    _state(complaint, S.TRANSFERRED)
    complaint.proposal = required_text(proposal, "proposal", _("Write the proposed resolution."))
    complaint.proposed_at = now
    complaint.status = S.PROPOSED
    return _save(complaint, actor, now)


@transaction.atomic
def complaint_order_reply(*, actor, complaint: Complaint, now: dt.datetime) -> Complaint:
    """The inspector orders the window to reply to the complainant itself."""
    _inspector(actor)
    _state(complaint, S.PROPOSED)
    complaint.reply_by_window = True
    return _save(complaint, actor, now, new_step=False)


@transaction.atomic
def complaint_reply(*, actor, complaint: Complaint, reply: str, now: dt.datetime) -> Complaint:
    """The inspector replies to the complainant, or the handler when ordered to."""
    is_inspector = actor.is_superuser or Role.INSPECTOR in scope_for_user(actor).roles
    if not (is_inspector or (complaint.reply_by_window and actor.pk == complaint.handler_id)):
        raise PermissionDenied(_("The inspector replies, or the window when ordered to."))
    _state(complaint, S.PROPOSED)
    complaint.reply = required_text(reply, "reply", _("Write what the complainant was told."))
    complaint.replied_at = now
    complaint.satisfied = None
    complaint.status = S.REPLIED
    return _save(complaint, actor, now)


@transaction.atomic
def complaint_satisfaction(
    *, actor, complaint: Complaint, satisfied: bool, now: dt.datetime
) -> Complaint:
    _inspector(actor)
    _state(complaint, S.REPLIED)
    complaint.satisfied = satisfied
    return _save(complaint, actor, now, new_step=False)


@transaction.atomic
def complaint_reinvestigate(
    *, actor, complaint: Complaint, direct: bool, now: dt.datetime
) -> Complaint:
    """Not satisfied: investigate again through the window, or directly by the inspector."""
    _inspector(actor)
    _state(complaint, S.REPLIED)
    if complaint.satisfied is not False:
        raise ValidationError(_("Re-investigate only when the complainant is not satisfied."))
    complaint.status = S.REINVESTIGATING
    complaint.direct_investigation = direct
    if direct:
        complaint.handler = actor
    return _save(complaint, actor, now)


PERSONAL_DATA = re.compile(r"1[3-9]\d{9}|\d{17}[\dXx]|\d{15}")


def _public_summary(complaint: Complaint, text: str) -> str:
    """The published result: required, and refused if it carries personal data."""
    text = required_text(
        text, "public_summary", _("Write the result to publish (it is public: no personal data).")
    )
    name = complaint.complainant_name
    member = complaint.staff_member.name if complaint.staff_member_id else ""
    if PERSONAL_DATA.search(text) or (name and name in text) or (member and member in text):
        raise ValidationError(
            {
                "public_summary": _(
                    "The published result may not name people or carry phone or ID numbers."
                )
            }
        )
    return text


@transaction.atomic
def complaint_conclude(
    *,
    actor,
    complaint: Complaint,
    outcome: str,
    reasons: str,
    now: dt.datetime,
    public_summary: str = "",
) -> Complaint:
    """Verified or unfounded, with reasons. A verified complaint is an occurrence.
    A violation reported by the public also gets the result to publish (R-COMP-3)."""
    _inspector(actor)
    _state(complaint, S.REPLIED, S.REINVESTIGATING)
    if complaint.status == S.REPLIED and complaint.satisfied is None:
        raise ValidationError(_("Record whether the complainant is satisfied first."))
    if complaint.status == S.REPLIED and complaint.satisfied is False:
        raise ValidationError(
            _("The complainant is not satisfied: re-investigate before concluding.")
        )
    if outcome not in Complaint.Outcome.values:
        raise ValidationError({"outcome": _("Say whether the complaint is verified or unfounded.")})
    complaint.conclusion_reasons = required_text(
        reasons, "conclusion_reasons", _("Give the reasons.")
    )
    if complaint.public_violation:
        complaint.public_summary = _public_summary(complaint, public_summary)
    complaint.outcome, complaint.concluded_at = outcome, now
    complaint.status = S.CONCLUDED
    _save(complaint, actor, now)
    if outcome == Complaint.Outcome.VERIFIED:
        occurrence_record(
            rule=OCCURRENCE_RULE,
            source=complaint,
            occurred_at=now,
            window=complaint.window,
            person=complaint.staff_member.user if complaint.staff_member_id else None,
            detail=complaint.number,
        )
    return complaint


@transaction.atomic
def complaint_flag_retaliation(
    *, actor, complaint: Complaint, suspected: bool, now: dt.datetime
) -> Complaint:
    """R-COMP-4: the inspector raises (or lowers) the flag of suspected retaliation."""
    _inspector(actor)
    complaint.retaliation_suspected = suspected
    return _save(complaint, actor, now, new_step=False)


def verified_complaints(member_ids, since: dt.date, until: dt.date):
    """R-ORG-5's fact source: verified complaints per staff member in the window."""
    from staff.returns import Fact

    found: dict[int, list] = {}
    rows = Complaint.objects.filter(
        outcome=Complaint.Outcome.VERIFIED,
        staff_member_id__in=list(member_ids),
        concluded_at__date__gte=since,
        concluded_at__date__lte=until,
    ).values_list("staff_member_id", "concluded_at", "number")
    for member_id, at, number in rows:
        found.setdefault(member_id, []).append(
            Fact(timezone.localtime(at).date(), _("Verified complaint %(n)s") % {"n": number})
        )
    return found
