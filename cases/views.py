"""The clerk's pages: inquiries, intake, the window's list, the case and its documents,
and the public tracking page. Views only translate between HTTP and the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hall.calendar import WorkingCalendar
from hall.forms import add_service_errors
from hall.identity import mask_id, mask_phone
from hall.throttle import AttemptCounter
from staff.substitution import acting_for
from windows.models import ServiceItem

from . import services
from .access import may_see_full_identity, require_window_head, require_window_staff
from .clock import Light as LightLabels
from .clock import light, working_days_left
from .forms import (
    DecisionForm,
    ExtensionForm,
    InquiryForm,
    IntakeForm,
    RefuseForm,
    ReviewForm,
    SuspendForm,
    TrackForm,
)
from .models import Case, CasePart, Extension, FirstInquiry, Light, Notice
from .selectors import (
    acting_windows,
    case_for,
    case_timeline,
    closed_case_search,
    inquiries_for,
    window_case_list,
)


def _decorate(cases, today, calendar):
    rows = []
    for case in cases:
        rows.append(
            {
                "case": case,
                "light": light(case, today, calendar),
                "left": working_days_left(case, today, calendar),
                "id_masked": mask_id(case.id_number),
            }
        )
    return rows


@require_GET
@login_required
def case_list(request):
    windows = acting_windows(request.user)
    today = timezone.localdate()
    calendar = WorkingCalendar()
    # PostgreSQL refuses a NUL in a query: a filter finds what it finds without it.
    filters = {
        k: request.GET.get(k, "").replace("\x00", "").strip()[:40]
        for k in ("kind", "status", "item", "q", "light", "window")
    }
    try:
        since = request.GET.get("since") or None
        until = request.GET.get("until") or None
        cases = window_case_list(
            request.user,
            window_ids=None
            if filters["window"]
            else (list(windows.values_list("pk", flat=True)) or None),
            light=filters["light"],
            window_number=filters["window"],
            kind=filters["kind"],
            status=filters["status"],
            item=filters["item"],
            since=since,
            until=until,
        )
        open_rows = _decorate(cases[:200], today, calendar)
    except ValidationError:
        messages.error(request, _("Dates are written as 2026-10-08."))
        open_rows, since, until = [], None, None
    closed = None
    if filters["q"]:
        closed = Paginator(closed_case_search(request.user, filters["q"]), 25).get_page(
            request.GET.get("page")
        )
    return render(
        request,
        "cases/case_list.html",
        {
            "rows": open_rows,
            "closed": closed,
            "filters": filters,
            "since": since or "",
            "until": until or "",
            "kinds": Case.Kind.choices,
            "statuses": [(s, label) for s, label in Case.Status.choices if s in Case.OPEN_STATUSES],
            "windows": windows,
            "lights": LightLabels.LABELS,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def inquiry_new(request):
    windows = acting_windows(request.user)
    if not windows.exists():
        raise PermissionDenied
    form = InquiryForm(request.POST or None, windows=windows)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inquiry = services.inquiry_record(
                acting_for=acting_for(request.user, data["window"], timezone.now()),
                actor=request.user,
                window=data["window"],
                now=timezone.now(),
                channel=data["channel"],
                subject=data["subject"],
                disposition=data["disposition"],
                inquirer_name=data["inquirer_name"],
                inquirer_phone=data["inquirer_phone"],
                referred_to_user=data["referred_to_user"],
                referred_to_window=data["referred_to_window"],
                other_department=data["other_department"],
                other_contact=data["other_contact"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Inquiry recorded."))
            if inquiry.disposition == FirstInquiry.Disposition.CASE:
                return redirect(f"{reverse('cases:intake')}?inquiry={inquiry.pk}")
            return redirect("cases:inquiry_new")
    recent = inquiries_for(request.user)[:10]
    return render(request, "cases/inquiry_form.html", {"form": form, "recent": recent})


@require_GET
@login_required
def inquiry_list(request):
    page = Paginator(inquiries_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "cases/inquiry_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@login_required
def intake(request):
    windows = acting_windows(request.user)
    if not windows.exists():
        raise PermissionDenied
    inquiry = None
    inquiry_id = request.GET.get("inquiry") or request.POST.get("inquiry")
    if inquiry_id and inquiry_id.isascii() and inquiry_id.isdigit():
        inquiry = inquiries_for(request.user).filter(pk=inquiry_id, case__isnull=True).first()
    items = (
        ServiceItem.objects.published()
        .filter(department__in=windows.values("department"))
        .select_related("department")
    )
    # PostgreSQL refuses a NUL in a query: a code or search holding one finds nothing.
    code = (request.GET.get("item") or request.POST.get("item") or "").replace("\x00", "")
    item = items.filter(code=code).first() if code else None
    if item is None:
        query = request.GET.get("q", "").replace("\x00", "").strip()[:50]
        found = items.search(query)[:30]
        partial = request.headers.get("HX-Request") and not request.headers.get(
            "HX-History-Restore-Request"
        )
        template = "cases/_item_choices.html" if partial else "cases/intake_item.html"
        response = render(request, template, {"items": found, "query": query, "inquiry": inquiry})
        patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
        return response

    initial = {}
    if inquiry is not None:
        initial = {
            "applicant_name": inquiry.inquirer_name,
            "phone": inquiry.inquirer_phone,
            "window": inquiry.window,
        }
    form = IntakeForm(request.POST or None, windows=windows, item=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        materials = []
        for material, *_fields in form.material_rows:
            prefix = f"mat_{material.pk}"
            materials.append(
                services.MaterialInput(
                    name=material.name,
                    item_material_id=material.pk,
                    received=bool(data.get(f"{prefix}_received")),
                    pages=data.get(f"{prefix}_pages") or 0,
                    missing_reason=data.get(f"{prefix}_reason") or "",
                )
            )
        applicant = services.ApplicantInput(
            kind=data["applicant_kind"],
            name=data["applicant_name"],
            id_type=data["id_type"],
            id_number=data["id_number"],
            phone=data["phone"],
            contact_name=data["contact_name"],
        )
        received_at = data["received_at"]
        parts = [
            services.PartInput(window=w, description=data["part_description"] or item.name)
            for w in data["part_windows"]
        ]
        try:
            case = services.case_intake(
                acting_for=acting_for(request.user, data["window"], timezone.now()),
                actor=request.user,
                window=data["window"],
                item=item,
                kind=data["kind"],
                applicant=applicant,
                materials=materials,
                now=timezone.now(),
                received_at=received_at,
                returned_reasons=data["returned_reasons"],
                leader_assigned=data["leader_assigned"] or "",
                parts=parts,
                inquiry=inquiry,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise
        else:
            _refresh_lights()
            messages.success(request, _("Case %(number)s taken in.") % {"number": case.number})
            return redirect(case.get_absolute_url())
    return render(
        request, "cases/intake_form.html", {"form": form, "item": item, "inquiry": inquiry}
    )


def _refresh_lights() -> None:
    """Ask the worker for a sweep once this request commits, so the lists are current
    at once. Never waits on the broker: if it is down the minute's sweep catches up."""
    from hall.jobs import enqueue

    from .tasks import sweep_lights_task

    enqueue(sweep_lights_task)


