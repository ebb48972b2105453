from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "complaints"
    verbose_name = _("Complaints and satisfaction")

    def ready(self) -> None:
        from staff.returns import register_return_source

        from .handling import verified_complaints

        # R-ORG-5: two or more verified complaints in 12 months.
        register_return_source("complaints", verified_complaints)
