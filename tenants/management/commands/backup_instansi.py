"""Write one instansi's backup archive: schema, rows in shared tables, media, manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import SimpulError
from tenants.backup import instansi_backup_create


class Command(BaseCommand):
    help = (
        "Mencadangkan satu instansi (skema, baris di tabel bersama, media) ke satu arsip. "
        "Contoh: backup_instansi --slug humas --out humas.tar.gz"
    )

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True, help="slug instansi, mis. humas")
        parser.add_argument("--out", required=True, help="berkas arsip tujuan (.tar.gz)")

    def handle(self, *args, **opts):
        try:
            result = instansi_backup_create(slug=opts["slug"], out=Path(opts["out"]))
        except SimpulError as exc:
            raise CommandError(exc.message) from exc
        counts = result.manifest["counts"]
        rows = sum(counts["tenant_tables"].values())
        shared = sum(counts["shared"].values())
        self.stdout.write(
            f"Cadangan {opts['slug']} tersimpan di {result.path}: {len(counts['tenant_tables'])} "
            f"tabel ({rows} baris), {shared} baris bersama, {counts['media_files']} berkas media "
            f"({result.seconds:.1f} s)."
        )
