"""A hall without Chinese fonts says so; an oversized upload is refused with both sizes."""

import logging

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hall.validators import validate_upload_size
from tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_cjk_font(monkeypatch):
    monkeypatch.setattr("hall.templatetags.hall_status.cjk_font_families", lambda: ())
    monkeypatch.setattr("hall.pdf.cjk_font_families", lambda: ())


def test_the_admin_home_says_when_no_chinese_font_is_installed(admin_client, no_cjk_font):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert 'data-testid="no-cjk-font"' in page
    assert "PDFs would print boxes" in page


def test_the_admin_home_names_the_installed_chinese_font(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert 'data-testid="no-cjk-font"' not in page
    assert settings.HALL_PDF_FONT_FAMILY in page


def test_rendering_a_pdf_without_a_chinese_font_says_so_in_the_log(no_cjk_font, caplog, hall):
    from hall.pdf import render_pdf

    item = MaterialFactory().item
    with caplog.at_level(logging.ERROR, logger="hall.pdf"):
        render_pdf("windows/pdf/guide.html", {"item": item, "printed_at": None})
    assert "No CJK font installed" in caplog.text


def test_an_upload_above_the_limit_is_refused_naming_both_sizes(settings):
    settings.HALL_UPLOAD_MAX_BYTES = 1024
    upload = SimpleUploadedFile("sample.pdf", b"%PDF-" + b"x" * 2048)
    with pytest.raises(ValidationError) as exc:
        validate_upload_size(upload)
    assert "2.0" in exc.value.messages[0] and "1.0" in exc.value.messages[0]


def test_a_sample_form_of_the_wrong_type_or_size_is_refused_in_the_admin(admin_client, settings):
    # Nothing is saved: the item's material keeps no file.
    settings.HALL_UPLOAD_MAX_BYTES = 1024
    material = MaterialFactory()
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("admin:windows_serviceitemmaterial_change", args=[material.pk])
    data = {
        "item": material.item.pk,
        "name": material.name,
        "form": "original",
        "copies": 1,
        "note": "",
        "order": 0,
    }
    too_big = admin_client.post(
        url, {**data, "sample_file": SimpleUploadedFile("big.pdf", b"x" * 4096)}
    )
    wrong_type = admin_client.post(
        url, {**data, "sample_file": SimpleUploadedFile("run.exe", b"MZ")}
    )
    assert too_big.status_code == 200 and "the largest accepted is" in too_big.content.decode()
    assert wrong_type.status_code == 200 and "not allowed" in wrong_type.content.decode()
    material.refresh_from_db()
    assert not material.sample_file
