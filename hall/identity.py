"""Identity data: resident ID numbers, unified social credit codes, mobile numbers.

issue 3: GB 11643 / GB 32100 — these validate the applicant's data for the
cases and complaints apps.

Each validator takes the value as typed, normalises it (full-width characters to
ASCII, spaces removed, upper case), checks it and returns the normalised value.
Every failed rule raises `ValidationError` with its own message and code, so the
applicant is told *which* rule failed. The functions are usable directly as
Django form and model field validators.

The masking helpers (`mask_id`, `mask_phone`) are for showing such data on
pages and in logs without revealing it whole.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

ASCII_DIGITS = "0123456789"


def _normalise(value: str) -> str:
    """Full-width forms to ASCII (NFKC), every kind of whitespace removed, upper case."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def _first_bad(value: str, allowed: str, start: int = 0) -> tuple[int, str] | None:
    """The 1-based position and character of the first character not in `allowed`."""
    for index, char in enumerate(value[start:], start=start):
        if char not in allowed:
            return index + 1, char
    return None


# -- resident identity card number (GB 11643-1999) -----------------------------------

RESIDENT_ID_LENGTH = 18
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11)
RESIDENT_ID_EARLIEST_BIRTH = dt.date(1900, 1, 1)

PROVINCE_CODES = frozenset(
    [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55)]
    + [*range(61, 66), 71, 81, 82, 83, 91]
)


def resident_id_check_char(first_17: str) -> str:
    """The check character (a digit or X) for the first 17 digits of an ID number."""
    total = sum(int(d) * w for d, w in zip(first_17, RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECK_CHARS[total % 11]


def validate_resident_id(value: str) -> str:
    """Check a mainland resident identity card number; return it normalised (upper-case X)."""
    number = _normalise(value)

    if len(number) != RESIDENT_ID_LENGTH:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(count)s."),
            code="resident_id_length",
            params={"count": len(number)},
        )
    bad = _first_bad(number[:17], ASCII_DIGITS)
    if bad:
        raise ValidationError(
            _(
                "The first 17 characters of an ID number must be digits; "
                "character %(position)s is “%(char)s”."
            ),
            code="resident_id_digits",
            params={"position": bad[0], "char": bad[1]},
        )
    if number[17] not in ASCII_DIGITS + "X":
        raise ValidationError(
            _("The last character of an ID number must be a digit or X, not “%(char)s”."),
            code="resident_id_last_char",
            params={"char": number[17]},
        )

    if number[0] == "0":
        raise ValidationError(
            _("The region code (the first 6 digits) cannot start with 0."),
            code="resident_id_region",
        )
    if int(number[:2]) not in PROVINCE_CODES:
        raise ValidationError(
            _(
                "The region code (the first 6 digits) must start with a province code; "
                "%(code)s is not one."
            ),
            code="resident_id_province",
            params={"code": number[:2]},
        )

    _birth_date(number)

    expected = resident_id_check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("The check digit should be %(expected)s, not %(actual)s."),
            code="resident_id_check_digit",
            params={"expected": expected, "actual": number[17]},
        )
    return number


def _birth_date(number: str) -> dt.date:
    """The birth date (digits 7-14) of a normalised number, checked for being plausible."""
    digits = number[6:14]
    as_read = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    try:
        born = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise ValidationError(
            _("The birth date in the ID number, %(date)s, is not a real date."),
            code="resident_id_birth_date_invalid",
            params={"date": as_read},
        ) from None
    if born > timezone.localdate():
        raise ValidationError(
            _("The birth date in the ID number, %(date)s, is in the future."),
            code="resident_id_birth_date_future",
            params={"date": as_read},
        )
    if born < RESIDENT_ID_EARLIEST_BIRTH:
        raise ValidationError(
            _("The birth date in the ID number, %(date)s, is before 1900-01-01."),
            code="resident_id_birth_date_too_early",
            params={"date": as_read},
        )
    return born


def resident_id_birth_date(value: str) -> dt.date:
    """The holder's birth date; raises ValidationError if the number is not valid."""
    return _birth_date(validate_resident_id(value))


def resident_id_gender(value: str) -> str:
    """The holder's gender, "M" or "F", from the 17th digit (odd is male)."""
    return "M" if int(validate_resident_id(value)[16]) % 2 else "F"


