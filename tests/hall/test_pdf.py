"""PDFs print Chinese (R-ITEM-1: the public service guide); a hall without a CJK font says so."""

import io
from unittest import mock

import pytest
from django.core import checks
from django.utils import timezone
from pypdf import PdfReader

from hall import pdf
from hall.checks import cjk_font_installed
from tests.factories import MaterialFactory, ServiceItemFactory


@pytest.fixture
def fresh_font_cache():
    """cjk_font_families is cached for the process: start and end each test with a clean cache."""
    pdf.cjk_font_families.cache_clear()
    yield
    pdf.cjk_font_families.cache_clear()


@pytest.fixture(scope="module")
def guide_text(django_db_setup, django_db_blocker):
    """The text of the real service guide PDF, rendered once for the module (WeasyPrint is slow)."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            item = ServiceItemFactory(name="不动产登记资料查询", code="T-PDF-1")
            MaterialFactory(item=item, name="不动产权属证书")
            content = pdf.render_pdf(
                "windows/pdf/guide.html", {"item": item, "printed_at": timezone.now()}
            )
            transaction.set_rollback(True)
    reader = PdfReader(io.BytesIO(content))
    return content, "".join(page.extract_text() for page in reader.pages)


def test_render_pdf_makes_a_pdf(guide_text):
    content, _ = guide_text
    assert content.startswith(b"%PDF-")


def test_the_guide_pdf_prints_the_chinese_item_name(guide_text):
    # R-ITEM-1: the guide is readable, glyphs not boxes (text extracts as the characters).
    _, text = guide_text
    assert "不动产登记资料查询" in text
    assert "不动产登记" in text
    assert "不动产权属证书" in text
    assert "\ufffd" not in text


def test_the_pdf_embeds_a_cjk_font(guide_text):
    content, _ = guide_text
    reader = PdfReader(io.BytesIO(content))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    # every run of text, Chinese included, is set in the Noto CJK face, none in a fallback
    assert fonts
    assert all("Noto-Sans-CJK-SC" in name for name in fonts), fonts


def test_this_machine_has_a_cjk_font(fresh_font_cache):
    families = pdf.cjk_font_families()
    assert families
    assert any("CJK" in family for family in families)


def test_no_fc_list_means_no_cjk_font(fresh_font_cache):
    with mock.patch("hall.pdf.shutil.which", return_value=None):
        assert pdf.cjk_font_families() == ()


def test_the_font_check_is_silent_when_fonts_exist(fresh_font_cache):
    assert cjk_font_installed() == []
    assert [m for m in checks.run_checks() if m.id == "hall.W001"] == []


def test_the_font_check_warns_when_no_cjk_font_is_installed():
    with mock.patch("hall.checks.cjk_font_families", return_value=()):
        messages = cjk_font_installed()
        registered = [m for m in checks.run_checks() if m.id == "hall.W001"]

    assert [m.id for m in messages] == ["hall.W001"]
    assert messages[0].level == checks.WARNING
    assert len(registered) == 1  # the check is registered, not only defined
