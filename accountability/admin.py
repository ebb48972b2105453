from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Occurrence


@admin.register(Occurrence)
class OccurrenceAdmin(SimpleHistoryAdmin):
    list_display = ["rule", "source_type", "source_id", "window", "person", "occurred_at"]
    list_filter = ["rule", "window"]
    readonly_fields = ["source_type", "source_id", "created_at"]
