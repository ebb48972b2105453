"""Appeals of a card (申诉, N-3): the window head appeals, a supervisor decides."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accountability.models import Occurrence
from accountability.services import occurrence_withdraw
from hall.roles import Role
from hall.validators import clean_text
from staff.selectors import scope_for_user

from ..access import require_window_head
from ..models import CardAppeal, Case, Light

CARD_RULE = {Light.YELLOW: "R-ACC-4.5", Light.RED: "R-ACC-5.1"}


@transaction.atomic
def appeal_file(
    *, case: Case, actor, now: dt.datetime, card: str, reason: str, attachment=None
) -> CardAppeal:
    """The window head appeals a card the case received, with a reason and attachments."""
    require_window_head(actor, case.window)
    if card not in CARD_RULE:
        raise ValidationError({"card": _("Only a yellow or a red card can be appealed.")})
    rule = CARD_RULE[card]
    occurrence = Occurrence.objects.filter(
        source_type__model="case",
        source_type__app_label="cases",
        source_id=case.pk,
        rule=rule,
        withdrawn_at__isnull=True,
    ).first()
    if occurrence is None:
        raise ValidationError(
            _("This case has no %(card)s to appeal.") % {"card": Light(card).label}
        )
    reason = clean_text(reason, field="reason")
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the appeal.")})
    if case.appeals.filter(card=card, status=CardAppeal.Status.PENDING).exists():
        raise ValidationError(_("This card is already under appeal."))
    appeal = CardAppeal(
        case=case, card=card, reason=reason.strip(), appealed_by=actor, appealed_at=now
    )
    if attachment is not None:
        appeal.attachment = attachment
        appeal.full_clean(exclude=["case", "appealed_by"])
    appeal._history_user = actor
    appeal.save()
    return appeal


@transaction.atomic
def appeal_decide(
    *, appeal: CardAppeal, actor, now: dt.datetime, cancel: bool, reason: str
) -> CardAppeal:
    """A center supervisor upholds the card or cancels it; a cancelled card's occurrence
    is withdrawn, so it never becomes an accountability case."""
    roles = scope_for_user(actor).roles
    if not (actor.is_superuser or roles & {Role.SUPERVISOR, Role.DIRECTOR}):
        raise PermissionDenied(_("Only a center supervisor decides an appeal."))
    if appeal.status != CardAppeal.Status.PENDING:
        raise ValidationError(_("This appeal was already decided."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    appeal.status = CardAppeal.Status.CANCELLED if cancel else CardAppeal.Status.UPHELD
    appeal.decided_by, appeal.decided_at, appeal.decision_reason = actor, now, reason.strip()
    appeal._history_user = actor
    appeal.save()
    if cancel:
        occurrence_withdraw(rule=CARD_RULE[appeal.card], source=appeal.case, when=now, user=actor)
    return appeal
