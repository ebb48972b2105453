"""Strings of django-axes's admin pages, so that makemessages puts them in the hall's
zh_Hans catalog (django-axes ships no Chinese). Never imported: makemessages reads it."""

from django.utils.translation import gettext_lazy as _

AXES_STRINGS = [
    _("Access Attempt"),
    _("Access lock out"),
    _("Attempt Remaining"),
    _("Attempt Time"),
    _("Clean up expired attempts"),
    _("Expires At"),
    _("Failed Logins"),
    _("Form Data"),
    _("GET Data"),
    _("HTTP Accept"),
    _("IP Address"),
    _("Locked Out"),
    _("Logout Time"),
    _("Meta Data"),
    _("Not set"),
    _("POST Data"),
    _("Path"),
    _("Session key hash (sha256)"),
    _("The time when access attempt expires and is no longer valid."),
    _("User Agent"),
    _("access attempt"),
    _("access attempt expiration"),
    _("access attempt expirations"),
    _("access attempts"),
    _("access failure"),
    _("access failures"),
    _("access log"),
    _("access logs"),
]
