"""The life of an accepted case: suspension, extension, completion, refusal filing,
joint parts and pickup (R-CASE-4, R-CASE-5, R-CASE-6, R-CASE-8, N-1 art. 42 and 45)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hall.calendar import WorkingCalendar

from ..access import require_window_head, require_window_staff
from ..clock import apply_dues, suspended_working_days
from ..models import Case, CasePart, Extension, Notice, RejectionFiling, Suspension
from .common import local_date, notice_issue, require_status, save_case

S = Case.Status


def _dues_body(case: Case) -> dict:
    return {
        "promised_due": case.promised_due.isoformat(),
        "statutory_due": case.statutory_due.isoformat(),
        "provisional": case.due_provisional,
    }


@transaction.atomic
def suspension_start(
    *, case: Case, actor, now: dt.datetime, reason: str, detail: str = "", acting_for=None
) -> Suspension:
    """N-1 art. 45: hearing, testing, expert review … are not counted; the applicant is told."""
    require_window_staff(actor, case.window)
    require_status(case, S.IN_PROGRESS, action=_("suspended"))
    if reason not in Suspension.Reason.values:
        raise ValidationError({"reason": _("Choose why the clock stops.")})
    if reason == Suspension.Reason.OTHER and not detail.strip():
        raise ValidationError({"detail": _("Describe the period the law excludes.")})
    suspension = Suspension(
        case=case,
        reason=reason,
        detail=detail.strip(),
        started_on=local_date(now),
        started_by=actor,
    )
    suspension._history_user = actor
    suspension.save()
    case.status = S.SUSPENDED
    save_case(case, actor, acting_for, "suspended")
    notice_issue(
        case,
        Notice.Kind.SUSPENSION,
        actor=actor,
        acting_for=acting_for,
        now=now,
        body={
            "reason": suspension.get_reason_display(),
            "detail": suspension.detail,
            "started_on": suspension.started_on.isoformat(),
        },
    )
    return suspension


@transaction.atomic
def suspension_end(*, case: Case, actor, now: dt.datetime, acting_for=None) -> Suspension:
    """Resuming pushes both due dates by the working days the clock stood still."""
    require_window_staff(actor, case.window)
    require_status(case, S.SUSPENDED, action=_("resumed"))
    suspension = case.suspensions.filter(ended_on__isnull=True).latest("started_on")
    calendar = WorkingCalendar()
    suspension.ended_on = local_date(now)
    suspension.ended_by = actor
    suspension.working_days = suspended_working_days(
        suspension.started_on, suspension.ended_on, calendar, accepted_on=case.accepted_on
    )
    suspension._history_user = actor
    suspension.save()
    case.suspended_days += suspension.working_days
    apply_dues(case, calendar)
    case.status = S.IN_PROGRESS
    save_case(case, actor, acting_for, "resumed")
    return suspension


@transaction.atomic
def extension_request(
    *, case: Case, actor, now: dt.datetime, days: int, reason: str, acting_for=None
) -> Extension:
    """R-CASE-5: the clerk asks; at most the statutory extension in all (N-1 art. 42)."""
    require_window_staff(actor, case.window)
    require_status(case, S.IN_PROGRESS, S.SUSPENDED, action=_("extended"))
    if case.extensions.filter(status=Extension.Status.PENDING).exists():
        raise ValidationError(_("An extension of this case is already waiting for approval."))
    allowed = settings.HALL_EXTENSION_MAX_DAYS - case.extension_days
    if days < 1 or days > allowed:
        raise ValidationError(
            {
                "days": _("At most %(allowed)s more working days may be granted.")
                % {"allowed": max(allowed, 0)}
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason the applicant will read.")})
    extension = Extension(
        case=case,
        days=days,
        reason=reason.strip(),
        requested_by=actor,
        requested_at=now,
        decision_due=WorkingCalendar()
        .add_working_days(local_date(now), settings.HALL_EXTENSION_DECISION_DAYS)
        .date,
    )
    extension._history_user = actor
    extension.save()
    return extension


@transaction.atomic
def extension_decide(
    *,
    extension: Extension,
    actor,
    now: dt.datetime,
    approve: bool,
    reason: str = "",
    acting_for=None,
) -> Extension:
    """The window head approves (both due dates move, the applicant gets a written
    notice of the reason and the new limit) or refuses with a reason."""
    case = extension.case
    require_window_head(actor, case.window)
    if extension.status != Extension.Status.PENDING:
        raise ValidationError(_("This extension was already decided."))
    require_status(case, S.IN_PROGRESS, S.SUSPENDED, action=_("extended"))
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for refusing.")})
    if approve and case.extension_days + extension.days > settings.HALL_EXTENSION_MAX_DAYS:
        raise ValidationError(_("The case already used its extension."))
    extension.status = Extension.Status.APPROVED if approve else Extension.Status.REFUSED
    extension.decided_by, extension.decided_at = actor, now
    extension.decision_reason = reason.strip()
    extension._history_user = actor
    extension.save()
    if approve:
        case.extension_days += extension.days
        apply_dues(case)
        save_case(case, actor, acting_for, "extended")
        notice_issue(
            case,
            Notice.Kind.EXTENSION,
            actor=actor,
            acting_for=acting_for,
            now=now,
            body={"days": extension.days, "reason": extension.reason, **_dues_body(case)},
        )
    return extension


@transaction.atomic
def part_complete(*, part: CasePart, actor, now: dt.datetime, acting_for=None) -> CasePart:
    """R-CASE-8: a co-window completes its own part."""
    require_window_staff(actor, part.window)
    require_status(part.case, S.IN_PROGRESS, action=_("worked on"))
    if part.completed_at:
        raise ValidationError(_("This part is already complete."))
    part.completed_at, part.completed_by = now, actor
    part._history_user = actor
    part.save()
    return part


@transaction.atomic
def case_approve(*, case: Case, actor, now: dt.datetime, acting_for=None) -> Case:
    """Complete with approval: the result is ready for pickup. A joint case completes when
    every part does; a refusal found wrong is corrected this way (R-CASE-4)."""
    require_window_staff(actor, case.window)
    require_status(case, S.IN_PROGRESS, action=_("approved"))
    open_parts = case.parts.filter(completed_at__isnull=True)
    if open_parts.exists():
        windows = "、".join(open_parts.values_list("window__number", flat=True))
        raise ValidationError(
            _("Windows %(windows)s have not completed their parts yet.") % {"windows": windows}
        )
    case.status = S.APPROVED
    case.completed_at = now
    save_case(case, actor, acting_for, "approved")
    filing = RejectionFiling.objects.filter(case=case, status=RejectionFiling.Status.OVERTURNED)
    for f in filing:
        # The clerk completed the case and tells the applicant (a notice of approval).
        f.status, f.corrected_at = RejectionFiling.Status.CORRECTED, now
        f._history_user = actor
        f.save()
    return case


@transaction.atomic
def case_refuse(
    *,
    case: Case,
    actor,
    now: dt.datetime,
    reason: str,
    detail: str,
    clerk_post: str,
    clerk_phone: str,
    applicant_unit: str = "",
    acting_for=None,
) -> RejectionFiling:
    """A refusal needs a rejection filing (否定报备, R-CASE-4): one of six reasons, the clerk's
    and the applicant's details; the window head reviews it within 2 working days. The
    applicant gets a decision naming the right to administrative review or lawsuit."""
    require_window_staff(actor, case.window)
    require_status(case, S.IN_PROGRESS, action=_("refused"))
    from hall.identity import validate_mobile

    errors: dict[str, list[str]] = {}
    if reason not in RejectionFiling.Reason.values:
        errors["reason"] = [_("Choose one of the six reasons.")]
    if not detail.strip():
        errors["detail"] = [_("Explain the refusal; the applicant reads it.")]
    if not clerk_post.strip():
        errors["clerk_post"] = [_("Give your post.")]
    try:
        clerk_phone = validate_mobile(clerk_phone)
    except ValidationError as exc:
        errors["clerk_phone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    if hasattr(case, "rejection_filing"):
        raise ValidationError(_("This case was refused once already."))
    calendar = WorkingCalendar()
    filing = RejectionFiling(
        case=case,
        reason=reason,
        detail=detail.strip(),
        clerk_name=actor.get_full_name() or actor.username,
        clerk_post=clerk_post.strip(),
        clerk_phone=clerk_phone,
        applicant_unit=applicant_unit.strip()
        or (case.applicant_name if case.applicant_kind == Case.ApplicantKind.ORGANISATION else ""),
        applicant_name=case.contact_name or case.applicant_name,
        applicant_phone=case.phone,
        filed_at=now,
        filed_by=actor,
        review_due=calendar.add_working_days(
            local_date(now), settings.HALL_REJECTION_REVIEW_DAYS
        ).date,
    )
    filing._history_user = actor
    filing.save()
    case.status = S.REFUSED
    case.completed_at = now
    save_case(case, actor, acting_for, "refused")
    body = {"reason": filing.get_reason_display(), "detail": filing.detail}
    notice_issue(
        case, Notice.Kind.REJECTION, actor=actor, acting_for=acting_for, now=now, body=body
    )
    notice_issue(
        case,
        Notice.Kind.REJECTION_FILING,
        actor=actor,
        acting_for=acting_for,
        now=now,
        body={**body, "review_due": filing.review_due.isoformat()},
    )
    return filing


@transaction.atomic
def filing_review(
    *, filing: RejectionFiling, actor, now: dt.datetime, uphold: bool, opinion: str, acting_for=None
) -> RejectionFiling:
    """The window head upholds the refusal, or finds it wrong: then the case reopens and
    the clerk must complete it and tell the applicant within 1 working day."""
    case = filing.case
    require_window_head(actor, case.window)
    if filing.status != RejectionFiling.Status.PENDING:
        raise ValidationError(_("This filing was already reviewed."))
    if not opinion.strip():
        raise ValidationError({"opinion": _("Write the review opinion.")})
    filing.reviewed_by, filing.reviewed_at = actor, now
    filing.review_opinion = opinion.strip()
    if uphold:
        filing.status = RejectionFiling.Status.UPHELD
    else:
        filing.status = RejectionFiling.Status.OVERTURNED
        filing.correction_due = (
            WorkingCalendar()
            .add_working_days(local_date(now), settings.HALL_REJECTION_CORRECTION_DAYS)
            .date
        )
        case.status = S.IN_PROGRESS
        case.completed_at = None
        save_case(case, actor, acting_for, "refusal overturned")
    filing._history_user = actor
    filing.save()
    return filing


@transaction.atomic
def case_pickup(*, case: Case, actor, now: dt.datetime, acting_for=None) -> Case:
    require_window_staff(actor, case.window)
    require_status(case, S.APPROVED, action=_("picked up"))
    case.status = S.PICKED_UP
    case.picked_up_at = now
    save_case(case, actor, acting_for, "picked up")
    return case
