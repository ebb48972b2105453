"""System checks: a hall that would print boxes instead of Chinese says so."""

from django.core.checks import Warning, register

from .pdf import cjk_font_families


@register()
def cjk_font_installed(app_configs=None, **kwargs):
    if cjk_font_families():
        return []
    return [
        Warning(
            "No CJK font is installed: PDFs would show boxes instead of Chinese.",
            hint="Run scripts/setup-system (installs fonts-noto-cjk).",
            id="hall.W001",
        )
    ]
