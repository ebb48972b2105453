from django import template

register = template.Library()


@register.filter
def attendance_total(report, name):
    return report.total(name)
