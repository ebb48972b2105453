"""The people pages: staff list, dispatch, swaps, returns and the A/B register.

Each view reads through a selector and acts through a service; the services check
who may do what, the views only turn their refusals into messages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hall.forms import add_service_errors
from hall.roles import Role
from windows.models import Window

from .dispatch import (
    age_warning,
    dispatch_propose,
    dispatch_put_on_post,
    dispatch_review,
    dispatch_train,
    dispatch_withdraw,
)
from .forms import DispatchForm, PostAssignForm, PutOnPostForm, ReviewForm, SwapForm, TrainingForm
from .models import Dispatch, Post, PostChange, ReturnDecision, StaffMember, SwapRequest
from .posts import post_assign, stability_ends, swap_decide, swap_mark_familiar, swap_request
from .returns import return_check, return_decide
from .selectors import is_center, scope_for_user, staff_in_scope
from .substitution import active_absences

PEOPLE_ROLES = {
    Role.WINDOW_HEAD,
    Role.DEPARTMENT_HEAD,
    Role.SUPERVISOR,
    Role.DIRECTOR,
    Role.INSPECTOR,
}


def _require_people_reader(user):
    scope = scope_for_user(user)
    if user.is_superuser:
        return scope
    if not scope.roles & PEOPLE_ROLES or scope.is_empty:
        raise PermissionDenied
    return scope


def _dispatches_in_scope(user):
    scope = scope_for_user(user)
    dispatches = Dispatch.objects.select_related("department", "window", "post", "member")
    if user.is_superuser or scope.view_all:
        return dispatches
    return dispatches.filter(department_id__in=scope.view_department_ids)


@require_GET
@login_required
def people(request):
    """Who works in the hall, on which post, since when; a department head sees only
    their own staff (R-ORG-1)."""
    _require_people_reader(request.user)
    now = timezone.now()
    show_left = request.GET.get("left") == "1"
    members = staff_in_scope(request.user).filter(is_active=not show_left)
    away = {a.member_id: a for a in active_absences(now).filter(member__in=members)}
    rows = [
        {"member": m, "away": away.get(m.pk), "stable_until": stability_ends(m)}
        for m in members.order_by("department__code", "window__number", "name")
    ]
    return render(request, "staff/people.html", {"rows": rows, "show_left": show_left})


@require_http_methods(["GET", "POST"])
@login_required
def dispatch_list(request):
    scope = scope_for_user(request.user)
    if (
        not (request.user.is_superuser or is_center(request.user) or scope.view_department_ids)
        and not scope.view_all
    ):
        raise PermissionDenied
    own_windows = Window.objects.filter(department_id__in=scope.act_department_ids, is_active=True)
    if request.user.is_superuser:
        own_windows = Window.objects.filter(is_active=True)
    may_propose = request.user.is_superuser or bool(scope.act_department_ids)
    form = None
    if may_propose:
        form = DispatchForm(request.POST or None, windows=own_windows)
        if request.method == "POST" and form.is_valid():
            dispatch = form.save(commit=False)
            dispatch.department_id = dispatch.window.department_id
            try:
                dispatch_propose(actor=request.user, dispatch=dispatch, now=timezone.now())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Proposed to the center for review."))
                return redirect("staff:dispatch_detail", pk=dispatch.pk)
    elif request.method == "POST":
        raise PermissionDenied
    status = request.GET.get("status", "")
    dispatches = _dispatches_in_scope(request.user)
    if status in Dispatch.Status.values:
        dispatches = dispatches.filter(status=status)
    return render(
        request,
        "staff/dispatch_list.html",
        {
            "dispatches": dispatches[:200],
            "form": form,
            "status": status,
            "statuses": Dispatch.Status.choices,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def dispatch_detail(request, pk):
    dispatch = get_object_or_404(_dispatches_in_scope(request.user), pk=pk)
    center = is_center(request.user)
    now = timezone.now()
    action = request.POST.get("action", "") if request.method == "POST" else ""
    review = ReviewForm(request.POST if action == "review" else None)
    training = TrainingForm(request.POST if action == "train" else None)
    on_post = PutOnPostForm(request.POST if action == "on_post" else None)
    if request.method == "POST":
        try:
            if action == "review" and review.is_valid():
                dispatch_review(
                    actor=request.user, dispatch=dispatch, results=review.results(), now=now
                )
                messages.success(request, _("Review recorded."))
                return redirect("staff:dispatch_detail", pk=pk)
            if action == "train" and training.is_valid():
                data = training.cleaned_data
                dispatch_train(
                    actor=request.user,
                    dispatch=dispatch,
                    title=data["training_title"],
                    trained_on=data["training_on"],
                    hours=data["training_hours"],
                    now=now,
                )
                messages.success(request, _("Pre-service training recorded."))
                return redirect("staff:dispatch_detail", pk=pk)
            if action == "on_post" and on_post.is_valid():
                member, password = dispatch_put_on_post(
                    actor=request.user,
                    dispatch=dispatch,
                    username=on_post.cleaned_data["username"],
                    now=now,
                )
                messages.success(
                    request,
                    _(
                        "%(name)s is on post. Login %(username)s, initial password %(password)s "
                        "— hand it over; it is shown only once."
                    )
                    % {
                        "name": member.name,
                        "username": member.user.username,
                        "password": password,
                    },
                )
                return redirect("staff:dispatch_detail", pk=pk)
            if action == "withdraw":
                dispatch_withdraw(actor=request.user, dispatch=dispatch, now=now)
                messages.success(request, _("Proposal withdrawn."))
                return redirect("staff:dispatch_detail", pk=pk)
            if action not in ("review", "train", "on_post", "withdraw"):
                messages.error(request, _("Unknown action."))
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not do this."))
        except ValidationError as exc:
            form = {"review": review, "train": training, "on_post": on_post}.get(action)
            if form is not None:
                add_service_errors(form, exc)
            else:
                messages.error(request, " ".join(exc.messages))
    return render(
        request,
        "staff/dispatch_detail.html",
        {
            "dispatch": dispatch,
            "center": center,
            "may_withdraw": request.user.is_superuser
            or dispatch.department_id in scope_for_user(request.user).act_department_ids,
            "age_warning": age_warning(dispatch, timezone.localdate()),
            "review": review,
            "training": training,
            "on_post": on_post,
            "history": dispatch.history.select_related("history_user").order_by("history_date"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def swaps(request):
    """R-ORG-4: departments ask, the center decides, the window head says when the
    newcomer is familiar."""
    scope = _require_people_reader(request.user)
    center = is_center(request.user)
    now = timezone.now()
    departments = scope.act_department_ids
    form = None
    if departments or request.user.is_superuser:
        members = StaffMember.objects.filter(is_active=True).select_related("window")
        dispatches = Dispatch.objects.exclude(
            status__in=[Dispatch.Status.FAILED, Dispatch.Status.WITHDRAWN]
        ).filter(member__isnull=True)
        if not request.user.is_superuser:
            members = members.filter(department_id__in=departments)
            dispatches = dispatches.filter(department_id__in=departments)
        form = SwapForm(
            request.POST if request.POST.get("action") == "request" else None,
            members=members,
            dispatches=dispatches,
        )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "request":
                if form is None:
                    raise PermissionDenied(_("Only a department head asks for a swap."))
                if form.is_valid():
                    data = form.cleaned_data
                    swap_request(
                        actor=request.user,
                        leaving=data["leaving"],
                        reason=data["reason"],
                        effective_on=data["effective_on"],
                        incoming=data["incoming"],
                        explanation=data["explanation"],
                        now=now,
                    )
                    messages.success(request, _("Swap requested from the center."))
                    return redirect("staff:swaps")
            else:
                swap = get_object_or_404(SwapRequest, pk=request.POST.get("swap") or 0)
                if action in ("approve", "refuse"):
                    swap_decide(
                        actor=request.user,
                        swap=swap,
                        approve=action == "approve",
                        note=request.POST.get("note", ""),
                        now=now,
                    )
                    messages.success(request, _("Decision recorded."))
                elif action == "familiar":
                    swap_mark_familiar(actor=request.user, swap=swap, now=now)
                    messages.success(request, _("The newcomer took over the post."))
                else:
                    messages.error(request, _("Unknown action."))
                return redirect("staff:swaps")
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not do this."))
            return redirect("staff:swaps")
        except ValidationError as exc:
            if action == "request" and form is not None:
                add_service_errors(form, exc)
            else:
                messages.error(request, " ".join(exc.messages))
                return redirect("staff:swaps")
    rows = SwapRequest.objects.select_related(
        "leaving", "leaving__window", "incoming", "incoming__member", "department"
    )
    if not (request.user.is_superuser or scope.view_all):
        rows = rows.filter(
            Q(department_id__in=scope.view_department_ids)
            | Q(leaving__window_id__in=scope.view_window_ids)
        )
    return render(
        request,
        "staff/swaps.html",
        {
            "form": form,
            "swaps": rows[:200],
            "center": center,
            "head_windows": scope.act_window_ids if Role.WINDOW_HEAD in scope.roles else (),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def returns(request):
    """R-ORG-5: the return check on demand; the director decides."""
    scope = scope_for_user(request.user)
    if not (is_center(request.user) or Role.INSPECTOR in scope.roles):
        raise PermissionDenied
    now = timezone.now()
    if request.method == "POST":
        member = get_object_or_404(StaffMember, pk=request.POST.get("member") or 0)
        try:
            record = return_decide(
                actor=request.user,
                member=member,
                decision=request.POST.get("decision", ""),
                reasons=request.POST.get("reasons", ""),
                now=now,
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not do this."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Returned; the department is told.")
                if record.decision == ReturnDecision.Decision.RETURN
                else _("Decision recorded."),
            )
        return redirect("staff:returns")
    candidates, legend = return_check(today=timezone.localtime(now).date())
    return render(
        request,
        "staff/returns.html",
        {
            "candidates": candidates,
            "legend": legend,
            "decisions": ReturnDecision.objects.select_related("member", "decided_by")[:50],
            "may_decide": request.user.is_superuser or Role.DIRECTOR in scope.roles,
        },
    )


@require_GET
@login_required
def posts(request):
    """R-ORG-6: the A/B register: every post's A and B holder, who is away now, and
    the changes."""
    scope = _require_people_reader(request.user)
    now = timezone.now()
    post_rows = Post.objects.select_related("window", "window__department").order_by(
        "window__floor", "window__floor_order", "window__number", "order"
    )
    if not (request.user.is_superuser or scope.view_all):
        post_rows = post_rows.filter(
            Q(window_id__in=scope.view_window_ids)
            | Q(window__department_id__in=scope.view_department_ids)
        )
    holders: dict[int, dict[str, StaffMember]] = {}
    for member in StaffMember.objects.filter(post__in=post_rows, is_active=True):
        holders.setdefault(member.post_id, {})[member.slot] = member
    away = set(active_absences(now).values_list("member_id", flat=True))
    rows = []
    for post in post_rows[:500]:
        a, b = holders.get(post.pk, {}).get("A"), holders.get(post.pk, {}).get("B")
        rows.append(
            {
                "post": post,
                "a": a,
                "b": b,
                "a_away": bool(a and a.pk in away),
                "b_away": bool(b and b.pk in away),
                "both_away": bool(a and b and a.pk in away and b.pk in away),
            }
        )
    changes = PostChange.objects.select_related(
        "post", "post__window", "previous", "holder", "changed_by"
    ).filter(post__in=post_rows)[:30]
    return render(
        request,
        "staff/posts.html",
        {
            "rows": rows,
            "changes": changes,
            "center": is_center(request.user),
            "form": PostAssignForm(),
            "members": StaffMember.objects.filter(is_active=True).select_related("department")
            if is_center(request.user)
            else [],
        },
    )


@require_POST
@login_required
def post_change(request):
    form = PostAssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("staff:posts")
    data = form.cleaned_data
    try:
        post_assign(
            actor=request.user,
            post=data["post"],
            slot=data["slot"],
            member=data["member"],
            reason=data["reason"],
            now=timezone.now(),
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The register is updated."))
    return redirect("staff:posts")