def _visible_case(request, number) -> Case:
    # A NUL (%00 in the address) names no case, and PostgreSQL refuses it in a query.
    case = case_for(request.user, number) if "\x00" not in number else None
    if case is None:
        raise Http404
    return case


@require_GET
@login_required
def case_detail(request, number):
    case = _visible_case(request, number)
    today = timezone.localdate()
    calendar = WorkingCalendar()
    full = may_see_full_identity(request.user, case)
    filing = getattr(case, "rejection_filing", None)
    context = {
        "case": case,
        "light": light(case, today, calendar),
        "lights": LightLabels.LABELS,
        "left": working_days_left(case, today, calendar),
        "statutory_left": (
            calendar.working_days_between(today, case.statutory_due).days
            if case.statutory_due
            else None
        ),
        "id_number": case.id_number if full else mask_id(case.id_number),
        "phone": case.phone if full else mask_phone(case.phone),
        "materials": case.materials.all(),
        "notices": case.notices.select_related("issued_by"),
        "suspensions": case.suspensions.all(),
        "extensions": case.extensions.select_related("requested_by", "decided_by"),
        "parts": case.parts.select_related("window", "completed_by"),
        "filing": filing,
        "timeline": case_timeline(case),
        "can_act": _can(require_window_staff, request.user, case.window),
        "can_decide": _can(require_window_head, request.user, case.window),
        "suspend_form": SuspendForm(),
        "extension_form": ExtensionForm(),
        "decision_form": DecisionForm(),
        "refuse_form": RefuseForm(),
        "review_form": ReviewForm(),
        "waiting_materials": case.materials.filter(received=False),
        "appeals": case.appeals.select_related("appealed_by", "decided_by"),
        "appealable": _appealable_cards(request.user, case),
        "my_parts": [
            p
            for p in case.parts.all()
            if not p.completed_at and _can(require_window_staff, request.user, p.window)
        ],
    }
    return render(request, "cases/case_detail.html", context)


