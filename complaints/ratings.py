"""好差评 (N-2, R-COMP-5): the applicant rates a finished case or a consultation.

On site a window's tablet offers what the window has just finished (no login: the
secret in the tablet's address binds it to the window); at home the applicant
rates through the receipt's QR code with the case number and tracking code. One
rating per case per visit on site, one per case online. Each rating is tied to
the case (or consultation), the window and the staff member who served. A bad
review opens a rectification (`complaints.rectification`).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case, FirstInquiry
from hall.roles import Role
from hall.validators import clean_text
from staff.models import StaffMember
from staff.selectors import scope_for_user

from .clocks import local_day
from .models import Rating, RatingTablet

COMMENT_MAX = 300

# Reasons offered with a good (≥ basically satisfied) or a bad review.
GOOD_REASONS = {
    "courteous": gettext_lazy("Warm and courteous"),
    "fast": gettext_lazy("Quick and efficient"),
    "one_visit": gettext_lazy("Done in one visit"),
    "clear": gettext_lazy("Clear explanations"),
}
BAD_REASONS = {
    "attitude": gettext_lazy("Poor attitude"),
    "slow": gettext_lazy("Slow, long waits"),
    "many_trips": gettext_lazy("Had to come back several times"),
    "unclear": gettext_lazy("Requirements not explained clearly"),
    "extra_materials": gettext_lazy("Asked for materials not on the list"),
    "facilities": gettext_lazy("Poor facilities"),
    "other": gettext_lazy("Other"),
}

FINISHED_STATUSES = Case.FINISHED_STATUSES
# A first-inquiry record is a consultation unless it became a case or a complaint.
CONSULTATION_DISPOSITIONS = (
    FirstInquiry.Disposition.ANSWERED,
    FirstInquiry.Disposition.COLLEAGUE,
    FirstInquiry.Disposition.WINDOW,
    FirstInquiry.Disposition.NOT_THIS_HALL,
)


def reasons_for(level: int) -> dict:
    return BAD_REASONS if level in Rating.BAD_LEVELS else GOOD_REASONS


def may_manage_tablets(user) -> bool:
    roles = scope_for_user(user).roles
    return bool(user.is_superuser or roles & {Role.SUPERVISOR, Role.WINDOW_HEAD})


def tablet_issue(*, actor, window, now: dt.datetime) -> RatingTablet:
    """Give the window's tablet a new secret address (the old one stops working)."""
    scope = scope_for_user(actor)
    if not (
        actor.is_superuser
        or Role.SUPERVISOR in scope.roles
        or (Role.WINDOW_HEAD in scope.roles and window.window_head_id == actor.pk)
    ):
        raise PermissionDenied(_("Only the center or the window's head sets up its tablet."))
    tablet = RatingTablet.objects.filter(window=window).first() or RatingTablet(window=window)
    tablet.token = secrets.token_urlsafe(24)
    tablet.issued_by, tablet.issued_at = actor, now
    tablet._history_user = actor
    tablet.save()
    return tablet


def server_of_case(case: Case) -> StaffMember | None:
    """The staff member who last acted on the case: the one who served the applicant."""
    last = case.history.filter(history_user__isnull=False).order_by("-history_date").first()
    user_id = last.history_user_id if last else case.created_by_id
    return StaffMember.objects.filter(user_id=user_id).first()


def server_of_inquiry(inquiry: FirstInquiry) -> StaffMember | None:
    return StaffMember.objects.filter(user_id=inquiry.received_by_id).first()


