from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def validate_upload_size(upload) -> None:
    """Refuse a file above HALL_UPLOAD_MAX_BYTES with a message naming both sizes."""
    limit = settings.HALL_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest accepted is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )


def validate_plausible_datetime(value) -> None:
    """Refuse a date outside the years 1900 to 2100: nobody means one, and the first
    hours of year 1 at the hall's time are before year 1 in UTC, which the database
    cannot store (an OverflowError rather than a message)."""
    if value is not None and not 1900 <= value.year <= 2100:
        raise ValidationError(
            _("Give a date between the years %(first)s and %(last)s.")
            % {"first": 1900, "last": 2100},
            code="implausible_date",
        )


def clean_text(value: str, *, field: str, max_length: int | None = None) -> str:
    """Text a page posted outside a Django form, stripped and checked as a form field
    would be: no NUL character (PostgreSQL cannot store one, in a column or in JSON)
    and no longer than its column. Django's own messages, under `field`."""
    value = (value or "").strip()
    checks = [ProhibitNullCharactersValidator()]
    if max_length is not None:
        checks.append(MaxLengthValidator(max_length))
    try:
        for check in checks:
            check(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    return value
