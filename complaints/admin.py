from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Complaint, Rating, RatingTablet, Rectification, SpotCheck


@admin.register(Complaint)
class ComplaintAdmin(SimpleHistoryAdmin):
    list_display = ["number", "channel", "received_at", "window", "status", "escalated"]
    list_filter = ["channel", "status", "escalated"]
    search_fields = ["number"]
    readonly_fields = ["number", "tracking_code", "registered_by", "status", "repeat_of"]
    raw_id_fields = ["case", "inquiry", "staff_member", "window", "handler"]


@admin.register(Rating)
class RatingAdmin(SimpleHistoryAdmin):
    list_display = ["rated_at", "window", "staff_member", "level", "source", "invalid"]
    list_filter = ["level", "source", "invalid"]
    raw_id_fields = ["case", "inquiry", "window", "staff_member"]


@admin.register(RatingTablet)
class RatingTabletAdmin(SimpleHistoryAdmin):
    list_display = ["window", "issued_at", "issued_by"]
    readonly_fields = ["token"]


class SpotCheckInline(admin.TabularInline):
    model = SpotCheck
    extra = 0
    raw_id_fields = ["checked_by"]


@admin.register(Rectification)
class RectificationAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "window", "status", "callback_due", "rectify_due", "opened_at"]
    list_filter = ["status", "complex", "extended"]
    raw_id_fields = ["rating", "window", "appealed_by", "appeal_decided_by"]
    inlines = [SpotCheckInline]