def tablet_queue(window, now: dt.datetime) -> list:
    """What the window finished in the last HALL_RATING_TABLET_MINUTES and nobody has
    rated on this visit yet, newest first: cases and consultations."""
    since = now - dt.timedelta(minutes=settings.HALL_RATING_TABLET_MINUTES)
    S = Case.Status
    cases = (
        Case.objects.filter(status__in=FINISHED_STATUSES, window=window)
        .filter(
            Q(picked_up_at__gte=since)
            | Q(completed_at__gte=since, status__in=(S.APPROVED, S.REFUSED))
            | Q(received_at__gte=since, status__in=(S.CONSULTED, S.RETURNED))
        )
        .exclude(ratings__visit_on=local_day(now))
        .select_related("item")
    )
    inquiries = (
        FirstInquiry.objects.filter(
            window=window,
            received_at__gte=since,
            disposition__in=CONSULTATION_DISPOSITIONS,
        )
        .filter(ratings__isnull=True)
        .order_by("-received_at")
    )
    items = [
        {
            "kind": "case",
            "pk": c.pk,
            "title": c.item.name,
            "number": c.number,
            "at": c.picked_up_at or c.completed_at or c.received_at,
        }
        for c in cases[:20]
    ] + [
        {
            "kind": "inquiry",
            "pk": i.pk,
            "title": i.subject,
            "number": "",
            "at": i.received_at,
        }
        for i in inquiries[:20]
    ]
    return sorted(items, key=lambda item: item["at"], reverse=True)


def _clean(level, reasons, comment) -> tuple[int, list[str], str]:
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in Rating.Level.values:
        raise ValidationError({"level": _("Choose one of the five levels.")})
    allowed = reasons_for(level)
    reasons = list(dict.fromkeys(r for r in (reasons or []) if r))
    unknown = [r for r in reasons if r not in allowed]
    if unknown:
        raise ValidationError({"reasons": _("Choose the reasons from the list.")})
    comment = clean_text(comment, field="comment")
    if len(comment) > COMMENT_MAX:
        raise ValidationError(
            {
                "comment": _("Keep the comment within %(max)s characters (this has %(n)s).")
                % {"max": COMMENT_MAX, "n": len(comment)}
            }
        )
    return level, reasons, comment


@transaction.atomic
def rating_submit(
    *,
    level,
    reasons=None,
    comment: str = "",
    source: str,
    now: dt.datetime,
    case: Case | None = None,
    inquiry: FirstInquiry | None = None,
    tablet: RatingTablet | None = None,
) -> Rating:
    """Record one rating; a bad one opens a rectification at once."""
    from .rectification import rectification_open

    if (case is None) == (inquiry is None):
        raise ValidationError(_("Rate one case or one consultation."))
    if source not in Rating.Source.values:
        raise ValidationError(_("Unknown rating channel."))
    level, reasons, comment = _clean(level, reasons, comment)
    visit_on = local_day(now)
    if case is not None:
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status not in FINISHED_STATUSES:
            raise ValidationError(_("This case can be rated once it is finished."))
        window, member = case.window, server_of_case(case)
        if Rating.objects.filter(case=case, visit_on=visit_on).exists():
            raise ValidationError(_("This case was already rated on this visit. Thank you."))
        if (
            source == Rating.Source.PHONE
            and Rating.objects.filter(case=case, source="phone").exists()
        ):
            raise ValidationError(_("This case was already rated online. Thank you."))
    else:
        inquiry = FirstInquiry.objects.select_for_update().get(pk=inquiry.pk)
        if inquiry.disposition not in CONSULTATION_DISPOSITIONS:
            raise ValidationError(_("Only a consultation is rated this way."))
        window, member = inquiry.window, server_of_inquiry(inquiry)
        if Rating.objects.filter(inquiry=inquiry).exists():
            raise ValidationError(_("This consultation was already rated. Thank you."))
    if source == Rating.Source.TABLET and (tablet is None or tablet.window_id != window.pk):
        raise PermissionDenied(_("This tablet belongs to another window."))
    rating = Rating(
        case=case,
        inquiry=inquiry,
        window=window,
        staff_member=member,
        level=level,
        reasons=reasons,
        comment=comment,
        source=source,
        visit_on=visit_on,
        rated_at=now,
    )
    rating._history_user = None
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:  # the same rating from a second tap at the same moment
        raise ValidationError(_("This was already rated on this visit. Thank you.")) from None
    if rating.is_bad:
        rectification_open(rating=rating, now=now)
    return rating
