from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AccountabilityCase, Occurrence, Rule


@admin.register(Occurrence)
class OccurrenceAdmin(SimpleHistoryAdmin):
    list_display = ["rule", "source_type", "source_id", "window", "person", "occurred_at", "case"]
    list_filter = ["rule", "window"]
    readonly_fields = ["source_type", "source_id", "created_at", "case"]


@admin.register(Rule)
class RuleAdmin(SimpleHistoryAdmin):
    """The rule catalog: administrators edit ranges, texts, links and effects (with
    history); a rule in use is retired ("active" off), never deleted."""

    list_display = ["code", "text", "target", "points_min", "points_max", "grouping", "is_active"]
    list_filter = ["group", "target", "is_active"]
    search_fields = ["code", "text"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.in_use():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(AccountabilityCase)
class AccountabilityCaseAdmin(SimpleHistoryAdmin):
    list_display = ["number", "rule", "origin", "window", "person", "month", "status"]
    list_filter = ["status", "origin", "rule__group"]
    search_fields = ["number", "facts"]

    # Cases change only through the accountability services.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
