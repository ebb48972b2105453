"""Benchmark: a service-guide PDF with Chinese glyphs, HarfBuzz subsetting vs fontTools.

Issue 2 says `libharfbuzz-subset0` makes WeasyPrint about ten times faster. This
renders the same real guide (from the demo hall, in a scratch SQLite database)
with WeasyPrint's HarfBuzz subsetter and, as the baseline in the same run, with
its fontTools fallback, and prints both and the ratio.

    .venv/bin/python bench/pdf_guide.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="hall-bench-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_DEBUG="true",
        DJANGO_SECRET_KEY="bench-only",
        DATABASE_URL=f"sqlite:///{scratch}/bench.sqlite3",
        DJANGO_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115

    import weasyprint.pdf.fonts as wp_fonts
    from django.utils import timezone, translation

    from hall.pdf import render_pdf
    from windows.selectors import guide_item

    item = guide_item("BDC-003")
    context = {"item": item, "printed_at": timezone.now()}

    def measure(label: str) -> float:
        times = []
        size = 0
        for _ in range(args.runs):
            started = time.perf_counter()
            with translation.override("zh-hans"):
                pdf = render_pdf("windows/pdf/guide.html", context)
            times.append(time.perf_counter() - started)
            size = len(pdf)
        median = statistics.median(times)
        print(
            f"{label:<34} median {median * 1000:8.0f} ms"
            f"   ({args.runs} runs, {size / 1024:.0f} KiB)"
        )
        return median

    if wp_fonts.harfbuzz_subset is None:
        print("libharfbuzz-subset0 is not installed: run scripts/setup-system")
        sys.exit(1)
    render_pdf("windows/pdf/guide.html", context)  # warm up fontconfig and Pango
    fast = measure("HarfBuzz subsetting (ours)")
    saved = wp_fonts.harfbuzz_subset
    wp_fonts.harfbuzz_subset = None  # WeasyPrint falls back to fontTools
    try:
        slow = measure("fontTools subsetting (baseline)")
    finally:
        wp_fonts.harfbuzz_subset = saved
    print(f"speed-up: {slow / fast:.1f}x")


if __name__ == "__main__":
    main()
