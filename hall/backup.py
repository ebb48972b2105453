"""Backing up a hall into one archive, and restoring it (`hall_backup`, `hall_restore`).

The archive is a tar.gz holding:

- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3``
  (SQLite, a copy made with the online backup API);
- ``media/…``: every file under MEDIA_ROOT;
- ``manifest.json``: when and from what it was made, the latest applied migration of
  each app, the row count of every table and the size and sha256 of every file.

Consistency while the hall runs: the row counts and migrations in the manifest are read
from the very snapshot that is dumped (PostgreSQL: an exported snapshot that pg_dump
imports with ``--snapshot``; SQLite: the copy itself), so a restore can check them
exactly. Media are copied after the database: a row in the dump was saved after its
file (Django stores the file before the row), so every file it names is in the archive;
a file uploaded during the backup may be included without its row, which is harmless.

A restore reads and checks the whole archive before it changes anything: a damaged
archive, one from the other database vendor or from a newer version of the hall, a
database that already holds tables or a media file that differs are refused, and the
database and MEDIA_ROOT are left as they were.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "hall-backup"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
# The rows a summary names; every table is counted and checked all the same.
KEY_TABLES = ("auth_user", "windows_serviceitem", "cases_case", "cases_historicalcase")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# --- Writing -------------------------------------------------------------------------


def default_output(now: dt.datetime) -> Path:
    """var/backups/hall-YYYYmmdd-HHMMSS.tar.gz, in the hall's local time."""
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    return Path(settings.BASE_DIR) / "var" / "backups" / f"hall-{stamp}.tar.gz"


def backup_create(*, output: Path, now: dt.datetime, using: str = "default") -> dict:
    """Write the archive to `output` (which must not exist) and return its manifest.

    The archive is assembled beside `output` and renamed into place at the end, so an
    interrupted backup never leaves a file that looks complete. It holds personal data
    (applicants' ID numbers): it is created readable by its owner only.
    """
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(
            _("A %(vendor)s database cannot be backed up: only PostgreSQL and SQLite can.")
            % {"vendor": vendor}
        )
    if output.exists():
        raise BackupError(_("%(path)s already exists: choose another --output.") % {"path": output})
    output.parent.mkdir(parents=True, exist_ok=True)
    database_name = DATABASE_FILES[vendor]
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".hall-backup-") as work:
        dump = Path(work) / database_name
        if vendor == "postgresql":
            facts = _pg_dump(connection, dump)
        else:
            facts = _sqlite_dump(connection, dump)
        partial = Path(work) / "archive.tar.gz"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with (
            os.fdopen(descriptor, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar,
        ):
            database = _add_file(tar, dump, database_name)
            media = [
                {"path": name, **_add_file(tar, path, f"{MEDIA}/{name}")}
                for name, path in _media_files(Path(settings.MEDIA_ROOT))
            ]
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": timezone.localtime(now).isoformat(),
                "hall": settings.HALL_NAME,
                "database": {
                    "vendor": vendor,
                    "server_version": facts["server_version"],
                    "file": database_name,
                    "size": database["size"],
                    "sha256": database["sha256"],
                },
                "migrations": facts["migrations"],
                "row_counts": facts["row_counts"],
                "media": media,
            }
            _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1), now)
        os.replace(partial, output)
    return manifest


def _pg_env(connection) -> dict[str, str]:
    """libpq's environment for pg_dump/pg_restore: the password travels here, never in argv."""
    from django.db.backends.postgresql.client import DatabaseClient

    settings_dict = connection.settings_dict
    _args, extra = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(extra or {})}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            _("%(tool)s was not found: install the PostgreSQL client (postgresql-client-15).")
            % {"tool": name}
        )
    return path


