from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from staff.returns import register_return_source

        from .annual import annual_grades_in

        # R-ORG-5: an annual grade of 不称职 is a reason to return the person.
        register_return_source("annual_grade", annual_grades_in)