# -- unified social credit code (GB 32100-2015) ---------------------------------------

CREDIT_CODE_LENGTH = 18
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_AUTHORITIES = "123456789ANGY"  # position 1: registration authority


def credit_code_check_char(first_17: str) -> str:
    """The check character for the first 17 characters of a credit code."""
    total = sum(
        CREDIT_CODE_CHARSET.index(c) * w for c, w in zip(first_17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    check = 31 - total % 31
    return CREDIT_CODE_CHARSET[0 if check == 31 else check]


def validate_credit_code(value: str) -> str:
    """Check a unified social credit code; return it normalised (upper case, no spaces)."""
    code = _normalise(value)

    if len(code) != CREDIT_CODE_LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)s."),
            code="credit_code_length",
            params={"count": len(code)},
        )
    bad = _first_bad(code, CREDIT_CODE_CHARSET)
    if bad:
        raise ValidationError(
            _(
                "A unified social credit code uses only digits and the letters A–Y "
                "except I, O, S and V; character %(position)s is “%(char)s”."
            ),
            code="credit_code_charset",
            params={"position": bad[0], "char": bad[1]},
        )
    if code[0] not in CREDIT_CODE_AUTHORITIES:
        raise ValidationError(
            _(
                "The first character (the registration authority) must be one of "
                "1–9, A, N, G or Y, not “%(char)s”."
            ),
            code="credit_code_authority",
            params={"char": code[0]},
        )
    bad = _first_bad(code[:8], ASCII_DIGITS, start=2)
    if bad:
        raise ValidationError(
            _(
                "Characters 3 to 8 (the administrative division code) must be digits; "
                "character %(position)s is “%(char)s”."
            ),
            code="credit_code_division",
            params={"position": bad[0], "char": bad[1]},
        )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("The check character should be %(expected)s, not %(actual)s."),
            code="credit_code_check_char",
            params={"expected": expected, "actual": code[17]},
        )
    return code


# -- mainland mobile number --------------------------------------------------------

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_MOBILE_SEPARATORS = re.compile(r"[\s\-]")


def validate_mobile(value: str) -> str:
    """Check a mainland mobile number; return its 11 digits without separators or +86.

    Spaces and hyphens are removed. A leading "+86" is always the country code; a
    leading "86" without the plus is taken as one only when 11 digits follow it.
    """
    number = _MOBILE_SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("86") and len(number) == 13 and number.isascii() and number.isdigit():
        number = number[2:]

    bad = sorted({c for c in number if c not in ASCII_DIGITS})
    if bad:
        raise ValidationError(
            _(
                "A mobile number may contain only digits, spaces, hyphens and a +86 prefix; "
                "this one contains %(chars)s."
            ),
            code="mobile_characters",
            params={"chars": " ".join(f"“{c}”" for c in bad)},
        )
    if len(number) != 11:
        raise ValidationError(
            _("A mobile number must be 11 digits; this one has %(count)s."),
            code="mobile_length",
            params={"count": len(number)},
        )
    if not MOBILE_RE.match(number):
        raise ValidationError(
            _("A mobile number must start with 13–19; this one starts with %(prefix)s."),
            code="mobile_prefix",
            params={"prefix": number[:2]},
        )
    return number


# -- masking -----------------------------------------------------------------------


def _mask(value: str, keep_start: int, keep_end: int) -> str:
    hidden = len(value) - keep_start - keep_end
    if hidden <= 0:
        return value
    return value[:keep_start] + "*" * hidden + value[len(value) - keep_end :]


def mask_id(value: str) -> str:
    """Keep the first and last 4 characters ("4301**********1234"); first and last if < 9."""
    if not value:
        return value or ""
    if len(value) < 9:
        return _mask(value, 1, 1)
    return _mask(value, 4, 4)


def mask_phone(value: str) -> str:
    """Mask a phone number: "138****5678" for 11 characters, else keep first 3 and last 2."""
    if not value:
        return value or ""
    if len(value) == 11:
        return _mask(value, 3, 4)
    if len(value) <= 5:
        return _mask(value, 1, 1)
    return _mask(value, 3, 2)
