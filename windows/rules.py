"""Rules about service items, kept out of models so services and forms share them."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def max_promised_days(statutory_days: int) -> int:
    """R-ITEM-2: the longest promised limit allowed for a statutory limit (floor of 40 %)."""
    ratio: Decimal = settings.HALL_PROMISED_LIMIT_MAX_RATIO
    return int((Decimal(statutory_days) * ratio).to_integral_value(rounding=ROUND_FLOOR))


def check_time_limits(*, kind: str, statutory_days: int | None, promised_days: int | None) -> None:
    """R-ITEM-1, R-ITEM-2: an item states its limits; a promised limit is ≤ 40 % of statutory.

    Raises a ValidationError keyed by field so a form shows it beside the box.
    """
    from .models import ServiceItem

    if not statutory_days or statutory_days < 1:
        raise ValidationError(
            {"statutory_limit_days": _("Give the statutory time limit in working days.")}
        )
    if kind == ServiceItem.Kind.IMMEDIATE:
        if promised_days:
            raise ValidationError(
                {
                    "promised_limit_days": _(
                        "An immediate item is done on the spot: its promised limit is 0."
                    )
                }
            )
        return
    if not promised_days or promised_days < 1:
        raise ValidationError(
            {
                "promised_limit_days": _(
                    "A promised item needs a promised limit of at least 1 working day."
                )
            }
        )
    allowed = max_promised_days(statutory_days)
    if promised_days > allowed:
        percent = (settings.HALL_PROMISED_LIMIT_MAX_RATIO * 100).normalize()
        raise ValidationError(
            {
                "promised_limit_days": _(
                    "The promised limit of %(promised)s working days exceeds %(percent)s%% of the "
                    "statutory limit of %(statutory)s working days: at most %(allowed)s."
                )
                % {
                    "promised": promised_days,
                    "percent": f"{percent:f}",
                    "statutory": statutory_days,
                    "allowed": allowed,
                }
            }
        )
