"""The center's eyes: the supervisor's overview, the department head's, the public screen."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.models import CardAppeal
from cases.services import appeal_decide
from complaints.sweep import overdue_counts
from hall.roles import Role
from staff.models import Post
from staff.selectors import scope_for_user
from staff.substitution import posts_with_both_away
from windows.models import Window

from .selectors import hall_figures


@require_GET
@login_required
def overview(request):
    """Supervisors and the director see every window; a department head their own."""
    scope = scope_for_user(request.user)
    if request.user.is_superuser or scope.roles & {Role.SUPERVISOR, Role.DIRECTOR, Role.INSPECTOR}:
        windows = Window.objects.filter(is_active=True)
    elif Role.DEPARTMENT_HEAD in scope.roles and scope.view_department_ids:
        windows = Window.objects.filter(is_active=True, department_id__in=scope.view_department_ids)
    else:
        raise PermissionDenied
    figures = hall_figures(windows)
    # R-ORG-6: a post whose A and B holders are both away shows red.
    empty_posts = posts_with_both_away(timezone.now())
    unstaffed = set(Post.objects.filter(pk__in=empty_posts).values_list("window_id", flat=True))
    pending = CardAppeal.objects.filter(
        status=CardAppeal.Status.PENDING, case__window__in=windows
    ).count()
    # R-COMP-2, N-2: complaint steps and bad-review rectifications past their clock.
    center = request.user.is_superuser or bool(
        scope.roles & {Role.SUPERVISOR, Role.DIRECTOR, Role.INSPECTOR}
    )
    late = overdue_counts(timezone.localdate(), None if center else windows)
    return render(
        request,
        "supervision/overview.html",
        {
            "figures": figures,
            "late": late,
            "center": center,
            "pending_appeals": pending,
            "unstaffed": unstaffed,
            "can_decide": request.user.is_superuser
            or bool(scope.roles & {Role.SUPERVISOR, Role.DIRECTOR}),
        },
    )


@require_GET
def screen(request):
    """大厅显示屏: public, no names; the figures refresh themselves (htmx polling)."""
    figures = hall_figures(Window.objects.filter(is_active=True))
    template = (
        "supervision/_screen_figures.html"
        if request.headers.get("HX-Request")
        else "supervision/screen.html"
    )
    response = render(
        request,
        template,
        {
            "figures": figures,
            "now": timezone.now(),
            "refresh": settings.HALL_SCREEN_REFRESH_SECONDS,
        },
    )
    response["Vary"] = "HX-Request"
    return response


@require_GET
@login_required
def appeal_list(request):
    scope = scope_for_user(request.user)
    if not (request.user.is_superuser or scope.roles & {Role.SUPERVISOR, Role.DIRECTOR}):
        raise PermissionDenied
    appeals = CardAppeal.objects.select_related("case", "case__window", "appealed_by", "decided_by")
    return render(
        request,
        "supervision/appeal_list.html",
        {
            "pending": appeals.filter(status=CardAppeal.Status.PENDING),
            "decided": appeals.exclude(status=CardAppeal.Status.PENDING)[:50],
        },
    )


@require_POST
@login_required
def appeal_decide_view(request, pk):
    appeal = get_object_or_404(CardAppeal, pk=pk)
    try:
        appeal_decide(
            appeal=appeal,
            actor=request.user,
            now=timezone.now(),
            cancel=request.POST.get("decision") == "cancel",
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("supervision:appeals")
