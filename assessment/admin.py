from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Commendation, Correction, MeritRating, Objection, Period, Weight


@admin.register(Weight)
class WeightAdmin(SimpleHistoryAdmin):
    """The weight table is the administrators' (R-SCORE-1): a code is fixed, its value
    is the hall's to set."""

    list_display = ("code", "value")
    readonly_fields = ("code",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Period)
class PeriodAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "status", "computed_at", "published_at", "finalised_at")
    list_filter = ("kind", "status")

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a period moves through its services, never by hand


@admin.register(Commendation)
class CommendationAdmin(SimpleHistoryAdmin):
    list_display = ("on", "window", "member", "kind", "withdrawn_at")
    list_filter = ("kind",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False


for model in (Objection, Correction, MeritRating):
    admin.site.register(model, SimpleHistoryAdmin)
