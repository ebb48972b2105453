from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallConfig(AppConfig):
    name = "hall"
    verbose_name = _("The hall")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
