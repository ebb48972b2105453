"""Small pieces of the hall's login security that settings point at."""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address for the login log and django-axes.

    Behind the hall's proxy (DJANGO_BEHIND_PROXY) the proxy appends the address it
    saw to X-Forwarded-For, so the last entry is the one it vouches for; anything
    before it came from the client and could be made up.
    """
    if getattr(settings, "HALL_BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [part.strip() for part in forwarded.split(",") if part.strip()]
        if entries:
            return entries[-1][:45]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (django-axes calls it): HTTP 429, in the
    user's language, saying for how long."""
    from django.shortcuts import render

    return render(
        request,
        "registration/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "lockout_minutes": settings.HALL_LOGIN_LOCKOUT_MINUTES,
        },
        status=429,
    )