def _pg_dump(connection, dump: Path) -> dict:
    """pg_dump the database from the snapshot in which the manifest's facts are read."""
    import psycopg
    from psycopg import sql

    pg_dump = _pg_tool("pg_dump")
    params = connection.get_connection_params()
    snapshot_connection = psycopg.connect(**params)
    try:
        snapshot_connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        snapshot_connection.read_only = True
        with snapshot_connection.cursor() as cursor:
            role = connection.settings_dict["OPTIONS"].get("assume_role")
            if role:
                cursor.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "ORDER BY tablename"
            )
            tables = [row[0] for row in cursor.fetchall()]
            facts = _facts(
                tables,
                lambda query: cursor.execute(query).fetchall(),
                lambda table: sql.Identifier(table).as_string(snapshot_connection),
            )
            command = [
                pg_dump,
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                f"--file={dump}",
                f"--dbname={connection.settings_dict['NAME']}",
            ]
            if role:
                command.append(f"--role={role}")
            result = subprocess.run(
                command, env=_pg_env(connection), capture_output=True, text=True, check=False
            )
            if result.returncode != 0:
                raise BackupError(
                    _("pg_dump failed: %(error)s") % {"error": result.stderr.strip()[-2000:]}
                )
    finally:
        snapshot_connection.rollback()
        snapshot_connection.close()
    return {**facts, "server_version": server_version}


