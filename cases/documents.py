"""Every document given to the applicant, as a web page and as an A4 PDF (R-CASE-1..5, N-1).

A notice keeps in its JSON `body` what it said when it was given; the documents are
printed from that body, so a reprint says the same as the original. Each document
carries the hall's name, the case number, the issue date and a QR code of the public
tracking page with the case number filled in.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import segno
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from hall.identity import mask_id, mask_phone
from hall.pdf import render_pdf

from .models import Notice, RejectionFiling

K = Notice.Kind

# The title of each document: an English source string for the interface, and the
# official Chinese title the printed form carries whatever the interface language.
TITLES: dict[str, tuple] = {
    K.ONE_TIME: (_("One-time notice"), "一次性告知书"),
    K.SUPPLEMENT: (_("Notice to supplement materials"), "补正材料通知书"),
    K.RETURN: (_("Notice of return"), "退回通知书"),
    K.ACCEPTANCE: (_("Notice of acceptance"), "受理通知书"),
    K.RECEIPT: (_("Receipt of materials"), "收件回执"),
    K.SUSPENSION: (_("Notice of suspension of the time limit"), "暂停计时告知书"),
    K.EXTENSION: (_("Notice of extension"), "延期办理告知书"),
    K.REJECTION: (_("Decision not to grant the application"), "不予许可决定书"),
    K.REJECTION_FILING: (_("Rejection filing form"), "否定报备表"),
}

# R-CASE-4, S1 六(六), S4 四(四): the applicant is told of the right to administrative
# review or an administrative lawsuit (行政复议法 art. 20: 60 days; 行政诉讼法 art. 46:
# 6 months).
REMEDY_MSGID = gettext_noop(
    "If you disagree, you have the right to apply for administrative review according to "
    "law within 60 days of receiving this document, or to file an administrative lawsuit "
    "with the people's court within 6 months."
)
REMEDY_SENTENCE = _(REMEDY_MSGID)

# Body values that are ISO dates: shown as dates, not strings.
_DATE_KEYS = (
    "accepted_on",
    "promised_due",
    "statutory_due",
    "pickup_on",
    "started_on",
    "review_due",
)

QR_SIZE_MM = 28


def qr_svg_data_uri(url: str) -> str:
    """A QR code (never a Micro QR: phones read those badly) of `url` as an SVG data URI."""
    qr = segno.make_qr(url, error="m")
    return qr.svg_data_uri(scale=4, border=2, dark="#000", light="#fff")


TRACKING_PATH_FALLBACK = "/track/"


def tracking_path() -> str:
    """The path of the public tracking page (`cases:track`)."""
    try:
        return reverse("cases:track")
    except NoReverseMatch:
        return TRACKING_PATH_FALLBACK


def tracking_url(request, case, path: str | None = None) -> str:
    """The public tracking page, absolute, with the case number filled in."""
    path = path or tracking_path()
    return request.build_absolute_uri(path) + "?number=" + quote(case.number)


def _as_date(value):
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _body(notice: Notice) -> dict:
    body = dict(notice.body or {})
    for key in _DATE_KEYS:
        if key in body:
            body[key] = _as_date(body[key])
    return body


def _receipt_materials(notice: Notice, body: dict) -> list[dict]:
    """The materials a receipt lists with their pages: as given, or from the case."""
    if "materials" in body and notice.kind == K.RECEIPT:
        materials = body["materials"]
    else:
        materials = [
            {"name": m.name, "pages": m.pages} for m in notice.case.materials.filter(received=True)
        ]
    return [{"name": m.get("name", ""), "pages": m.get("pages") or 0} for m in materials]


def document_context(notice: Notice, *, tracking_url: str, full_identity: bool = False) -> dict:
    """Everything the document templates need.

    Documents handed to the applicant show the ID number and phone masked. The
    rejection filing form is the hall's own record: it shows the applicant's phone in
    full only when `full_identity` (the viewer may see it, cases.access).
    """
    case = notice.case
    title, title_zh = TITLES[notice.kind]
    body = _body(notice)
    context = {
        "notice": notice,
        "case": case,
        "kind": notice.kind,
        "title": title,
        "title_zh": title_zh,
        "hall_name": settings.HALL_NAME,
        "window": case.window,
        "department": case.window.department,
        "item": case.item,
        "issued_on": timezone.localtime(notice.issued_at).date(),
        "issued_by": notice.issued_by.get_full_name() or notice.issued_by.get_username(),
        "body": body,
        "applicant_id": mask_id(case.id_number),
        "applicant_phone": mask_phone(case.phone),
        "tracking_url": tracking_url,
        "qr": qr_svg_data_uri(tracking_url),
        "qr_size_mm": QR_SIZE_MM,
        "remedy_sentence": REMEDY_SENTENCE,
        "received_on": timezone.localtime(case.received_at).date(),
    }
    if notice.kind == K.RECEIPT:
        materials = _receipt_materials(notice, body)
        context["materials"] = materials
        context["total_pages"] = sum(m["pages"] for m in materials)
    if notice.kind == K.REJECTION_FILING:
        filing = RejectionFiling.objects.filter(case=case).first()
        context["filing"] = filing
        context["filing_reasons"] = [
            {"value": value, "label": label, "checked": bool(filing) and filing.reason == value}
            for value, label in RejectionFiling.Reason.choices
        ]
        context["review_days"] = settings.HALL_REJECTION_REVIEW_DAYS
        context["correction_days"] = settings.HALL_REJECTION_CORRECTION_DAYS
        if filing is not None:
            context["filing_applicant_phone"] = (
                filing.applicant_phone if full_identity else mask_phone(filing.applicant_phone)
            )
    return context


def render_document_pdf(
    notice: Notice, *, request, path: str | None = None, full_identity: bool = False
) -> bytes:
    """The notice as an A4 PDF with Chinese glyphs."""
    context = document_context(
        notice,
        tracking_url=tracking_url(request, notice.case, path),
        full_identity=full_identity,
    )
    return render_pdf("cases/pdf/document.html", context, request=request)
