from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Absence,
    Attendance,
    DepartmentVisit,
    Dispatch,
    DutyShift,
    LeaveRequest,
    Post,
    PostChange,
    ReturnDecision,
    StaffMember,
    SwapRequest,
    TrainingRecord,
    WhereaboutsSign,
)


class HolderInline(admin.TabularInline):
    model = StaffMember
    fields = ["name", "slot", "role", "is_active"]
    extra = 0
    show_change_link = True
    can_delete = False


@admin.register(Post)
class PostAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "window", "name"]
    search_fields = ["name", "window__number", "window__name"]
    list_filter = ["window__department"]
    autocomplete_fields = ["window"]


class TrainingInline(admin.TabularInline):
    model = TrainingRecord
    extra = 0


@admin.register(StaffMember)
class StaffMemberAdmin(SimpleHistoryAdmin):
    list_display = ["name", "department", "window", "post", "slot", "role", "is_active"]
    list_filter = ["role", "slot", "is_active", "department"]
    search_fields = ["name", "phone", "user__username"]
    autocomplete_fields = ["user", "department", "window", "post"]
    inlines = [TrainingInline]


@admin.register(Absence)
class AbsenceAdmin(SimpleHistoryAdmin):
    list_display = [
        "member",
        "reason",
        "starts_at",
        "ends_at",
        "ended_at",
        "stepped_in_without_handover",
    ]
    list_filter = ["reason"]
    search_fields = ["member__name"]
    autocomplete_fields = ["member"]


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["member", "date", "session", "signed_in_at", "signed_out_at", "late"]
    list_filter = ["session", "late", "date"]
    search_fields = ["member__name"]


@admin.register(WhereaboutsSign)
class WhereaboutsSignAdmin(SimpleHistoryAdmin):
    list_display = ["member", "reason", "left_at", "expected_back", "returned_at", "approved_by"]
    search_fields = ["member__name"]


@admin.register(LeaveRequest)
class LeaveRequestAdmin(SimpleHistoryAdmin):
    list_display = ["member", "starts_at", "ends_at", "status", "decided_by"]
    list_filter = ["status"]
    search_fields = ["member__name"]


@admin.register(DepartmentVisit)
class DepartmentVisitAdmin(SimpleHistoryAdmin):
    list_display = ["department", "visitor", "visited_on"]
    list_filter = ["department"]


@admin.register(DutyShift)
class DutyShiftAdmin(SimpleHistoryAdmin):
    list_display = ["date", "session", "leader", "leader_title", "attended"]
    list_editable = ["attended"]
    list_filter = ["attended", "session"]
    date_hierarchy = "date"


@admin.register(TrainingRecord)
class TrainingRecordAdmin(SimpleHistoryAdmin):
    list_display = ["member", "kind", "title", "date", "hours", "passed"]
    list_filter = ["kind", "passed"]
    search_fields = ["member__name", "title"]
    autocomplete_fields = ["member"]


@admin.register(Dispatch)
class DispatchAdmin(SimpleHistoryAdmin):
    """Read-mostly: proposals, reviews and training go through the pages' services."""

    list_display = ["name", "department", "window", "role", "status", "proposed_at"]
    list_filter = ["status", "department"]
    search_fields = ["name", "id_number"]
    readonly_fields = ["status", "member", "reviewed_by", "reviewed_at"]


@admin.register(SwapRequest)
class SwapRequestAdmin(SimpleHistoryAdmin):
    list_display = ["leaving", "department", "reason", "effective_on", "status"]
    list_filter = ["status", "reason"]
    search_fields = ["leaving__name"]
    readonly_fields = ["status", "decided_by", "decided_at", "familiar_marked_by", "familiar_at"]


@admin.register(PostChange)
class PostChangeAdmin(SimpleHistoryAdmin):
    list_display = ["post", "slot", "previous", "holder", "reason", "changed_by", "changed_at"]
    search_fields = ["post__name", "post__window__number"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReturnDecision)
class ReturnDecisionAdmin(SimpleHistoryAdmin):
    list_display = ["member", "decision", "decided_by", "decided_at"]
    list_filter = ["decision"]

    def has_change_permission(self, request, obj=None):
        return False
