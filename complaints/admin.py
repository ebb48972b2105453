from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Complaint


@admin.register(Complaint)
class ComplaintAdmin(SimpleHistoryAdmin):
    list_display = ["number", "channel", "received_at", "window", "status"]
    list_filter = ["channel", "status"]
    search_fields = ["number"]
    readonly_fields = ["number", "tracking_code", "registered_by", "status"]
    raw_id_fields = ["case", "inquiry", "staff_member", "window", "handler"]
