"""Backing up a hall and restoring it into an empty database (hall_backup, hall_restore).

The backup is taken by another connection (SQLite) or process (pg_dump), so these tests
commit their data (transaction=True; serialized_rollback puts back the seeded calendar
and checklist). The restore runs as the hall would run it: `manage.py hall_restore` in a
fresh process whose DATABASE_URL names a new, empty database (a new SQLite file, or a
PostgreSQL database created here and dropped after) and whose DJANGO_MEDIA_ROOT is an
empty folder. The restored database is then read with the driver itself, table by table,
and compared with the one that was backed up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone, translation

from cases.models import Case
from cases.services import ApplicantInput, MaterialInput, case_intake
from cases.services.progress import case_approve
from patrols.models import Finding
from patrols.services import finding_record, round_start
from tests.factories import MaterialFactory, ServiceItemFactory
from tests.patrols.support import item as checklist_item
from tests.patrols.support import jpeg_bytes, morning, upload
from windows.models import ServiceItemMaterial

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migration_seeds"),
]

PROJECT_ROOT = Path(__file__).resolve().parents[2]

NOW = timezone.make_aware(dt.datetime(2026, 9, 28, 10, 0))  # a Monday, a working day
SAMPLE = b"%PDF-1.4\n% sample form of the hall\n" + bytes(range(256)) * 8
VALID_ID = "11010519491231002X"  # GB 11643-1999's own example


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class Made:
    cases: list[Case]
    material: ServiceItemMaterial
    finding: Finding
    uploads: dict[str, bytes]  # name under MEDIA_ROOT -> bytes


def take_in(clerk, hall, item) -> Case:
    return case_intake(
        actor=clerk,
        window=hall.window,
        item=item,
        kind=Case.Kind.ACCEPTED,
        applicant=ApplicantInput(
            kind=Case.ApplicantKind.PERSON,
            name="赵大山",
            id_type=Case.IdType.RESIDENT_ID,
            id_number=VALID_ID,
            phone="13812345678",
        ),
        materials=[
            MaterialInput(name=m.name, item_material_id=m.pk, received=True, pages=2)
            for m in item.materials.all()
        ],
        now=NOW,
    )


@pytest.fixture
def made(hall, clerk, supervisor, media) -> Made:
    """Three cases (one approved), an item's sample form and a patrol photo."""
    item = ServiceItemFactory(department=hall.department, name="食品经营许可")
    material = MaterialFactory(
        item=item, name="申请书", sample_file=ContentFile(SAMPLE, name="申请书样表.pdf")
    )
    cases = [take_in(clerk, hall, item) for _ in range(3)]
    case_approve(case=cases[0], actor=clerk, now=NOW + dt.timedelta(hours=2))
    round_, _created = round_start(actor=supervisor, now=morning())
    finding = finding_record(
        actor=supervisor,
        round_=round_,
        window=hall.window,
        item=checklist_item("tidiness"),
        now=morning(),
        photo=upload("IMG_0001.JPG", jpeg_bytes()),
    )
    uploads = {
        material.sample_file.name: SAMPLE,
        finding.photo.name: (media / finding.photo.name).read_bytes(),
    }
    return Made(cases, material, finding, uploads)


@pytest.fixture
def archive(made, tmp_path) -> Path:
    path = tmp_path / "hall.tar.gz"
    call_command("hall_backup", output=path, stdout=io.StringIO())
    return path


# --- The database read with the driver itself ------------------------------------------


def _source_connection():
    if connection.vendor == "sqlite":
        # The test database (in memory, shared cache) through a plain sqlite3 connection.
        return sqlite3.connect(connection.settings_dict["NAME"], uri=True)
    return _pg_connect(connection.settings_dict["NAME"])


def _pg_connect(name: str):
    import psycopg

    db = connection.settings_dict
    return psycopg.connect(
        dbname=name,
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"],
        port=db["PORT"] or 5432,
        autocommit=True,
    )


def _tables(conn) -> list[str]:
    if isinstance(conn, sqlite3.Connection):
        query = "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
    else:
        query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    return sorted(row[0] for row in conn.execute(query).fetchall())


