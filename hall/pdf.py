"""PDFs from templates, with Chinese glyphs (WeasyPrint + Noto CJK).

`libharfbuzz-subset0` lets WeasyPrint subset the large CJK fonts with
HarfBuzz, which is about ten times faster than fontTools; both it and
`fonts-noto-cjk` are installed by scripts/setup-system.
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess

from django.conf import settings
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


@functools.cache
def cjk_font_families() -> tuple[str, ...]:
    """The Chinese-capable font families fontconfig knows (empty when there are none)."""
    if not shutil.which("fc-list"):
        return ()
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh-cn", "family"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    families = {name.strip() for line in out.splitlines() for name in line.split(",")}
    return tuple(sorted(f for f in families if f))


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a template to PDF bytes."""
    from weasyprint import HTML

    if not cjk_font_families():
        logger.error("No CJK font installed: the PDF %s will show boxes.", template_name)
    context = {"pdf_font_family": settings.HALL_PDF_FONT_FAMILY, **context}
    html = render_to_string(template_name, context, request=request)
    base_url = request.build_absolute_uri("/") if request is not None else str(settings.BASE_DIR)
    return HTML(string=html, base_url=base_url).write_pdf()
