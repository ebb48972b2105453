"""Back up the hall into one archive: database, uploaded files and a manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from hall import backup


class Command(BaseCommand):
    help = (
        "Write the database and every file under MEDIA_ROOT into one tar.gz archive "
        "(default var/backups/hall-YYYYmmdd-HHMMSS.tar.gz); hall_restore reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="The archive to write, or an existing folder to write it into.",
        )

    def handle(self, *args, output: Path | None = None, **options):
        now = timezone.now()
        default = backup.default_output(now)
        if output is None:
            output = default
        elif output.is_dir():
            output = output / default.name
        try:
            manifest = backup.backup_create(output=output.resolve(), now=now)
        except backup.BackupError as e:
            raise CommandError(str(e)) from e
        counts = manifest["row_counts"]
        self.stdout.write(
            _("Backup written: %(path)s (%(size)s)")
            % {"path": output, "size": filesizeformat(output.stat().st_size)}
        )
        self.stdout.write(
            _("Database %(vendor)s: tables %(tables)s, rows %(rows)s; media files %(files)s.")
            % {
                "vendor": manifest["database"]["vendor"],
                "tables": len(counts),
                "rows": sum(counts.values()),
                "files": len(manifest["media"]),
            }
        )
