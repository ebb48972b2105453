"""The hall's middleware: its language, its Content-Security-Policy, idle sessions
and the forced password change."""

from __future__ import annotations

import time

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .accounts import SESSION_MUST_CHANGE


class HallLocaleMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but a browser's Accept-Language is ignored.

    A hall's computers may run an English browser; the interface is still
    Chinese (zh-hans) until someone presses "English", which sets the language
    cookie.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class HallCSPMiddleware(CSPMiddleware):
    """The policy of settings.CONTENT_SECURITY_POLICY, except that Django's admin
    keeps the inline styles its own templates use (never inline script)."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith("/admin/"):
            parts.update = {**(parts.update or {}), "style-src": ["'unsafe-inline'"]}
        return parts


# When the user last did something, in seconds since the epoch (the session's clock).
SESSION_LAST_SEEN = "hall_last_seen"
# A request the page makes by itself (a poll, the session check) does not count as the
# user doing something: it carries this header.
BACKGROUND_HEADER = "HTTP_X_HALL_BACKGROUND"
# Writing the session on every click costs a database write; a minute's precision is
# plenty for a 30-minute limit.
_TOUCH_EVERY_SECONDS = 30


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


class IdleSessionMiddleware:
    """Ends a session nobody used for HALL_SESSION_IDLE_MINUTES (等保: 登录连接超时自动退出).

    The page (static/js/session.js) warns before the end and offers to stay signed in;
    typing in the page counts as use. A request after the end logs out and goes to the
    login page, which brings the user back where they were.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            idle = settings.HALL_SESSION_IDLE_MINUTES * 60
            last = request.session.get(SESSION_LAST_SEEN)
            if isinstance(last, (int, float)) and now - last > idle:
                return self._expired(request)
            background = request.META.get(BACKGROUND_HEADER) == "1"
            if not background and (
                not isinstance(last, (int, float)) or now - last >= _TOUCH_EVERY_SECONDS
            ):
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)

    def _expired(self, request):
        path = request.get_full_path()
        logout(request)
        text = _("You were signed out after %(minutes)d minutes without activity.") % {
            "minutes": settings.HALL_SESSION_IDLE_MINUTES
        }
        # The message waits for the next page, whichever request found the end.
        messages.warning(request, text)
        if request.META.get(BACKGROUND_HEADER) == "1" or request.headers.get("Accept", "") == (
            "application/json"
        ):
            return JsonResponse({"remaining": 0, "expired": True}, status=401)
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = f"{reverse(settings.LOGIN_URL)}?next={path}"
            return response
        if request.method != "GET":
            # What was posted is gone with the session; the page kept a copy of the form
            # (session.js) and puts it back after the login.
            path = request.META.get("HTTP_REFERER", "") or path
            path = path if path.startswith("/") else request.path
        return redirect_to_login(path)


def session_touch(request) -> None:
    """The user did something: the idle clock starts again."""
    request.session[SESSION_LAST_SEEN] = time.time()


def session_remaining(request) -> int:
    """Seconds left before the idle limit ends this session."""
    last = request.session.get(SESSION_LAST_SEEN)
    idle = settings.HALL_SESSION_IDLE_MINUTES * 60
    if not isinstance(last, (int, float)):
        return idle
    return max(0, int(idle - (time.time() - last)))


# Pages a user who must change their password may still open.
_PASSWORD_CHANGE_OPEN = ("password_change", "logout", "set_language", "session")


class PasswordChangeRequiredMiddleware:
    """An account whose password someone else set goes to the password change first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not request.session.get(SESSION_MUST_CHANGE):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in _PASSWORD_CHANGE_OPEN:
            return None
        if request.path_info.startswith((settings.STATIC_URL, "/" + settings.STATIC_URL)):
            return None
        target = reverse("password_change")
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)


class RejectNulMiddleware:
    """A NUL character is never typed by a person, and PostgreSQL refuses it in text:
    a request carrying one in its address's query or its form is refused with 400 before
    any view sees it, whatever the form (the forms refuse it one by one as well)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            from django.shortcuts import render

            return render(
                request,
                "400.html",
                {"reason": _("The request held a NUL character, which no form accepts.")},
                status=400,
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get(
            "QUERY_STRING", ""
        ):
            return True
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            try:
                values = request.POST.lists()
            except Exception:  # noqa: BLE001 - a malformed body is Django's to refuse
                return False
            return any("\x00" in key or any("\x00" in v for v in vs) for key, vs in values)
        return False