def rows_of(conn) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order; closes the connection."""
    rows = {}
    try:
        for table in _tables(conn):
            fetched = conn.execute(f'SELECT * FROM "{table}"').fetchall()
            rows[table] = sorted(
                (
                    tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                    for row in fetched
                ),
                key=repr,
            )
    finally:
        conn.close()
    return rows


@pytest.fixture
def empty_database(tmp_path):
    """A new, empty database of the suite's vendor: its DATABASE_URL and a connector."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", lambda: sqlite3.connect(path)
        return
    name = f"hall_restore_test_{os.getpid()}"
    db = connection.settings_dict
    with _pg_connect(db["NAME"]) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    try:
        yield url, lambda: _pg_connect(name)
    finally:
        with _pg_connect(db["NAME"]) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restore_in_a_new_process(archive: Path, database_url: str, media_root: Path, *args):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_SECRET_KEY="restore-test-secret-key-not-for-production-0123456789",
        DJANGO_DEBUG="false",
        DATABASE_URL=database_url,
        DJANGO_MEDIA_ROOT=str(media_root),
    )
    return subprocess.run(
        [sys.executable, "manage.py", "hall_restore", str(archive), *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- Backing up and restoring ----------------------------------------------------------


def test_a_backup_restores_every_row_history_and_upload_into_an_empty_database(
    made, settings, tmp_path, empty_database
):
    settings.BASE_DIR = tmp_path  # the default output lands in tmp_path/var/backups
    out = io.StringIO()
    call_command("hall_backup", stdout=out)
    (archive,) = (tmp_path / "var" / "backups").iterdir()
    assert re.fullmatch(r"hall-\d{8}-\d{6}\.tar\.gz", archive.name)
    assert re.search(rf"{re.escape(str(archive))} \(\d[\d.]*\s[KM]B\)", out.getvalue())
    assert archive.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["database"]["vendor"] == connection.vendor
    latest = MigrationRecorder.Migration.objects.filter(app="cases").latest("id").name
    assert manifest["migrations"]["cases"] == latest
    assert manifest["row_counts"]["cases_case"] == 3
    assert manifest["row_counts"]["cases_historicalcase"] == Case.history.count() >= 4
    assert {e["path"]: e["sha256"] for e in manifest["media"]} == {
        name: hashlib.sha256(data).hexdigest() for name, data in made.uploads.items()
    }

    database_url, connect = empty_database
    restored_media = tmp_path / "restored-media"
    result = restore_in_a_new_process(archive, database_url, restored_media)
    assert result.returncode == 0, result.stderr

    before = rows_of(_source_connection())
    after = rows_of(connect())
    assert after == before  # every table, every row: cases, history, users, uploads' rows
    assert sorted(row[0] for row in after["cases_case"]) == sorted(c.pk for c in made.cases)
    for model in (Case, ServiceItemMaterial, Finding):
        history = model.history.model._meta.db_table
        assert len(after[history]) == model.history.count() > 0, history
    for name, data in made.uploads.items():
        assert (restored_media / name).read_bytes() == data

    # Someone changed the restored copy: --force puts the archive's contents back
    # (PostgreSQL: pg_restore --clean; SQLite: the file's pages replaced).
    changed = connect()
    changed.execute("UPDATE cases_case SET applicant_name = 'changed'")
    changed.execute("DELETE FROM cases_historicalcase")
    changed.commit()
    changed.close()
    (restored_media / made.finding.photo.name).write_bytes(b"changed")
    result = restore_in_a_new_process(archive, database_url, restored_media, "--force")
    assert result.returncode == 0, result.stderr
    assert rows_of(connect()) == before
    for name, data in made.uploads.items():
        assert (restored_media / name).read_bytes() == data


def test_a_restore_into_a_database_that_has_tables_is_refused_and_changes_nothing(
    archive, made, clerk, hall, media
):
    take_in(clerk, hall, made.cases[0].item)  # made after the backup
    photo = media / made.finding.photo.name
    photo.write_bytes(b"a different photo")

    with pytest.raises(CommandError) as refused:
        call_command("hall_restore", str(archive), stdout=io.StringIO())

    message = str(refused.value)
    assert "is not empty" in message and "--force" in message
    assert made.finding.photo.name in message  # the differing file is named
    assert Case.objects.count() == 4
    assert photo.read_bytes() == b"a different photo"


def state(media: Path) -> tuple:
    """What a restore would change: the cases, their history and the files."""
    files = {p.relative_to(media): p.read_bytes() for p in media.rglob("*") if p.is_file()}
    return Case.objects.count(), Case.history.count(), files


def rewrite(archive: Path, out: Path, change) -> Path:
    """A copy of the archive with its members changed by `change(members, manifest)`."""
    with tarfile.open(archive) as tar:
        members = {info.name: tar.extractfile(info).read() for info in tar}
    manifest = json.loads(members.pop("manifest.json"))
    change(members, manifest)
    members["manifest.json"] = json.dumps(manifest).encode()
    with tarfile.open(out, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


def test_a_bad_archive_is_refused_even_with_force_and_changes_nothing(
    archive, made, clerk, hall, media, tmp_path
):
    # Three bad archives in one (transactional, hence slow) test: cut short, an upload
    # swapped after the backup, and a dump of the other database vendor.
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    files = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}

    def swap_photo(members, manifest):
        members[f"media/{made.finding.photo.name}"] = b"not the photo that was backed up"

    def other_vendor(members, manifest):
        members[files[other]] = members.pop(manifest["database"]["file"])
        manifest["database"].update(vendor=other, file=files[other])

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    bad = {
        truncated: "is damaged or is not a hall backup",
        rewrite(archive, tmp_path / "swapped.tar.gz", swap_photo): "does not match its sha256",
        rewrite(archive, tmp_path / "other.tar.gz", other_vendor): f"holds a {other} database",
    }
    take_in(clerk, hall, made.cases[0].item)  # made after the backup
    before = state(media)

    for path, reason in bad.items():
        with pytest.raises(CommandError) as refused:
            call_command("hall_restore", str(path), force=True, stdout=io.StringIO())
        assert reason in str(refused.value) and "Nothing was changed" in str(refused.value)
        assert state(media) == before
