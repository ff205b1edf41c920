"""Backup of the PostgreSQL database and the uploaded files, and the restore drill.

A backup is one directory::

    <dest>/<YYYYmmdd-HHMMSS>/db.dump        pg_dump -Fc (custom format, restored with pg_restore)
                             media.tar.gz   every file under MEDIA_ROOT
                             manifest.json  row count per table, sha256 per media file and per artefact

The row counts are taken inside the very snapshot that pg_dump dumps (``pg_export_snapshot`` +
``pg_dump --snapshot``), so they match the dump exactly even while users keep working. The same
snapshot lists every file the database refers to (each FileField column); each of those files is
archived even if it was deleted after the snapshot (deletions go to ``MEDIA_ROOT/.trash/`` first, see
core.storage), and a file that vanishes while being archived is looked for again. A file no row of
the snapshot refers to and that is deleted meanwhile is simply left out. A failed run removes its
``.partial`` directory; ``.partial`` directories left by a killed run are pruned after a few hours.

The drill restores a backup into a fresh scratch database (``createdb`` with a unique name), counts
the rows of every table there, unpacks the media archive into a temporary directory, compares both
with the manifest, checks that every file the restored database refers to is in the archive, and
drops the scratch database again. It never touches the live database.

Command line (the shell scripts in this directory call these)::

    python -m scripts.backup_restore backup [--dest DIR] [--keep N]
    python -m scripts.backup_restore drill [BACKUP_DIR]      # default: the newest backup

The database and media directory are the project's own settings (``DATABASE_URL``, ``JIANLI_VAR_DIR``).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = "manifest.json"
DUMP = "db.dump"
MEDIA_ARCHIVE = "media.tar.gz"
DRILL_PREFIX = "jianli_drill_"
FORMAT_VERSION = 2
TRASH = ".trash"  # MEDIA_ROOT/.trash/<name>: deleted files kept for a while (core.storage)
PENDING = ".pending"  # MEDIA_ROOT/.pending/: bookkeeping of writes in progress (core.storage)
PARTIAL_STALE_SECONDS = 6 * 3600
FILE_RETRIES = 3


# --- connection helpers -------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """Connection parameters of one PostgreSQL database (from Django's settings dict)."""

    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def from_settings(cls, settings_dict: dict) -> Database:
        if "postgresql" not in settings_dict.get("ENGINE", ""):
            raise SystemExit("backup and restore drill need PostgreSQL: set DATABASE_URL=postgres://…")
        return cls(
            name=settings_dict["NAME"],
            host=settings_dict.get("HOST") or "",
            port=str(settings_dict.get("PORT") or ""),
            user=settings_dict.get("USER") or "",
            password=settings_dict.get("PASSWORD") or "",
        )

    def with_name(self, name: str) -> Database:
        return Database(name=name, host=self.host, port=self.port, user=self.user, password=self.password)

    def env(self) -> dict:
        """Environment for the libpq command-line tools (the password never appears in ``ps``)."""
        env = dict(os.environ)
        for key, value in (
            ("PGHOST", self.host),
            ("PGPORT", self.port),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
        ):
            if value:
                env[key] = value
            else:
                env.pop(key, None)
        env.pop("PGDATABASE", None)
        return env

    def connect(self):
        import psycopg2

        kwargs = {"dbname": self.name}
        for key in ("host", "port", "user", "password"):
            if getattr(self, key):
                kwargs[key] = getattr(self, key)
        return psycopg2.connect(**kwargs)


def _run(args: list[str], db: Database) -> None:
    result = subprocess.run(args, env=db.env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{args[0]} failed ({result.returncode}): {result.stderr.strip()}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
    )
    return [row[0] for row in cursor.fetchall()]


def count_rows(cursor) -> dict[str, int]:
    """Exact row count of every user table, in the cursor's current snapshot."""
    counts = {}
    for table in _tables(cursor):
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (names come from pg_tables, quoted)
        counts[table] = cursor.fetchone()[0]
    return counts


# --- backup -------------------------------------------------------------------------------------


def django_file_columns() -> list[tuple[str, str]]:
    """(table, column) of every FileField of the current data, from the Django models."""
    from core.filecheck import file_fields

    return sorted(
        {(model._meta.db_table, model._meta.get_field(name).column) for model, name in file_fields()}
    )


def referenced_files(cursor, file_columns: list[tuple[str, str]]) -> set[str]:
    """Every stored name the database refers to, in the cursor's current snapshot."""
    from psycopg2 import sql

    names: set[str] = set()
    for table, column in file_columns:
        cursor.execute(
            sql.SQL("SELECT DISTINCT {c} FROM {t} WHERE {c} IS NOT NULL AND {c} <> ''").format(
                c=sql.Identifier(column), t=sql.Identifier(table)
            )
        )
        names.update(row[0] for row in cursor.fetchall())
    return names


def _add_file(tar: tarfile.TarFile, path: Path, arcname: str) -> dict:
    """Add one file from a single open handle (hash and content from the same read); raises
    FileNotFoundError if it is gone."""
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        digest = hashlib.sha256()
        info = tarfile.TarInfo(arcname)
        info.size = size
        info.mtime = int(os.fstat(fh.fileno()).st_mtime)
        info.mode = 0o644

        class _Hashing:
            def read(self, n=-1):
                chunk = fh.read(n)
                digest.update(chunk)
                return chunk

        tar.addfile(info, _Hashing())
    return {"sha256": digest.hexdigest(), "bytes": size}


def _archive_media(media_root: Path, target: Path, referenced: set[str]) -> tuple[dict[str, dict], list[str]]:
    """Archive every file under ``media_root`` (the trash and pending entries aside) and every referenced file; returns
    the archived files and the referenced names that could not be found at all."""
    files: dict[str, dict] = {}
    lost: list[str] = []
    listed = set()
    if media_root.is_dir():
        listed = {
            p.relative_to(media_root).as_posix()
            for p in media_root.rglob("*")
            if p.is_file()
            and not p.is_symlink()
            and p.relative_to(media_root).parts[0] not in (TRASH, PENDING)
        }
    with tarfile.open(target, "w:gz") as tar:
        for rel in sorted(listed | referenced):
            for attempt in range(FILE_RETRIES):
                # where it is, or in the trash when deleted after the snapshot was taken
                for path in (media_root / rel, media_root / TRASH / rel):
                    try:
                        files[rel] = _add_file(tar, path, rel)
                        break
                    except (FileNotFoundError, IsADirectoryError):
                        continue
                if rel in files or rel not in referenced:
                    break  # archived, or an unreferenced file deleted meanwhile: left out
                time.sleep(0.1 * (attempt + 1))  # a move into the trash may be under way
            if rel in referenced and rel not in files:
                lost.append(rel)
    return files, lost


def backup(
    *,
    db: Database,
    media_root: Path,
    dest: Path,
    now: datetime.datetime | None = None,
    file_columns: list[tuple[str, str]] | None = None,
) -> Path:
    """Write one backup directory under ``dest`` and return it."""
    file_columns = django_file_columns() if file_columns is None else file_columns
    now = now or datetime.datetime.now(datetime.UTC)
    target = dest / now.astimezone().strftime("%Y%m%d-%H%M%S")
    suffix = 1
    while target.exists():
        target = dest / f"{now.astimezone().strftime('%Y%m%d-%H%M%S')}-{suffix}"
        suffix += 1
    partial = target.with_name(target.name + ".partial")
    partial.mkdir(parents=True)
    try:
        return _backup_into(partial, target, db=db, media_root=media_root, now=now, file_columns=file_columns)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)  # never leave an incomplete backup behind
        raise


