from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Post, StaffMember


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


@admin.register(StaffMember)
class StaffMemberAdmin(SimpleHistoryAdmin):
    list_display = ["name", "department", "window", "post", "slot", "role", "is_active"]
    list_filter = ["role", "slot", "is_active", "department"]
    search_fields = ["name", "phone", "user__username"]
    autocomplete_fields = ["user", "department", "window", "post"]
