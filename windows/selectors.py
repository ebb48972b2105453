"""Reads of the public service guide."""

from __future__ import annotations

from django.db.models import Prefetch

from .models import Department, ServiceItem, ServiceItemMaterial


def guide_items(*, query: str = "", department_code: str = ""):
    """Published items matching the search, for anyone, logged in or not (R-ITEM-1)."""
    items = ServiceItem.objects.published().select_related("department", "window")
    if department_code:
        items = items.filter(department__code=department_code)
    return items.search(query)


def guide_item(code: str) -> ServiceItem | None:
    if "\x00" in code:  # %00 in the address names no item; PostgreSQL refuses it
        return None
    materials = Prefetch("materials", queryset=ServiceItemMaterial.objects.order_by("order", "id"))
    return (
        ServiceItem.objects.published()
        .select_related("department", "window")
        .prefetch_related(materials)
        .filter(code=code)
        .first()
    )


def guide_departments():
    return Department.objects.filter(is_active=True, items__is_published=True).distinct()