def _sqlite_dump(connection, dump: Path) -> dict:
    """Copy the database with SQLite's online backup API, then read the facts from the copy.

    The copy is taken in one step under a read lock: writers in WAL mode go on, and the
    copy is the database as it was at one moment.
    """
    database = connection.get_connection_params()["database"]
    source = sqlite3.connect(database, uri=True, timeout=20)
    target = sqlite3.connect(dump)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    copy = sqlite3.connect(f"{dump.as_uri()}?mode=ro", uri=True)
    try:
        tables = [
            row[0]
            for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        facts = _facts(tables, lambda query: copy.execute(query).fetchall(), _sqlite_quote)
    finally:
        copy.close()
    return {**facts, "server_version": sqlite3.sqlite_version}


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _facts(tables: list[str], query, quote) -> dict:
    if "django_migrations" not in tables:
        raise BackupError(
            _("The database has no django_migrations table: it is not a hall's database yet.")
        )
    migrations: dict[str, str] = {}
    for app, name in query("SELECT app, name FROM django_migrations ORDER BY id"):
        migrations[app] = name  # the last applied wins
    counts = {table: query(f"SELECT COUNT(*) FROM {quote(table)}")[0][0] for table in tables}
    return {"migrations": dict(sorted(migrations.items())), "row_counts": counts}


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Every regular file under MEDIA_ROOT, by its posix path relative to it (symlinks skipped)."""
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


class _HashingReader:
    def __init__(self, file):
        self.file = file
        self.hash = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.hash.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict:
    """Add a file and hash the very bytes that went in (a file may change meanwhile)."""
    with open(path, "rb") as file:
        info = tar.gettarinfo(arcname=name, fileobj=file)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _HashingReader(file)
        tar.addfile(info, reader)
    return {"size": info.size, "sha256": reader.hash.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, text: str, now: dt.datetime) -> None:
    data = text.encode()
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(now.timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- Reading -------------------------------------------------------------------------


@dataclass
class Archive:
    """An archive unpacked into a work folder, every file checked against its manifest."""

    path: Path
    manifest: dict
    database: Path
    media_root: Path

    @property
    def vendor(self) -> str:
        return self.manifest["database"]["vendor"]

    @property
    def media(self) -> list[dict]:
        return self.manifest["media"]


def archive_open(path: Path, work: Path) -> Archive:
    """Unpack `path` into `work` and check it whole; raise BackupError if anything is off."""
    if not path.is_file():
        raise BackupError(_("%(path)s is not a file.") % {"path": path})
    damaged = (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, ValueError, KeyError)
    try:
        found = _unpack(path, work)
        if MANIFEST not in found:
            raise ValueError("no manifest.json")
        manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
        _check_manifest(manifest, found)
    except (*damaged, TypeError) as e:
        raise BackupError(
            _("%(path)s is damaged or is not a hall backup (%(reason)s). Nothing was changed.")
            % {"path": path, "reason": e}
        ) from e
    return Archive(
        path=path,
        manifest=manifest,
        database=work / manifest["database"]["file"],
        media_root=work / MEDIA,
    )


def _unpack(path: Path, work: Path) -> dict[str, tuple[int, str]]:
    """Extract the regular files with safe names; return each one's size and sha256."""
    found: dict[str, tuple[int, str]] = {}
    with tarfile.open(path, mode="r:gz") as tar:
        for info in tar:
            name = _safe_name(info)
            if name in found:
                raise ValueError(f"{name} appears twice")
            target = work / name
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            source = tar.extractfile(info)
            with open(target, "wb") as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            found[name] = (info.size, digest.hexdigest())
    return found


def _safe_name(info: tarfile.TarInfo) -> str:
    if not info.isfile():
        raise ValueError(f"{info.name} is not a regular file")
    parts = PurePosixPath(info.name).parts
    if (
        info.name.startswith("/")
        or not parts
        or any(part in ("", ".", "..") for part in parts)
        or "\\" in info.name
    ):
        raise ValueError(f"unsafe name {info.name!r}")
    if info.name == MANIFEST or info.name in DATABASE_FILES.values():
        return info.name
    if parts[0] == MEDIA and len(parts) > 1:
        return "/".join(parts)
    raise ValueError(f"unexpected member {info.name!r}")


def _check_manifest(manifest: dict, found: dict[str, tuple[int, str]]) -> None:
    if manifest.get("format") != FORMAT:
        raise ValueError("no hall-backup manifest")
    if manifest.get("version") != VERSION:
        raise ValueError(f"archive version {manifest.get('version')}, this hall reads {VERSION}")
    database = manifest["database"]
    if DATABASE_FILES.get(database["vendor"]) != database["file"]:
        raise ValueError(f"unknown database {database['vendor']!r}")
    expected = {database["file"]: (database["size"], database["sha256"])}
    for entry in manifest["media"]:
        expected[f"{MEDIA}/{entry['path']}"] = (entry["size"], entry["sha256"])
    found = {name: facts for name, facts in found.items() if name != MANIFEST}
    for name in sorted(set(expected) | set(found)):
        if name not in found:
            raise ValueError(f"{name} is missing")
        if name not in expected:
            raise ValueError(f"{name} is not in the manifest")
        if found[name] != tuple(expected[name]):
            raise ValueError(f"{name} does not match its sha256")
    if not isinstance(manifest["row_counts"], dict) or not isinstance(manifest["migrations"], dict):
        raise ValueError("manifest without row counts or migrations")


# --- Restoring -----------------------------------------------------------------------


@dataclass
class RestoreReport:
    tables: int
    rows: int
    key_rows: dict[str, int]
    history_rows: int
    history_tables: int
    media_written: int
    media_unchanged: int
    media_bytes: int
    pending_migrations: int
    leftover_tables: list[str] = field(default_factory=list)


def restore_obstacles(archive: Archive, *, force: bool, using: str = "default") -> list[str]:
    """What stops this restore, in words saying what to do; empty if it may go on.

    A vendor mismatch stops it even with --force; the rest --force overrides.
    """
    connection = connections[using]
    if archive.vendor != connection.vendor:
        raise BackupError(
            _(
                "The archive holds a %(archive)s database but this hall is configured for "
                "%(here)s: restore it into a %(archive)s database (set DATABASE_URL). "
                "Nothing was changed."
            )
            % {"archive": archive.vendor, "here": connection.vendor}
        )
    obstacles = []
    unknown = _unknown_migrations(archive.manifest["migrations"])
    if unknown:
        obstacles.append(
            _(
                "The archive was made by a newer version of the hall (migrations %(names)s "
                "are unknown here): install that version first."
            )
            % {"names": ", ".join(unknown)}
        )
    tables = connection.introspection.table_names()
    if tables:
        obstacles.append(
            _(
                "The database %(name)s is not empty (tables: %(count)s). Restore into a new, "
                "empty database (e.g. createdb), or pass --force to replace its contents."
            )
            % {"name": connection.settings_dict["NAME"], "count": len(tables)}
        )
    differing = [
        entry["path"]
        for entry in archive.media
        if (Path(settings.MEDIA_ROOT) / entry["path"]).exists()
        and not _same_file(Path(settings.MEDIA_ROOT) / entry["path"], entry)
    ]
    if differing:
        obstacles.append(
            _(
                "Files in %(root)s differ from the archive's (%(count)s: %(names)s): move them "
                "away, or pass --force to overwrite them."
            )
            % {
                "count": len(differing),
                "root": settings.MEDIA_ROOT,
                "names": ", ".join(differing[:5]) + (" …" if len(differing) > 5 else ""),
            }
        )
    return [] if force else obstacles


def _unknown_migrations(migrations: dict[str, str]) -> list[str]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)
    return [f"{app}.{name}" for app, name in migrations.items() if (app, name) not in known]


