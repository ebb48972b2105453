"""Small formatting filters for the hall's templates."""

from django import template

register = template.Library()


@register.filter
def absolute(value):
    """|absolute: the number without its sign (for "overdue by 3 working days")."""
    try:
        return abs(value)
    except TypeError:
        return value
