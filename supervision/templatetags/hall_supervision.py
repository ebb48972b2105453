from django import template

from cases.models import Light

register = template.Library()


@register.simple_tag
def light_total(figures, light):
    return figures.light_total(light)


@register.filter
def total(figures, attribute):
    return figures.total(attribute)


@register.simple_tag
def light_choices():
    return Light.choices
