"""List, and with --recompute recompute, results computed on a provisional calendar (N-4)."""

from django.core.management.base import BaseCommand

from hall import provisional
from hall.models import CalendarYear


class Command(BaseCommand):
    help = (
        "List deadlines computed while their year's holiday schedule was not loaded; "
        "--recompute fixes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--recompute", action="store_true", help="Recompute them now.")

    def handle(self, *args, recompute: bool = False, **options):
        years = sorted(CalendarYear.objects.values_list("year", flat=True))
        if years:
            self.stdout.write(f"Loaded years: {years[0]}–{years[-1]} ({len(years)} in all)")
        pending = provisional.pending_results()
        total = sum(len(items) for items in pending.values())
        for label, items in pending.items():
            source = next(s for s in provisional.sources() if s.label == label)
            self.stdout.write(f"{label}: {len(items)} provisional")
            for item in items[:50]:
                self.stdout.write(f"  {source.describe(item)}")
            if len(items) > 50:
                self.stdout.write(f"  … and {len(items) - 50} more")
        if not total:
            self.stdout.write("No provisional result.")
        if recompute:
            for report in provisional.recompute_all():
                self.stdout.write(
                    f"{report.label}: recomputed {report.recomputed}, "
                    f"still provisional {report.still_provisional}"
                )
