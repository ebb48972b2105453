from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .alerts import unread_count


def hall(request):
    user = getattr(request, "user", None)
    return {
        "hall_name": settings.HALL_NAME,
        "unread_alerts": SimpleLazyObject(lambda: unread_count(user)),
        "hall_year": timezone.localdate().year,
        "session_idle_seconds": settings.HALL_SESSION_IDLE_MINUTES * 60,
        "session_warning_seconds": settings.HALL_SESSION_WARNING_SECONDS,
    }
