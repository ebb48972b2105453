from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = _("Accountability")

    def ready(self) -> None:
        from staff.returns import register_return_source

        from .decisions import criticisms_in

        # R-ORG-5, R-ACC-9: two or more circulated criticisms in 12 months.
        register_return_source("criticisms", criticisms_in)