def _same_file(path: Path, entry: dict) -> bool:
    return (
        path.is_file()
        and path.stat().st_size == entry["size"]
        and sha256_of(path) == entry["sha256"]
    )


def restore(archive: Archive, *, force: bool, using: str = "default") -> RestoreReport:
    """Restore the database, then the media, then check both against the manifest.

    Call `restore_obstacles` first: this changes the database.
    """
    connection = connections[using]
    connection.close()  # hold no lock or open transaction during the restore
    if connection.vendor == "postgresql":
        _pg_restore(connection, archive.database, clean=force)
    else:
        _sqlite_restore(connection, archive.database)
    connection.close()
    written = unchanged = size = 0
    media_root = Path(settings.MEDIA_ROOT)
    for entry in archive.media:
        target = media_root / entry["path"]
        size += entry["size"]
        if target.exists() and _same_file(target, entry):
            unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(archive.media_root / entry["path"], partial)
        os.replace(partial, target)
        written += 1
    return _verify(archive, connection, written=written, unchanged=unchanged, size=size)


def _pg_restore(connection, dump: Path, *, clean: bool) -> None:
    """pg_restore in one transaction: if it fails, the database is as it was."""
    command = [
        _pg_tool("pg_restore"),
        "--no-password",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={connection.settings_dict['NAME']}",
    ]
    if clean:
        command += ["--clean", "--if-exists"]
    role = connection.settings_dict["OPTIONS"].get("assume_role")
    if role:
        command.append(f"--role={role}")
    command.append(str(dump))
    result = subprocess.run(
        command, env=_pg_env(connection), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            _("pg_restore failed, the database was left as it was (one transaction): %(error)s")
            % {"error": result.stderr.strip()[-2000:]}
        )


def _sqlite_restore(connection, database: Path) -> None:
    """Copy the archive's database over the configured file page by page (the backup API
    takes SQLite's locks, so a process that still has it open sees the new contents)."""
    source = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(connection.get_connection_params()["database"], uri=True, timeout=20)
    try:
        source.backup(target)
    except sqlite3.Error as e:
        raise BackupError(_("The SQLite restore failed: %(error)s") % {"error": e}) from e
    finally:
        target.close()
        source.close()


def _verify(archive: Archive, connection, *, written: int, unchanged: int, size: int):
    from django.db.migrations.executor import MigrationExecutor

    expected = archive.manifest["row_counts"]
    problems = []
    tables = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for table, count in expected.items():
            if table not in tables:
                problems.append(_("table %(table)s is missing") % {"table": table})
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
            if counts[table] != count:
                problems.append(
                    _("%(table)s has %(found)s rows, the archive %(expected)s")
                    % {"table": table, "found": counts[table], "expected": count}
                )
    media_root = Path(settings.MEDIA_ROOT)
    for entry in archive.media:
        if not _same_file(media_root / entry["path"], entry):
            problems.append(_("%(path)s does not match its sha256") % {"path": entry["path"]})
    if problems:
        raise BackupError(
            _("The restore does not match the archive's manifest: %(problems)s")
            % {"problems": "; ".join(problems)}
        )
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    history = {table: n for table, n in counts.items() if "_historical" in table}
    return RestoreReport(
        tables=len(counts),
        rows=sum(counts.values()),
        key_rows={table: counts[table] for table in KEY_TABLES if table in counts},
        history_rows=sum(history.values()),
        history_tables=len(history),
        media_written=written,
        media_unchanged=unchanged,
        media_bytes=size,
        pending_migrations=len(pending),
        leftover_tables=sorted(tables - set(expected)),
    )
