from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Department, ServiceItem, ServiceItemMaterial, Window


class WindowInline(admin.TabularInline):
    model = Window
    fields = ["number", "name", "floor", "zone", "is_active"]
    extra = 0
    show_change_link = True


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "head", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "name_initials", "name_pinyin"]
    autocomplete_fields = ["head"]
    inlines = [WindowInline]


@admin.register(Window)
class WindowAdmin(SimpleHistoryAdmin):
    list_display = [
        "number",
        "name",
        "department",
        "floor",
        "zone",
        "window_head",
        "chief_representative",
        "is_active",
    ]
    list_filter = ["floor", "zone", "is_active", "department"]
    search_fields = ["number", "name", "department__name"]
    autocomplete_fields = ["department", "window_head", "chief_representative"]


class MaterialInline(admin.TabularInline):
    model = ServiceItemMaterial
    fields = ["order", "name", "form", "copies", "note", "sample_file"]
    extra = 1


@admin.register(ServiceItem)
class ServiceItemAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
        "department",
        "kind",
        "statutory_limit_days",
        "promised_limit_days",
        "is_published",
    ]
    list_filter = ["kind", "is_published", "department"]
    search_fields = ["code", "name", "name_initials", "name_pinyin"]
    autocomplete_fields = ["department", "window"]
    inlines = [MaterialInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "department", "window", "kind", "is_published"]}),
        (
            "",
            {
                "fields": [
                    "legal_basis",
                    ("statutory_limit_days", "promised_limit_days"),
                    "preconditions",
                    "process",
                    "fee_basis",
                    "fee_standard",
                ]
            },
        ),
    ]


@admin.register(ServiceItemMaterial)
class ServiceItemMaterialAdmin(SimpleHistoryAdmin):
    list_display = ["name", "item", "form", "copies"]
    search_fields = ["name", "item__name"]
    autocomplete_fields = ["item"]
