from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ChecklistItem, Finding, Round, WindowCheck


@admin.register(ChecklistItem)
class ChecklistItemAdmin(SimpleHistoryAdmin):
    """Administrators keep the checklist (R-PATROL-2). An item with findings is
    retired (unticked "active"), not deleted: the findings keep pointing at it."""

    list_display = ["order", "title", "subject", "deduction", "rule", "is_absence", "is_active"]
    list_display_links = ["title"]
    list_editable = ["order", "is_active"]
    list_filter = ["subject", "is_active"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.findings.exists():
            return False
        return super().has_delete_permission(request, obj)


class WindowCheckInline(admin.TabularInline):
    model = WindowCheck
    extra = 0
    fields = ["window", "result", "checked_by", "checked_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Round)
class RoundAdmin(SimpleHistoryAdmin):
    list_display = ["date", "half", "status", "started_by", "signed_by"]
    list_filter = ["half", "status"]
    date_hierarchy = "date"
    inlines = [WindowCheckInline]

    # Rounds and findings change only through the patrol pages, which keep their
    # occurrences in step; the admin shows them with their history.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Finding)
class FindingAdmin(SimpleHistoryAdmin):
    list_display = ["recorded_at", "window", "item", "person", "points", "status"]
    list_filter = ["status", "item"]
    date_hierarchy = "recorded_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
