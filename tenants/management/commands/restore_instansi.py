"""Restore one instansi from its backup archive, under a new slug or into another database."""

from pathlib import Path

import environ
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection

from core.errors import SimpulError
from tenants.backup import instansi_backup_restore


def repoint_default_database(url: str) -> None:
    """Make this process's default connection use `url` (a database with a migrated public schema)."""
    try:
        config = environ.Env.db_url_config(url)
    except Exception as exc:  # noqa: BLE001 - any parse failure is the operator's input
        raise CommandError(f"--database-url tidak sah: {url!r}.") from exc
    if not config.get("NAME"):
        raise CommandError("--database-url harus menyebut nama basis data.")
    connection.close()
    for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT"):
        connection.settings_dict[key] = config.get(key) or ""
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('public.tenants_instansi') IS NOT NULL")
            migrated = cursor.fetchone()[0]
    except OperationalError as exc:
        first = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
        raise CommandError(f"Basis data tujuan tidak dapat dihubungi: {first}") from exc
    if not migrated:
        raise CommandError(
            "Basis data tujuan belum dimigrasi; jalankan `migrate_schemas --shared` di sana dahulu."
        )


class Command(BaseCommand):
    help = (
        "Memulihkan satu instansi dari arsip cadangan, dengan slug baru atau ke basis data lain. "
        "Contoh: restore_instansi --in humas.tar.gz --slug humas2"
    )

    def add_arguments(self, parser):
        parser.add_argument("--in", dest="archive", required=True, help="berkas arsip (.tar.gz)")
        parser.add_argument("--slug", required=True, help="slug instansi hasil pemulihan")
        parser.add_argument("--name", default=None, help="nama baru (bawaan: nama di arsip)")
        parser.add_argument(
            "--database-url",
            default=None,
            help="basis data tujuan lain (skema public sudah dimigrasi); bawaan: basis data ini",
        )

    def handle(self, *args, **opts):
        if opts["database_url"]:
            repoint_default_database(opts["database_url"])
        try:
            result = instansi_backup_restore(
                archive=Path(opts["archive"]), slug=opts["slug"], name=opts["name"]
            )
        except SimpulError as exc:
            raise CommandError(exc.message) from exc
        shared = sum(result.shared_counts.values())
        self.stdout.write(
            f"Instansi {result.instansi.schema_name} dipulihkan dari cadangan "
            f"{result.manifest['slug']}: {len(result.manifest['counts']['tenant_tables'])} tabel, "
            f"{shared} baris bersama, {result.manifest['counts']['media_files']} berkas media "
            f"({result.seconds:.1f} s)."
        )
        for line in result.skipped:
            self.stdout.write(f"  dilewati: {line}")
