"""Helpers shared by the case services."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Case, Notice


def local_date(now: dt.datetime) -> dt.date:
    return timezone.localtime(now).date()


def require_status(case: Case, *allowed: str, action: str) -> None:
    """Refuse a transition from a state that does not allow it, saying what the case is."""
    if case.status not in allowed:
        raise ValidationError(
            _("Case %(number)s is “%(status)s”: it cannot be %(action)s.")
            % {"number": case.number, "status": case.get_status_display(), "action": action}
        )


def save_case(case: Case, actor, acting_for, reason: str) -> None:
    """Save with who did it (history_user) and on whose post (acting_for, R-ORG-6).

    The light belongs to the supervision sweep: take its latest value under a row
    lock, so a case read before a sweep committed does not write an old light back,
    and a sweep running now waits for this transaction and then re-checks the row."""
    if case.pk:
        fresh = (
            Case.objects.select_for_update()
            .filter(pk=case.pk)
            .values("light", "light_changed_at")
            .first()
        )
        if fresh:
            case.light, case.light_changed_at = fresh["light"], fresh["light_changed_at"]
    case.acting_for = acting_for
    case._history_user = actor
    case._change_reason = reason
    case.save()


def notice_issue(
    case: Case, kind: str, *, actor, acting_for, now: dt.datetime, body: dict
) -> Notice:
    notice = Notice(
        case=case, kind=kind, issued_at=now, issued_by=actor, acting_for=acting_for, body=body
    )
    notice._history_user = actor
    notice.save()
    return notice


def item_snapshot(item) -> dict:
    """What a one-time notice tells about an item (R-CASE-3)."""
    return {
        "item": item.name,
        "legal_basis": item.legal_basis,
        "preconditions": item.preconditions,
        "process": item.process,
        "statutory_limit_days": item.statutory_limit_days,
        "promised_limit_days": item.promised_limit_days,
        "fee_basis": item.fee_basis,
        "fee_standard": item.fee_standard,
        "materials": [
            {
                "id": m.pk,
                "name": m.name,
                "form": m.get_form_display(),
                "copies": m.copies,
                "note": m.note,
            }
            for m in item.materials.all()
        ],
    }
