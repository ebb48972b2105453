"""Cases in the admin: for the administrator to look up and correct, with history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CardAppeal, Case, FirstInquiry, Notice, RejectionFiling


class NoticeInline(admin.TabularInline):
    model = Notice
    fields = ["kind", "issued_at", "issued_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = [
        "number",
        "item",
        "window",
        "kind",
        "status",
        "light",
        "promised_due",
        "statutory_due",
    ]
    list_filter = ["status", "kind", "light", "window"]
    search_fields = ["number", "applicant_name"]
    readonly_fields = ["number", "tracking_code", "light", "light_changed_at"]
    raw_id_fields = ["window", "item", "created_by", "acting_for"]
    inlines = [NoticeInline]


@admin.register(FirstInquiry)
class FirstInquiryAdmin(SimpleHistoryAdmin):
    list_display = ["received_at", "window", "subject", "disposition"]
    list_filter = ["disposition", "channel"]
    search_fields = ["subject", "inquirer_name"]
    raw_id_fields = [
        "window",
        "received_by",
        "acting_for",
        "referred_to_user",
        "referred_to_window",
        "case",
    ]


@admin.register(RejectionFiling)
class RejectionFilingAdmin(SimpleHistoryAdmin):
    list_display = ["case", "reason", "status", "review_due", "light"]
    list_filter = ["status", "reason"]
    raw_id_fields = ["case", "filed_by", "reviewed_by"]


@admin.register(CardAppeal)
class CardAppealAdmin(SimpleHistoryAdmin):
    list_display = ["case", "card", "status", "appealed_by", "decided_by"]
    list_filter = ["status", "card"]
    raw_id_fields = ["case", "appealed_by", "decided_by"]