def _backup_into(partial: Path, target: Path, *, db, media_root, now, file_columns) -> Path:
    import psycopg2.extensions

    conn = db.connect()
    try:
        conn.set_session(isolation_level=psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ, readonly=True)
        with conn.cursor() as cursor:
            # the first statement fixes the transaction's snapshot; pg_dump dumps that same snapshot,
            # so the counts below describe exactly what is in the dump
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            tables = count_rows(cursor)
            referenced = referenced_files(cursor, file_columns)
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={partial / DUMP}",
                    db.name,
                ],
                db,
            )
        conn.rollback()
    finally:
        conn.close()

    media_files, lost = _archive_media(media_root, partial / MEDIA_ARCHIVE, referenced)
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": now.isoformat(),
        "database": {"name": db.name, "server_version": server_version},
        "tables": tables,
        "dump": {"file": DUMP, "sha256": _sha256(partial / DUMP)},
        "media_archive": {"file": MEDIA_ARCHIVE, "sha256": _sha256(partial / MEDIA_ARCHIVE)},
        "media": {"root": str(media_root), "files": media_files},
        # what the database refers to: the drill checks the restored database against the archive
        "references": {"columns": [list(c) for c in file_columns], "files": len(referenced), "lost": lost},
    }
    (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    partial.rename(target)  # a backup directory without ".partial" is always complete
    return target


def prune(dest: Path, *, keep: int, now: float | None = None) -> list[Path]:
    """Delete all but the newest ``keep`` complete backups under ``dest``, and ``.partial`` directories
    of runs that were killed (older than ``PARTIAL_STALE_SECONDS``: a running backup keeps its own);
    returns what was deleted."""
    now = time.time() if now is None else now
    backups = sorted(p for p in dest.iterdir() if p.is_dir() and (p / MANIFEST).exists())
    doomed = backups[:-keep] if keep > 0 else []
    doomed += sorted(
        p
        for p in dest.iterdir()
        if p.is_dir() and p.name.endswith(".partial") and now - p.stat().st_mtime > PARTIAL_STALE_SECONDS
    )
    for path in doomed:
        shutil.rmtree(path)
    return doomed


# --- restore drill ------------------------------------------------------------------------------


@dataclass
class DrillReport:
    backup_dir: Path
    scratch_database: str
    tables_checked: int = 0
    rows_checked: int = 0
    files_checked: int = 0
    references_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        head = "恢复演练通过" if self.ok else "恢复演练失败"
        lines = [
            f"{head} (restore drill {'passed' if self.ok else 'FAILED'}): {self.backup_dir}",
            f"  scratch database {self.scratch_database} (dropped)",
            f"  {self.tables_checked} tables, {self.rows_checked} rows, {self.files_checked} media files compared, "
            f"{self.references_checked} file references of the restored database found in the archive",
        ]
        lines += [f"  ✗ {p}" for p in self.problems]
        return "\n".join(lines)


def _check_media(
    archive: Path, expected: dict[str, dict], report: DrillReport, referenced: set[str] | None = None
) -> None:
    with tempfile.TemporaryDirectory(prefix="jianli-drill-media-") as tmp:
        root = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(root, filter="data")  # refuses absolute paths, "..", devices and links out
        found = {
            p.relative_to(root).as_posix(): {"sha256": _sha256(p), "bytes": p.stat().st_size}
            for p in root.rglob("*")
            if p.is_file()
        }
    for rel in sorted(expected.keys() - found.keys()):
        report.problems.append(f"media file missing after restore: {rel}")
    for rel in sorted(found.keys() - expected.keys()):
        report.problems.append(f"media file not in the manifest: {rel}")
    for rel in sorted(expected.keys() & found.keys()):
        if expected[rel]["sha256"] != found[rel]["sha256"]:
            report.problems.append(f"media file differs (sha256): {rel}")
    for rel in sorted((referenced or set()) - found.keys()):
        report.problems.append(f"the restored database refers to a file not in the archive: {rel}")
    report.files_checked = len(found)
    report.references_checked = len(referenced or ())


def restore_drill(*, backup_dir: Path, db: Database) -> DrillReport:
    """Restore ``backup_dir`` into a new scratch database, compare, drop the scratch database."""
    manifest = json.loads((backup_dir / MANIFEST).read_text())
    scratch = db.with_name(
        f"{DRILL_PREFIX}{datetime.datetime.now().strftime('%Y%m%d%H%M%S')}_{secrets.token_hex(3)}"
    )
    report = DrillReport(backup_dir=backup_dir, scratch_database=scratch.name)
    for key in ("dump", "media_archive"):
        artefact = backup_dir / manifest[key]["file"]
        if not artefact.exists():
            report.problems.append(f"{artefact.name} is missing")
        elif _sha256(artefact) != manifest[key]["sha256"]:
            report.problems.append(f"{artefact.name} is damaged (sha256 differs from the manifest)")
    if report.problems:
        return report

    _run(["createdb", "--template=template0", "--encoding=UTF8", scratch.name], db)
    try:
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={scratch.name}",
                str(backup_dir / manifest["dump"]["file"]),
            ],
            db,
        )
        conn = scratch.connect()
        try:
            with conn.cursor() as cursor:
                restored = count_rows(cursor)
                columns = [tuple(c) for c in manifest.get("references", {}).get("columns", [])]
                restored_refs = referenced_files(cursor, columns)
        finally:
            conn.close()
    except RuntimeError as exc:
        report.problems.append(str(exc))
        return report
    finally:
        # only the database this drill created is ever dropped
        _run(["dropdb", "--if-exists", scratch.name], db)

    expected = manifest["tables"]
    for table in sorted(expected.keys() - restored.keys()):
        report.problems.append(f"table missing after restore: {table}")
    for table in sorted(restored.keys() - expected.keys()):
        report.problems.append(f"table not in the manifest: {table}")
    for table in sorted(expected.keys() & restored.keys()):
        if expected[table] != restored[table]:
            report.problems.append(
                f"{table}: {restored[table]} rows restored, {expected[table]} in the manifest"
            )
    report.tables_checked = len(restored)
    report.rows_checked = sum(restored.values())
    _check_media(
        backup_dir / manifest["media_archive"]["file"], manifest["media"]["files"], report, restored_refs
    )
    return report


