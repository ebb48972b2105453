"""The complaints register as an Excel workbook."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from .services import shown_contact


def complaints_xlsx(user, complaints) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Complaints")
    headers = [
        _("Number"),
        _("Received"),
        _("Channel"),
        _("Complainant"),
        _("Phone"),
        _("Address"),
        _("Window"),
        _("Staff member"),
        _("Status"),
        _("Conclusion"),
        _("Repeat of"),
        _("Escalated"),
    ]
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for c in complaints:
        contact = shown_contact(user, c)  # R-COMP-4: masked unless the reader may see it
        sheet.append(
            [
                c.number,
                timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"),
                str(c.get_channel_display()),
                contact["name"],
                contact["phone"],
                contact["address"],
                c.window.number if c.window_id else "",
                c.staff_member.name if c.staff_member_id else "",
                str(c.get_status_display()),
                str(c.get_outcome_display()) if c.outcome else "",
                c.repeat_of.number if c.repeat_of_id else "",
                _("yes") if c.escalated else "",
            ]
        )
    for column, width in zip(
        "ABCDEFGHIJKL", (14, 17, 12, 10, 13, 24, 8, 10, 14, 8, 14, 6), strict=True
    ):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
