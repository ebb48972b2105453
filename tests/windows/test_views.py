"""The public service guide (办事指南): free, no login (R-ITEM-1)."""

import io

import pypdf
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.cache import has_vary_header

from tests.factories import DepartmentFactory, MaterialFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item():
    land = DepartmentFactory(code="ZR", name="县自然资源局", phone="0745-3220000")
    item = ServiceItemFactory(
        code="ZR-001",
        name="不动产登记资料查询",
        department=land,
        legal_basis="《不动产登记资料查询暂行办法》第十条",
        statutory_limit_days=20,
        promised_limit_days=5,
        preconditions="权利人或利害关系人持有效身份证明。",
        process="申请—受理—查询—出具查询结果",
        fee_basis="《不动产登记收费标准》",
        fee_standard="免费查询",
    )
    MaterialFactory(item=item, name="不动产登记资料查询申请书", order=1)
    MaterialFactory(item=item, name="申请人身份证明", order=2)
    return item


@pytest.fixture
def unrelated():
    police = DepartmentFactory(code="GA", name="县公安局")
    return ServiceItemFactory(code="GA-001", name="居民身份证换领", department=police)


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def guide_list_url() -> str:
    return reverse("windows:guide_list")


def test_anyone_can_read_the_guide_without_logging_in(client, item, unrelated):
    # R-ITEM-1: the guide is public.
    response = client.get(guide_list_url())
    assert response.status_code == 200
    assert "不动产登记资料查询" in response.text
    assert "居民身份证换领" in response.text


def test_the_guide_search_by_pinyin_initials_shows_only_matching_items(client, item, unrelated):
    response = client.get(guide_list_url(), {"q": "bdc"})
    assert response.status_code == 200
    assert "不动产登记资料查询" in response.text
    assert "居民身份证换领" not in response.text


def test_the_guide_filters_by_department(client, item, unrelated):
    response = client.get(guide_list_url(), {"department": "GA"})
    assert "居民身份证换领" in response.text
    assert item.get_absolute_url() not in response.text


def test_an_htmx_search_returns_only_the_results_partial(client, item, unrelated):
    response = client.get(guide_list_url(), {"q": "bdc"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'data-testid="guide-item"' in response.text
    assert "不动产登记资料查询" in response.text
    assert "居民身份证换领" not in response.text


def test_a_history_restore_request_gets_the_whole_page(client, item):
    response = client.get(
        guide_list_url(),
        {"q": "bdc"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.text
    assert 'id="guide-q"' in response.text


@pytest.mark.parametrize("htmx", [True, False])
def test_the_guide_list_varies_on_the_htmx_header(client, item, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(guide_list_url(), {"q": "bdc"}, headers=headers)
    assert has_vary_header(response, "HX-Request")


def test_a_full_page_search_returns_the_whole_page(client, item):
    response = client.get(guide_list_url(), {"q": "bdc"})
    assert "<html" in response.text
    assert 'id="guide-results"' in response.text


def test_the_guide_refuses_a_post(client, item):
    response = client.post(guide_list_url(), {"q": "bdc"})
    assert response.status_code == 405


def test_the_detail_page_shows_the_items_data_and_materials(client, item):
    # R-ITEM-1: the eight elements, here by their data (labels are translated).
    response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    for text in [
        "不动产登记资料查询",
        "《不动产登记资料查询暂行办法》第十条",
        "权利人或利害关系人持有效身份证明。",
        "申请—受理—查询—出具查询结果",
        "《不动产登记收费标准》",
        "免费查询",
        "不动产登记资料查询申请书",
        "申请人身份证明",
        "县自然资源局",
        reverse("windows:guide_pdf", args=["ZR-001"]),
    ]:
        assert text in response.text, text


def test_the_detail_page_names_all_eight_elements(english, item):
    # R-ITEM-1: name, legal basis, time limit, preconditions, process, materials, fee basis
    # and fee standard.
    response = english.get(item.get_absolute_url())
    assert response.status_code == 200
    for label in [
        "1. Name",
        "2. Legal basis",
        "3. Time limit",
        "4. Preconditions",
        "5. Process",
        "6. Required materials",
        "7. Fee basis",
        "8. Fee standard",
    ]:
        assert label in response.text, label
    assert "Statutory: 20 working days" in response.text
    assert "promised: 5 working days" in response.text
    assert "不动产登记资料查询申请书" in response.text


def test_an_unknown_code_is_not_found(client, item):
    assert client.get(reverse("windows:guide_detail", args=["NO-SUCH"])).status_code == 404
    assert client.get(reverse("windows:guide_pdf", args=["NO-SUCH"])).status_code == 404


def test_an_unpublished_item_is_not_found(client, item):
    # R-ITEM-1: only published items are public.
    item.is_published = False
    item.save()
    assert client.get(item.get_absolute_url()).status_code == 404
    assert client.get(reverse("windows:guide_pdf", args=[item.code])).status_code == 404
    assert "不动产登记资料查询" not in client.get(guide_list_url()).text


def test_an_item_of_an_inactive_department_is_not_found(client, item):
    item.department.is_active = False
    item.department.save()
    assert client.get(item.get_absolute_url()).status_code == 404


def test_the_guide_downloads_as_a_pdf_with_the_items_name_and_materials(client, item):
    # R-ITEM-1: the guide as a printable PDF, free of charge.
    response = client.get(reverse("windows:guide_pdf", args=[item.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "")
    assert "不动产登记资料查询" in text
    assert "申请人身份证明" in text


def test_the_guide_speaks_english_when_english_is_chosen(english, item):
    response = english.get(guide_list_url())
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert "Service guide" in response.text
    assert "Service item" in response.text
    assert "1 item found" in response.text
    # Data stays as entered.
    assert "不动产登记资料查询" in response.text
