"""Provision one instansi (or many from a CSV), or archive one, from the shell."""

import csv
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import SimpulError
from tenants.models import Instansi
from tenants.selectors import instansi_get
from tenants.services import instansi_archive, instansi_provision


class Command(BaseCommand):
    help = (
        "Membuat instansi baru dengan mengkloning skema templat. "
        "Contoh: provision_instansi --slug humas --name 'Bagian Humas dan Protokol Setda'"
    )

    def add_arguments(self, parser):
        parser.add_argument("--slug", help="nama skema dan subdomain, mis. dinkes")
        parser.add_argument("--name", help="nama lengkap instansi")
        parser.add_argument("--short-name", default="", help="nama singkat")
        parser.add_argument("--kind", default=Instansi.Kind.INSTANSI, help="instansi | super")
        parser.add_argument("--admin-email", default="")
        parser.add_argument(
            "--admin-password", default=None, help="bila kosong, dibuat acak dan dicetak"
        )
        parser.add_argument(
            "--csv", dest="csv_path", help="berkas CSV: slug,name[,short_name,kind,admin_email]"
        )
        parser.add_argument(
            "--archive",
            action="store_true",
            help="arsipkan (nonaktifkan) --slug tanpa menghapus data",
        )

    def handle(self, *args, **opts):
        try:
            if opts["archive"]:
                if not opts["slug"]:
                    raise CommandError("--archive memerlukan --slug.")
                instansi = instansi_archive(slug=opts["slug"])
                self.stdout.write(
                    f"Instansi {instansi.schema_name} diarsipkan; data tetap tersimpan."
                )
                return
            if opts["csv_path"]:
                self._from_csv(Path(opts["csv_path"]), opts)
                return
            if not opts["slug"] or not opts["name"]:
                raise CommandError("--slug dan --name wajib diisi (atau gunakan --csv).")
            result = instansi_provision(
                slug=opts["slug"],
                name=opts["name"],
                short_name=opts["short_name"],
                kind=opts["kind"],
                admin_email=opts["admin_email"],
                admin_password=opts["admin_password"],
            )
        except SimpulError as exc:
            raise CommandError(exc.message) from exc
        self._report(result)

    def _report(self, result) -> None:
        self.stdout.write(
            f"{result.instansi.schema_name}: {result.instansi.name} siap di {result.url} "
            f"({result.seconds:.2f} s)"
        )
        if result.admin_password:
            self.stdout.write(
                f"  admin: {result.admin_username} / {result.admin_password} (simpan sekarang)"
            )

    def _from_csv(self, path: Path, opts) -> None:
        if not path.is_file():
            raise CommandError(f"Berkas CSV tidak ditemukan: {path}")
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = [
                row
                for row in csv.DictReader(handle)
                if any((v or "").strip() for v in row.values())
            ]
        if not rows or "slug" not in rows[0] or "name" not in rows[0]:
            raise CommandError("CSV harus memiliki kolom 'slug' dan 'name'.")
        created, skipped, failed = [], 0, []
        started = time.perf_counter()
        for index, row in enumerate(rows, start=1):
            slug = (row.get("slug") or "").strip()
            bar = "#" * (30 * index // len(rows))
            sys.stdout.write(f"\r[{bar:<30}] {index}/{len(rows)} {slug:<30}")
            sys.stdout.flush()
            if instansi_get(slug) is not None:
                skipped += 1
                continue
            try:
                result = instansi_provision(
                    slug=slug,
                    name=row.get("name", ""),
                    short_name=row.get("short_name", "") or "",
                    kind=(row.get("kind") or Instansi.Kind.INSTANSI).strip(),
                    admin_email=(row.get("admin_email") or "").strip(),
                )
                created.append(result)
            except SimpulError as exc:
                failed.append(f"baris {index} ({slug}): {exc.message}")
        elapsed = time.perf_counter() - started
        self.stdout.write("")
        self.stdout.write(
            f"Selesai dalam {elapsed:.1f} s: {len(created)} dibuat, {skipped} dilewati "
            f"(sudah ada), {len(failed)} gagal."
        )
        # Each new instansi's admin password is generated and shown only here, once.
        for result in created:
            self._report(result)
        for line in failed:
            self.stderr.write(f"  {line}")
        if failed:
            raise CommandError(f"{len(failed)} baris gagal.")
