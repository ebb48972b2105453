"""Restore a hall_backup archive into a fresh, empty database and MEDIA_ROOT."""

import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from hall import backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by hall_backup into the configured database, which "
        "must be empty, and its files into MEDIA_ROOT; then check both against the "
        "archive's manifest. --force replaces a database that has tables and overwrites "
        "differing files."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The .tar.gz written by hall_backup.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the contents of a database that is not empty, overwrite differing "
            "media files.",
        )

    def handle(self, *args, archive: Path, force: bool = False, **options):
        archive = archive.resolve()
        try:
            with tempfile.TemporaryDirectory(prefix="hall-restore-") as work:
                opened = backup.archive_open(archive, Path(work))
                obstacles = backup.restore_obstacles(opened, force=force)
                if obstacles:
                    raise CommandError("\n".join([_("Nothing was restored:"), *obstacles]))
                report = backup.restore(opened, force=force)
        except backup.BackupError as e:
            raise CommandError(str(e)) from e
        manifest = opened.manifest
        write = self.stdout.write
        write(
            _("Restored %(path)s, made %(made)s from %(vendor)s.")
            % {
                "path": archive,
                "made": manifest["created_at"],
                "vendor": manifest["database"]["vendor"],
            }
        )
        write(
            _(
                "Database: tables %(tables)s, rows %(rows)s, of which history rows %(history)s "
                "(in %(history_tables)s history tables)."
            )
            % {
                "tables": report.tables,
                "rows": report.rows,
                "history": report.history_rows,
                "history_tables": report.history_tables,
            }
        )
        for table, count in report.key_rows.items():
            write(f"  {table}: {count}")
        write(
            _(
                "Media files: %(count)s (%(size)s) in %(root)s, of which already there: "
                "%(unchanged)s."
            )
            % {
                "count": report.media_written + report.media_unchanged,
                "size": filesizeformat(report.media_bytes),
                "root": settings.MEDIA_ROOT,
                "unchanged": report.media_unchanged,
            }
        )
        write(
            self.style.SUCCESS(
                _("Checked: every table's row count and every file's sha256 match the manifest.")
            )
        )
        if report.leftover_tables:
            write(
                self.style.WARNING(
                    _("Tables not in the archive were left as they were: %(tables)s")
                    % {"tables": ", ".join(report.leftover_tables)}
                )
            )
        if report.pending_migrations:
            write(
                self.style.WARNING(
                    _(
                        "The archive is older than this version (pending migrations: "
                        "%(count)s): run python manage.py migrate."
                    )
                    % {"count": report.pending_migrations}
                )
            )
