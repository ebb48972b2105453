"""The login's companions: the password change, the idle-session check and the
administrators' log of logins and failures."""

from __future__ import annotations

from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db.models import Case, CharField, DateTimeField, F, Value, When
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .accounts import SESSION_MUST_CHANGE, password_changed
from .middleware import session_remaining, session_touch


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["forced"] = bool(self.request.session.get(SESSION_MUST_CHANGE))
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(user=self.request.user)
        self.request.session.pop(SESSION_MUST_CHANGE, None)
        messages.success(self.request, _("Your password was changed."))
        return response


@require_http_methods(["GET", "POST"])
def session_status(request):
    """GET: how long the session has left (it does not count as use). POST: the user
    asked to stay signed in. Anonymous: 401, so the page knows the session is gone."""
    if not request.user.is_authenticated:
        return JsonResponse({"remaining": 0, "expired": True}, status=401)
    if request.method == "POST":
        session_touch(request)
    return JsonResponse(
        {
            "remaining": session_remaining(request),
            "idle": settings.HALL_SESSION_IDLE_MINUTES * 60,
        }
    )


@staff_member_required
def login_log(request):
    """Logins, logouts and failed logins, newest first (administrators only)."""
    kind = request.GET.get("kind", "")
    username = request.GET.get("username", "").strip()[:150]
    columns = ("attempt_time", "event", "username", "ip_address", "user_agent", "ended_at")
    logins = AccessLog.objects.annotate(
        event=Value("login", CharField()), ended_at=F("logout_time")
    )
    failures = AccessFailureLog.objects.annotate(
        event=Case(
            When(locked_out=True, then=Value("locked")),
            default=Value("failure"),
            output_field=CharField(),
        ),
        ended_at=Value(None, DateTimeField()),
    )
    if username:
        logins = logins.filter(username=username)
        failures = failures.filter(username=username)
    parts = {"login": [logins], "failure": [failures]}.get(kind, [logins, failures])
    events = parts[0].values(*columns)
    if len(parts) == 2:
        events = events.union(parts[1].values(*columns), all=True)
    events = events.order_by("-attempt_time")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "hall/login_log.html",
        {
            "page": page,
            "kind": kind,
            "username": username,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
    )
