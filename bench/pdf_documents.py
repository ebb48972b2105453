"""Benchmark: each case document as a PDF through the real view, as a clerk gets it.

Issue 3 asks that a single-page document takes well under a second in the request.
This makes one case of each situation in a scratch SQLite database (through the
real services), then requests each of the nine documents' PDF through Django's
test client as the demo clerk, and prints the median per document. The baseline,
in the same run, is the same requests with WeasyPrint's fontTools subsetting
(what a machine without libharfbuzz-subset0 would do).

    .venv/bin/python bench/pdf_documents.py [--runs 5] [--no-baseline]
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
    parser.add_argument("--no-baseline", action="store_true")
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
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115

    import weasyprint.pdf.fonts as wp_fonts
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from cases import services
    from cases.models import Case, Notice
    from staff.models import StaffMember

    clerk = get_user_model().objects.get(username="clerk")
    head = get_user_model().objects.get(username="windowhead")
    window = StaffMember.objects.get(user=clerk).window
    item = (
        window.items.filter(kind="promised").first()
        or window.department.items.filter(kind="promised").first()
    )
    now = timezone.now()
    applicant = services.ApplicantInput(
        kind="person",
        name="张三",
        id_type="resident_id",
        id_number="11010519491231002X",
        phone="13812345678",
    )

    def materials(missing_first=False):
        return [
            services.MaterialInput(
                name=m.name,
                item_material_id=m.pk,
                received=not (missing_first and i == 0),
                pages=3,
                missing_reason="缺少签字" if missing_first and i == 0 else "",
            )
            for i, m in enumerate(item.materials.all())
        ]

    def intake(kind, **kw):
        return services.case_intake(
            actor=clerk, window=window, item=item, kind=kind, applicant=applicant, now=now, **kw
        )

    intake("consultation", materials=materials())
    intake("supplement", materials=materials(missing_first=True))
    intake("returned", materials=materials(), returned_reasons="不属于本中心受理范围")
    case = intake("accepted", materials=materials())
    services.suspension_start(case=case, actor=clerk, now=now, reason="expert")
    services.suspension_end(case=case, actor=clerk, now=now)
    extension = services.extension_request(
        case=case, actor=clerk, now=now, days=5, reason="需要现场核查"
    )
    services.extension_decide(extension=extension, actor=head, now=now, approve=True)
    services.case_refuse(
        case=case,
        actor=clerk,
        now=now,
        reason="unlawful",
        detail="经营场所不符合要求",
        clerk_post="综合受理岗",
        clerk_phone="13900001111",
    )

    notices = {}
    for notice in Notice.objects.filter(case__window=window, case__created_by=clerk).order_by(
        "-id"
    ):
        notices.setdefault(notice.kind, notice)
    client = Client()
    client.force_login(clerk)

    def request(notice) -> float:
        url = reverse("cases:document_pdf", args=[notice.case.number, notice.pk])
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200 and response.content[:5] == b"%PDF-"
        return elapsed

    def measure(label: str) -> dict[str, float]:
        medians = {}
        for kind in Notice.Kind.values:
            notice = notices[kind]
            medians[kind] = statistics.median(request(notice) for _ in range(args.runs))
        worst = max(medians.values())
        print(f"{label}: worst median {worst * 1000:.0f} ms")
        return medians

    request(notices["receipt"])  # warm-up: fontconfig, Pango, templates
    ours = measure("HarfBuzz subsetting (ours)")
    base = None
    if not args.no_baseline:
        saved, wp_fonts.harfbuzz_subset = wp_fonts.harfbuzz_subset, None
        try:
            base = measure("fontTools subsetting (baseline)")
        finally:
            wp_fonts.harfbuzz_subset = saved
    print(f"\n{'document':<18}{'ours (ms)':>12}{'baseline (ms)':>16}")
    for kind in Notice.Kind.values:
        line = f"{kind:<18}{ours[kind] * 1000:>12.0f}"
        if base:
            line += f"{base[kind] * 1000:>16.0f}"
        print(line)
    print(f"\n{Case.objects.count()} cases in the scratch database; {args.runs} runs each.")


if __name__ == "__main__":
    main()
