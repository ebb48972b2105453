from django.utils.functional import SimpleLazyObject

from .selectors import scope_for_user


def scope(request):
    """The user's scope for the header, computed only when a template asks."""
    user = getattr(request, "user", None)
    return {"scope": SimpleLazyObject(lambda: scope_for_user(user))}