def database_exists(db: Database, name: str) -> bool:
    conn = db.with_name("postgres").connect()
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None
    finally:
        conn.close()


# --- command line -------------------------------------------------------------------------------


def _django_settings():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianli_quality.settings")
    import django
    from django.conf import settings

    django.setup()
    return settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="backup_restore", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_backup = sub.add_parser("backup", help="dump the database and the media files")
    p_backup.add_argument("--dest", type=Path, help="backup root (default: $BACKUP_DIR or var/backups)")
    p_backup.add_argument("--keep", type=int, default=int(os.environ.get("BACKUP_KEEP", "14")))
    p_drill = sub.add_parser("drill", help="restore a backup into a scratch database and compare")
    p_drill.add_argument("backup_dir", type=Path, nargs="?", help="default: the newest backup")
    p_drill.add_argument("--dest", type=Path, help="backup root to pick the newest from")
    args = parser.parse_args(argv)

    settings = _django_settings()
    db = Database.from_settings(settings.DATABASES["default"])
    dest = args.dest or Path(os.environ.get("BACKUP_DIR") or settings.VAR_DIR / "backups")

    if args.command == "backup":
        target = backup(db=db, media_root=Path(settings.MEDIA_ROOT), dest=dest)
        manifest = json.loads((target / MANIFEST).read_text())
        print(
            f"备份完成 (backup written): {target}\n"
            f"  {len(manifest['tables'])} tables, {sum(manifest['tables'].values())} rows, "
            f"{len(manifest['media']['files'])} media files"
        )
        for path in prune(dest, keep=args.keep):
            print(f"  pruned old backup {path}")
        return 0

    backup_dir = args.backup_dir
    if backup_dir is None:
        candidates = sorted(p for p in dest.iterdir() if (p / MANIFEST).exists()) if dest.is_dir() else []
        if not candidates:
            print(f"no backup found under {dest}", file=sys.stderr)
            return 2
        backup_dir = candidates[-1]
    report = restore_drill(backup_dir=backup_dir, db=db)
    print(report.summary())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
