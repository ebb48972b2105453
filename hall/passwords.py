"""Password rules beyond Django's own: graded protection (等保 2.0) asks for complexity."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


def character_classes(password: str) -> int:
    """How many of the four classes (upper, lower, digit, other) a password uses."""
    upper = lower = digit = other = False
    for char in password:
        if char.isascii() and char.isupper():
            upper = True
        elif char.isascii() and char.islower():
            lower = True
        elif char.isdigit():
            digit = True
        elif not unicodedata.category(char).startswith(("Z", "C")):
            other = True
    return upper + lower + digit + other


class CharacterClassesValidator:
    """At least `min_classes` of upper-case, lower-case, digits and other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return ngettext(
            "Your password must mix at least %(count)d kind of character: upper-case "
            "letters, lower-case letters, digits, other characters.",
            "Your password must mix at least %(count)d kinds of characters: upper-case "
            "letters, lower-case letters, digits, other characters.",
            self.min_classes,
        ) % {"count": self.min_classes}
