"""django-axes, named in the admin in the hall's language (INSTALLED_APPS uses this)."""

from axes.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AppConfig):
    verbose_name = _("Login security")
