"""The public service guide (办事指南): free, no login (R-ITEM-1)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from hall.pdf import render_pdf

from .selectors import guide_departments, guide_item, guide_items

PAGE_SIZE = 25


@require_GET
def guide_list(request):
    # PostgreSQL refuses a NUL in a query: such a search finds what it finds without it.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:50]
    department = request.GET.get("department", "").replace("\x00", "").strip()[:16]
    items = guide_items(query=query, department_code=department)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "department": department,
        "departments": guide_departments(),
    }
    # htmx swaps in only the results; a history restore (Back) needs the whole page.
    partial = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "windows/_guide_results.html" if partial else "windows/guide_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response


@require_GET
def guide_detail(request, code: str):
    item = guide_item(code)
    if item is None:
        raise Http404
    return render(request, "windows/guide_detail.html", {"item": item})


@require_GET
def guide_pdf(request, code: str):
    item = guide_item(code)
    if item is None:
        raise Http404
    pdf = render_pdf(
        "windows/pdf/guide.html", {"item": item, "printed_at": timezone.now()}, request=request
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="guide-{item.code}.pdf"'
    return response
