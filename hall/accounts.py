"""Services about logins: the forced password change (等保 2.0, 身份鉴别)."""

from __future__ import annotations

from django.utils import timezone

from .models import Account

# The session remembers the flag from the login on, so the check costs no query.
SESSION_MUST_CHANGE = "hall_must_change_password"


def password_change_require(*, user, actor, now=None) -> Account:
    """Someone other than the user set their password: they change it at next login."""
    account = Account.objects.filter(user=user).first() or Account(user=user)
    if account._state.adding or not account.must_change_password:
        account.must_change_password = True
        account._history_user = actor
        account.save()
    return account


def password_changed(*, user, now=None) -> Account:
    """The user chose their own password: the flag is cleared."""
    account = Account.objects.filter(user=user).first() or Account(user=user)
    account.must_change_password = False
    account.password_changed_at = now or timezone.now()
    account._history_user = user
    account.save()
    return account


def must_change_password(user) -> bool:
    return Account.objects.filter(user=user, must_change_password=True).exists()


def on_login(sender, request, user, **kwargs):
    """At every login: start the idle clock, and remember a forced password change."""
    from .middleware import session_touch  # the middleware imports this module

    session_touch(request)
    if must_change_password(user):
        request.session[SESSION_MUST_CHANGE] = True