def _appealable_cards(user, case) -> list[tuple[str, str]]:
    """The cards the window head may still appeal (N-3)."""
    from accountability.models import Occurrence

    from .services.appeals import CARD_RULE

    if not _can(require_window_head, user, case.window):
        return []
    rules = set(
        Occurrence.objects.filter(
            source_type__app_label="cases",
            source_type__model="case",
            source_id=case.pk,
            withdrawn_at__isnull=True,
        ).values_list("rule", flat=True)
    )
    pending = set(case.appeals.filter(status="pending").values_list("card", flat=True))
    return [
        (card, Light(card).label)
        for card, rule in CARD_RULE.items()
        if rule in rules and card not in pending
    ]


def _can(check, user, window) -> bool:
    try:
        check(user, window)
    except PermissionDenied:
        return False
    return True


def _run(request, case, action, success: str):
    """Run a service; its refusal becomes a message and nothing changes."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        _refresh_lights()
        messages.success(request, success)
    return redirect(case.get_absolute_url())


def _form_or_message(request, form_class):
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return None
    return form.cleaned_data


@require_POST
@login_required
def case_action(request, number, action):
    case = _visible_case(request, number)
    user, now = request.user, timezone.now()
    # R-ORG-6: B acts with A's authority while A is away; the case records it.
    acting = acting_for(user, case.window, now)
    if action == "suspend":
        data = _form_or_message(request, SuspendForm)
        if data is None:
            return redirect(case.get_absolute_url())
        return _run(
            request,
            case,
            lambda: services.suspension_start(
                acting_for=acting,
                case=case,
                actor=user,
                now=now,
                reason=data["reason"],
                detail=data["detail"],
            ),
            _("The clock is suspended; give the applicant the suspension notice."),
        )
    if action == "resume":
        return _run(
            request,
            case,
            lambda: services.suspension_end(acting_for=acting, case=case, actor=user, now=now),
            _("The clock runs again; the due dates moved."),
        )
    if action == "extend":
        data = _form_or_message(request, ExtensionForm)
        if data is None:
            return redirect(case.get_absolute_url())
        return _run(
            request,
            case,
            lambda: services.extension_request(
                acting_for=acting,
                case=case,
                actor=user,
                now=now,
                days=data["days"],
                reason=data["reason"],
            ),
            _("Extension requested from the window head."),
        )
    if action == "approve":
        return _run(
            request,
            case,
            lambda: services.case_approve(acting_for=acting, case=case, actor=user, now=now),
            _("Approved: the result is ready for pickup."),
        )
    if action == "pickup":
        return _run(
            request,
            case,
            lambda: services.case_pickup(acting_for=acting, case=case, actor=user, now=now),
            _("Pickup recorded."),
        )
    if action == "refuse":
        data = _form_or_message(request, RefuseForm)
        if data is None:
            return redirect(case.get_absolute_url())
        return _run(
            request,
            case,
            lambda: services.case_refuse(acting_for=acting, case=case, actor=user, now=now, **data),
            _("Refused and filed for review; give the applicant the decision."),
        )
    if action == "review":
        data = _form_or_message(request, ReviewForm)
        if data is None:
            return redirect(case.get_absolute_url())
        filing = getattr(case, "rejection_filing", None)
        if filing is None:
            raise Http404
        return _run(
            request,
            case,
            lambda: services.filing_review(
                acting_for=acting,
                filing=filing,
                actor=user,
                now=now,
                uphold=data["decision"] == "uphold",
                opinion=data["opinion"],
            ),
            _("Review recorded."),
        )
    if action == "receive":
        pages = {}
        for material in case.materials.filter(received=False):
            if request.POST.get(f"got_{material.pk}"):
                raw = request.POST.get(f"pages_{material.pk}", "")
                # isascii: "²".isdigit() is true, but int() refuses it.
                pages[material.pk] = int(raw) if raw.isascii() and raw.isdigit() else 0
        return _run(
            request,
            case,
            lambda: services.supplement_receive(
                acting_for=acting, case=case, actor=user, now=now, pages=pages
            ),
            _("Materials recorded."),
        )
    if action == "appeal":
        return _run(
            request,
            case,
            lambda: services.appeal_file(
                case=case,
                actor=user,
                now=now,
                card=request.POST.get("card", ""),
                reason=request.POST.get("reason", ""),
                attachment=request.FILES.get("attachment"),
            ),
            _("Appeal filed; a center supervisor will decide."),
        )
    if action == "renotice":
        missing = []
        for material in case.materials.all():
            reason = request.POST.get(f"reason_{material.pk}", "").strip()
            if request.POST.get(f"missing_{material.pk}"):
                missing.append(
                    services.MaterialInput(
                        name=material.name,
                        item_material_id=material.item_material_id,
                        missing_reason=reason,
                    )
                )
        return _run(
            request,
            case,
            lambda: services.supplement_notice_issue(
                acting_for=acting, case=case, actor=user, now=now, missing=missing
            ),
            _("Supplement notice issued."),
        )
    raise Http404


@require_POST
@login_required
def extension_decide(request, number, pk):
    case = _visible_case(request, number)
    extension = get_object_or_404(Extension, pk=pk, case=case)
    data = _form_or_message(request, DecisionForm)
    if data is None:
        return redirect(case.get_absolute_url())
    return _run(
        request,
        case,
        lambda: services.extension_decide(
            acting_for=acting_for(request.user, case.window, timezone.now()),
            extension=extension,
            actor=request.user,
            now=timezone.now(),
            approve=data["decision"] == "approve",
            reason=data["reason"],
        ),
        _("Decision recorded."),
    )


@require_POST
@login_required
def part_complete(request, number, pk):
    case = _visible_case(request, number)
    part = get_object_or_404(CasePart, pk=pk, case=case)
    return _run(
        request,
        case,
        lambda: services.part_complete(
            acting_for=acting_for(request.user, part.window, timezone.now()),
            part=part,
            actor=request.user,
            now=timezone.now(),
        ),
        _("Your part is complete."),
    )


def _notice(request, number, pk) -> Notice:
    case = _visible_case(request, number)
    return get_object_or_404(
        Notice.objects.select_related("case", "case__window"), pk=pk, case=case
    )


def _full_on_form(request, notice) -> bool:
    """Documents for the applicant mask the ID and phone; the internal filing form shows
    them in full to those who may see them."""
    return notice.kind == Notice.Kind.REJECTION_FILING and may_see_full_identity(
        request.user, notice.case
    )


@require_GET
@login_required
def document_page(request, number, pk):
    from .documents import document_context, tracking_url

    notice = _notice(request, number, pk)
    context = document_context(
        notice,
        tracking_url=tracking_url(request, notice.case),
        full_identity=_full_on_form(request, notice),
    )
    context["pdf_url"] = request.path + "pdf/"
    return render(request, "cases/document_page.html", context)


@require_GET
@login_required
def document_pdf(request, number, pk):
    from .documents import render_document_pdf

    notice = _notice(request, number, pk)
    pdf = render_document_pdf(notice, request=request, full_identity=_full_on_form(request, notice))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{notice.case.number}-{notice.kind}.pdf"'
    return response


# -- public tracking ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def track(request):
    """An applicant checks a case with its number and the receipt's code: no personal data."""
    from django.conf import settings

    form = TrackForm(request.POST or None, initial={"number": request.GET.get("number", "")})
    result = None
    failures = AttemptCounter(
        request,
        "track-failures",
        limit=settings.HALL_TRACKING_MAX_FAILURES,
        seconds=settings.HALL_TRACKING_LOCK_MINUTES * 60,
    )
    locked = failures.locked
    if request.method == "POST" and locked:
        form.add_error(
            None,
            _("Too many wrong codes. Try again in %(minutes)s minutes.")
            % {"minutes": settings.HALL_TRACKING_LOCK_MINUTES},
        )
    elif request.method == "POST" and form.is_valid():
        number = form.cleaned_data["number"].strip().upper()
        code = form.cleaned_data["code"].strip().upper()
        case = Case.objects.select_related("item", "window").filter(number__iexact=number).first()
        if case is None or not constant_time_compare(case.tracking_code, code):
            failures.add()
            form.add_error(None, _("No case matches this number and code."))
        else:
            failures.clear()
            result = case
    status = 429 if locked and request.method == "POST" else 200
    return render(
        request,
        "cases/track.html",
        {
            "form": form,
            "case": result,
            "next_step": _next_step(result),
            # 好差评 (N-2): a finished case can be rated from here.
            "rateable": result is not None and result.status in Case.FINISHED_STATUSES,
        },
        status=status,
    )


def _next_step(case) -> str:
    if case is None:
        return ""
    S = Case.Status
    return {
        S.CONSULTED: _("You received a one-time notice of everything this item needs."),
        S.AWAITING_SUPPLEMENT: _(
            "Bring the missing materials listed on your supplement notice to the window."
        ),
        S.RETURNED: _(
            "Your application was returned; the notice gives the reasons and your rights."
        ),
        S.IN_PROGRESS: _("Your case is being handled; it will be ready by the due date."),
        S.SUSPENDED: _(
            "The time limit is paused for a period the law excludes (for example "
            "testing or expert review); the window will tell you when it resumes."
        ),
        S.APPROVED: _("The result is ready: pick it up at the window with your ID and receipt."),
        S.PICKED_UP: _("The result was picked up. Please rate our service."),
        S.REFUSED: _(
            "Your application was refused in writing; the decision names your right to "
            "administrative review or a lawsuit."
        ),
    }[case.status]
