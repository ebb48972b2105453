from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .accounts import password_change_require
from .jobs import enqueue
from .models import Account, CalendarDay, CalendarYear, Weekday
from .services import calendar_import_year
from .tasks import recompute_provisional


class CalendarImportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    text = forms.CharField(
        label=_("Schedule"),
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        help_text=_(
            "One line per holiday, e.g. 国庆节, 放假, 10月1日至10月7日 / 国庆节, 上班, 10月10日"
        ),
    )


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    list_display = ["year", "source", "loaded_at", "loaded_by"]
    readonly_fields = ["loaded_at", "loaded_by", "source_text"]
    change_list_template = "admin/hall/calendaryear/change_list.html"

    def get_urls(self):
        custom = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="hall_calendaryear_import",
            )
        ]
        return custom + super().get_urls()

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CalendarImportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                year = calendar_import_year(
                    year=form.cleaned_data["year"],
                    text=form.cleaned_data["text"],
                    user=request.user,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("text", message)
            else:
                messages.success(
                    request,
                    _(
                        "The schedule of %(year)s is loaded; "
                        "provisional deadlines are being recomputed."
                    )
                    % {"year": year.year},
                )
                return redirect(reverse("admin:hall_calendaryear_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Load a year's holiday schedule"),
        }
        return render(request, "admin/hall/calendaryear/import.html", context)


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "name", "kind"]
    list_filter = ["kind", "name"]
    date_hierarchy = "date"
    search_fields = ["name"]

    # A corrected day may change deadlines computed on it: recompute after commit.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        enqueue(recompute_provisional)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        enqueue(recompute_provisional)


@admin.register(Weekday)
class WeekdayAdmin(SimpleHistoryAdmin):
    list_display = [
        "weekday",
        "is_working_day",
        "morning_opens",
        "morning_closes",
        "afternoon_opens",
        "afternoon_closes",
    ]
    list_editable = ["is_working_day"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


User = get_user_model()


@admin.register(Account)
class AccountAdmin(SimpleHistoryAdmin):
    list_display = ["user", "must_change_password", "password_changed_at"]
    list_filter = ["must_change_password"]
    search_fields = ["user__username", "user__first_name"]
    readonly_fields = ["user", "password_changed_at"]

    def has_add_permission(self, request):
        return False


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class HallUserAdmin(UserAdmin):
    """Django's user admin, with the forced password change of 等保 2.0: a user an
    administrator creates, or whose password an administrator sets, must choose their
    own password at the next login."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            password_change_require(user=obj, actor=request.user)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            if user is not None and user.pk != request.user.pk:
                password_change_require(user=user, actor=request.user)
        return response
