"""Every document as a page and a PDF: Chinese glyphs, A4, the hall's name, the case
number and a QR code of the tracking page (R-CASE-1..5, N-1).

Each document comes from the real situation, made through the services.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import urllib.parse
import zoneinfo

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from cases import documents
from cases.documents import document_context, qr_svg_data_uri, render_document_pdf, tracking_url
from cases.models import Case, Notice
from cases.services import (
    ApplicantInput,
    MaterialInput,
    case_intake,
    case_refuse,
    extension_decide,
    extension_request,
    supplement_notice_issue,
    suspension_start,
)
from tests.factories import MaterialFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 9, 28, 10, 0, tzinfo=SHANGHAI)
ID_NUMBER = "11010519491231002X"
MASKED_ID = "1101**********002X"
MOBILE = "13812345678"
MASKED_MOBILE = "138****5678"
K = Notice.Kind

TITLES_ZH = {
    K.ONE_TIME: "一次性告知书",
    K.SUPPLEMENT: "补正材料通知书",
    K.RETURN: "退回通知书",
    K.ACCEPTANCE: "受理通知书",
    K.RECEIPT: "收件回执",
    K.SUSPENSION: "暂停计时告知书",
    K.EXTENSION: "延期办理告知书",
    K.REJECTION: "不予许可决定书",
    K.REJECTION_FILING: "否定报备表",
}


# -- the situations, through the services ---------------------------------------------


def applicant() -> ApplicantInput:
    return ApplicantInput(
        kind="person", name="张三", id_type="resident_id", id_number=ID_NUMBER, phone=MOBILE
    )


def make_item(department):
    item = ServiceItemFactory(
        name="食品经营许可", department=department, statutory_limit_days=20, promised_limit_days=5
    )
    first = MaterialFactory(item=item, name="食品经营许可申请书", note="加盖公章")
    second = MaterialFactory(item=item, name="营业执照复印件")
    return item, first, second


def intake(clerk, window, item, kind, materials=(), **kwargs) -> Case:
    return case_intake(
        actor=clerk,
        window=window,
        item=item,
        kind=kind,
        applicant=applicant(),
        materials=list(materials),
        now=NOW,
        **kwargs,
    )


def accepted(clerk, window, item, first, second) -> Case:
    return intake(
        clerk,
        window,
        item,
        Case.Kind.ACCEPTED,
        [
            MaterialInput(first.name, first.pk, received=True, pages=3),
            MaterialInput(second.name, second.pk, received=True, pages=12),
        ],
    )


def make_notice(kind: str, *, window, clerk, window_head) -> Notice:
    """The real situation that gives a notice of `kind`, made through the services."""
    item, first, second = make_item(window.department)
    later = NOW + dt.timedelta(days=1)
    if kind == K.ONE_TIME:
        case = intake(clerk, window, item, Case.Kind.CONSULTATION)
    elif kind == K.SUPPLEMENT:
        case = intake(
            clerk,
            window,
            item,
            Case.Kind.SUPPLEMENT,
            [
                MaterialInput(first.name, first.pk, received=True, pages=3),
                MaterialInput(
                    second.name, second.pk, missing_reason="复印件须加盖公章并注明与原件一致"
                ),
            ],
        )
    elif kind == K.RETURN:
        case = intake(
            clerk,
            window,
            item,
            Case.Kind.RETURNED,
            returned_reasons="申请事项不属于本机关职权范围，请向县卫生健康局申请。",
        )
    elif kind in (K.ACCEPTANCE, K.RECEIPT):
        case = accepted(clerk, window, item, first, second)
    elif kind == K.SUSPENSION:
        case = accepted(clerk, window, item, first, second)
        suspension_start(
            case=case, actor=clerk, now=later, reason="expert", detail="组织专家现场评审"
        )
    elif kind == K.EXTENSION:
        case = accepted(clerk, window, item, first, second)
        extension = extension_request(
            case=case, actor=clerk, now=later, days=10, reason="需现场核查经营场所，无法按期办结"
        )
        extension_decide(extension=extension, actor=window_head, now=later, approve=True)
    elif kind in (K.REJECTION, K.REJECTION_FILING):
        case = accepted(clerk, window, item, first, second)
        case_refuse(
            case=case,
            actor=clerk,
            now=later,
            reason="unlawful",
            detail="经营场所位于居民住宅内，不符合《食品经营许可管理办法》第十一条规定。",
            clerk_post="综合受理岗",
            clerk_phone="13900001111",
        )
    else:  # pragma: no cover
        raise AssertionError(kind)
    return case.notices.filter(kind=kind).latest("issued_at", "id")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), squash("".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def rf_request():
    return RequestFactory().get("/")


@pytest.fixture
def notice_of(hall, clerk, window_head):
    def make(kind):
        return make_notice(kind, window=hall.window, clerk=clerk, window_head=window_head)

    return make


# -- every document: title, number, masked identity, one A4 page, fast ------------------


@pytest.mark.parametrize("kind", list(TITLES_ZH))
def test_each_document_prints_its_title_number_and_masked_id_on_one_fast_a4_page(
    kind, notice_of, rf_request
):
    notice = notice_of(kind)
    render_document_pdf(notice, request=rf_request)  # warm-up (fonts, templates)
    started = time.perf_counter()
    content = render_document_pdf(notice, request=rf_request)
    elapsed = time.perf_counter() - started

    assert content.startswith(b"%PDF-")
    pages, text = pdf_text(content)
    assert pages == 1
    assert TITLES_ZH[kind] in text
    assert settings.HALL_NAME in text
    assert notice.case.number in text
    assert "扫码查询办理进度" in text
    assert ID_NUMBER not in text
    assert MOBILE not in text
    if kind not in (K.ONE_TIME, K.REJECTION_FILING):
        # A consultation's notice and the filing form name the applicant without the ID.
        assert MASKED_ID in text
    assert "\ufffd" not in text
    # Issue: "well under a second" for a single page.
    assert elapsed < 1.0, f"{kind}: {elapsed:.3f} s"

    box = PdfReader(io.BytesIO(content)).pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (
        210,
        297,
    )


def test_the_one_time_notice_tells_everything_the_item_needs(notice_of, rf_request):
    # R-CASE-3: materials, basis, conditions, process, time limit, fees.
    notice = notice_of(K.ONE_TIME)
    _, text = pdf_text(render_document_pdf(notice, request=rf_request))
    for value in ("食品经营许可申请书", "营业执照复印件", "加盖公章", "行政许可法", "第四十二条"):
        assert value in text
    assert squash("申请人材料齐全、符合法定形式。") in text
    assert "申请—受理—审核—办结" in text
    assert "不收费" in text
    assert "20" in text and "5" in text
    assert notice.case.tracking_code not in text


def test_the_supplement_notice_lists_each_missing_material_with_the_reason(notice_of, rf_request):
    notice = notice_of(K.SUPPLEMENT)
    _, text = pdf_text(render_document_pdf(notice, request=rf_request))
    assert "营业执照复印件" in text
    assert "复印件须加盖公章并注明与原件一致" in text


def test_a_second_supplement_notice_prints_its_own_missing_list(hall, clerk, rf_request):
    item, first, second = make_item(hall.department)
    case = intake(
        clerk,
        hall.window,
        item,
        Case.Kind.SUPPLEMENT,
        [
            MaterialInput(first.name, first.pk, received=True, pages=3),
            MaterialInput(second.name, second.pk, missing_reason="须加盖公章"),
        ],
    )
    notice = supplement_notice_issue(
        case=case,
        actor=clerk,
        now=NOW + dt.timedelta(days=1),
        missing=[MaterialInput("授权委托书", None, missing_reason="由代理人办理的须提交")],
    )
    _, text = pdf_text(render_document_pdf(notice, request=rf_request))
    assert "补正材料通知书" in text
    assert "授权委托书" in text
    assert "由代理人办理的须提交" in text


def test_the_return_notice_gives_the_reasons(notice_of, rf_request):
    notice = notice_of(K.RETURN)
    _, text = pdf_text(render_document_pdf(notice, request=rf_request))
    assert "申请事项不属于本机关职权范围" in text
    assert squash(str(documents.REMEDY_SENTENCE)) in text


def test_the_acceptance_notice_gives_the_dates_and_says_they_are_provisional(notice_of, rf_request):
    notice = notice_of(K.ACCEPTANCE)
    case = notice.case
    context = document_context(notice, tracking_url="http://testserver/track/?number=x")
    assert context["body"]["promised_due"] == case.promised_due
    assert context["body"]["statutory_due"] == case.statutory_due
    _, text = pdf_text(render_document_pdf(notice, request=rf_request))
    for day in (case.accepted_on, case.promised_due, case.statutory_due):
        assert f"{day.year}年{day.month}月{day.day}日" in text
    provisional = squash(
        translation.gettext(
            "The due dates are provisional: they lie beyond the published holiday schedule "
            "and are confirmed when next year's schedule is published."
        )
    )
    assert (provisional in text) is bool(notice.body["provisional"])

    # Dates beyond the loaded holiday schedule are marked provisional on the notice.
    notice.body = {**notice.body, "provisional": True}
    _, text = pdf_text(render_document_pdf(notice, request=rf_request))
    assert provisional in text


def test_the_receipt_lists_each_material_with_its_pages_and_the_tracking_code(
    notice_of, rf_request
):
    # R-CASE-2: each material with its page count, the pickup date; and the tracking code.
    notice = notice_of(K.RECEIPT)
    case = notice.case
    _, text = pdf_text(render_document_pdf(notice, request=rf_request))
    assert "食品经营许可申请书3" in text
    assert "营业执照复印件12" in text
    assert "15" in text  # the total
    assert case.tracking_code in text
    assert MASKED_MOBILE in text
    pickup = case.promised_due
    assert f"{pickup.year}年{pickup.month}月{pickup.day}日" in text


def test_the_suspension_notice_gives_the_reason_and_the_start(notice_of, rf_request):
    notice = notice_of(K.SUSPENSION)
    _, text = pdf_text(render_document_pdf(notice, request=rf_request))
    assert squash(notice.body["reason"]) in text
    assert "组织专家现场评审" in text
    assert "2026年9月29日" in text


def test_the_extension_notice_gives_days_reason_and_new_dates(notice_of, rf_request):
    notice = notice_of(K.EXTENSION)
    case = notice.case
    _, text = pdf_text(render_document_pdf(notice, request=rf_request))
    assert "需现场核查经营场所，无法按期办结" in text
    assert "10" in text
    for day in (case.promised_due, case.statutory_due):
        assert f"{day.year}年{day.month}月{day.day}日" in text


def test_the_rejection_decision_gives_reason_detail_and_the_right_to_review(notice_of, rf_request):
    notice = notice_of(K.REJECTION)
    _, text = pdf_text(render_document_pdf(notice, request=rf_request))
    assert squash(notice.body["reason"]) in text
    assert "经营场所位于居民住宅内" in text
    assert squash(str(documents.REMEDY_SENTENCE)) in text


def test_the_rejection_filing_form_records_clerk_applicant_and_review_due(notice_of, rf_request):
    # R-CASE-4: one of six reasons, clerk (name, post, phone), applicant, review due.
    notice = notice_of(K.REJECTION_FILING)
    filing = notice.case.rejection_filing
    _, text = pdf_text(render_document_pdf(notice, request=rf_request))
    for value in ("王小明", "综合受理岗", "13900001111", "张三", MASKED_MOBILE):
        assert value in text
    due = filing.review_due
    assert f"{due.year}年{due.month}月{due.day}日" in text
    assert text.count("■") == 1 and text.count("□") == 5

    # Printed for someone who may see the applicant's data in full, the phone is whole.
    full = render_document_pdf(notice, request=rf_request, full_identity=True)
    assert MOBILE in pdf_text(full)[1]


@pytest.mark.parametrize("kind", [K.RETURN, K.REJECTION])
def test_the_right_to_review_or_lawsuit_is_stated(kind, notice_of, rf_request):
    # R-CASE-4, S1 六(六): the applicant is told of the right to review or lawsuit.
    notice = notice_of(kind)
    with translation.override("en"):
        _, text = pdf_text(render_document_pdf(notice, request=rf_request))
    assert squash("administrative review") in text
    assert squash("within 60 days") in text
    assert squash("administrative lawsuit") in text
    assert squash("within 6 months") in text
    assert TITLES_ZH[kind] in text  # the official title stays Chinese


@pytest.mark.parametrize("kind", [K.RETURN, K.REJECTION])
def test_in_chinese_the_right_reads_行政复议(kind, notice_of, rf_request):
    with translation.override("zh-hans"):
        if translation.gettext(documents.REMEDY_MSGID) == documents.REMEDY_MSGID:
            pytest.skip("the zh_Hans catalog does not translate the remedy sentence yet")
        _, text = pdf_text(render_document_pdf(notice_of(kind), request=rf_request))
    assert "行政复议" in text
    assert "行政诉讼" in text


# -- the QR code and the tracking URL ------------------------------------------------


def test_the_qr_code_is_an_svg_data_uri():
    uri = qr_svg_data_uri("http://testserver/track/?number=2026-A01-000001")
    assert uri.startswith("data:image/svg+xml")
    svg = urllib.parse.unquote(uri.split(",", 1)[1])
    assert "<svg" in svg
    assert svg.rstrip().endswith("</svg>")


def test_the_tracking_url_is_absolute_with_the_number(hall, clerk, rf_request):
    item, _first, _second = make_item(hall.department)
    case = intake(clerk, hall.window, item, Case.Kind.CONSULTATION)
    url = tracking_url(rf_request, case, path="/track/")
    assert url == f"http://testserver/track/?number={case.number}"


def test_the_context_masks_identity_and_converts_dates(notice_of):
    notice = notice_of(K.RECEIPT)
    context = document_context(notice, tracking_url="http://testserver/track/?number=1")
    assert context["applicant_id"] == MASKED_ID
    assert context["applicant_phone"] == MASKED_MOBILE
    assert context["title_zh"] == "收件回执"
    assert str(context["title"])
    assert context["hall_name"] == settings.HALL_NAME
    assert isinstance(context["body"]["pickup_on"], dt.date)
    assert context["materials"] == [
        {"name": "食品经营许可申请书", "pages": 3},
        {"name": "营业执照复印件", "pages": 12},
    ]
    assert context["total_pages"] == 15
    assert context["qr"].startswith("data:image/svg+xml")


# -- the web page --------------------------------------------------------------------


def test_the_web_page_shows_the_same_document_with_print_and_back_links(notice_of, rf_request):
    notice = notice_of(K.RECEIPT)
    case = notice.case
    rf_request.user = case.created_by
    context = document_context(notice, tracking_url=tracking_url(rf_request, case, "/track/"))
    html = render_to_string(
        "cases/document_page.html",
        {**context, "pdf_url": "/documents/1.pdf"},
        request=rf_request,
    )
    assert "收件回执" in html
    assert case.number in html
    assert 'href="/documents/1.pdf"' in html
    assert f'href="{case.get_absolute_url()}"' in html
    assert 'src="data:image/svg+xml' in html
    assert "table table-sm table-bordered" in html
    assert case.tracking_code in html
    assert MASKED_ID in html
    assert ID_NUMBER not in html


def test_the_clerk_opens_a_document_as_a_page_and_as_a_pdf(client, clerk, notice_of):
    notice = notice_of(K.ACCEPTANCE)
    client.force_login(clerk)
    page = client.get(reverse("cases:document", args=[notice.case.number, notice.pk]))
    assert page.status_code == 200
    assert "受理通知书" in page.text
    pdf_url = reverse("cases:document_pdf", args=[notice.case.number, notice.pk])
    assert f'href="{pdf_url}"' in page.text
    response = client.get(pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    _, text = pdf_text(response.content)
    assert "受理通知书" in text
    assert notice.case.number in text
