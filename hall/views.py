"""The bell: a user's in-app alerts."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from .alerts import alerts_mark_read
from .models import Alert


@require_GET
@login_required
def alert_list(request):
    alerts = Alert.objects.filter(user=request.user)
    if request.GET.get("unread"):
        alerts = alerts.filter(read_at__isnull=True)
    page = Paginator(alerts, 30).get_page(request.GET.get("page"))
    return render(request, "hall/alert_list.html", {"page": page})


@require_POST
@login_required
def alerts_read(request):
    # No id at all means "mark all"; ids that are not numbers (or beyond a database
    # integer, or digits like "²" that int() refuses) mark nothing.
    raw = request.POST.getlist("id")
    ids = [int(i) for i in raw if i.isascii() and i.isdigit() and len(i) < 19] if raw else None
    alerts_mark_read(user=request.user, now=timezone.now(), ids=ids)
    target = request.POST.get("next", "")
    # Only a page of this site: "/\\evil.example" is "//evil.example" to a browser.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("hall:alerts")
