"""Write instansi backup archives: schema, rows in shared tables, media, manifest.

One instansi (`--slug`, `--out`), or every served instansi into one folder (`--all`,
`--out-dir`): the nightly backup of a regency or province in one process, so the template's
DDL is read once for all of them (tenants.template_sql) and each archive costs what its
instansi holds.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import SimpulError
from tenants.backup import instansi_backup_create
from tenants.models import Instansi


class Command(BaseCommand):
    help = (
        "Mencadangkan instansi (skema, baris di tabel bersama, media) ke arsip. "
        "Contoh: backup_instansi --slug humas --out humas.tar.gz, atau "
        "backup_instansi --all --out-dir /cadangan/2026-12-02"
    )

    def add_arguments(self, parser):
        parser.add_argument("--slug", help="slug instansi, mis. humas")
        parser.add_argument("--out", help="berkas arsip tujuan (.tar.gz)")
        parser.add_argument(
            "--all",
            action="store_true",
            help="semua instansi, satu arsip <slug>.tar.gz masing-masing",
        )
        parser.add_argument("--out-dir", help="folder tujuan untuk --all")

    def handle(self, *args, **opts):
        if opts["all"]:
            if opts["slug"] or opts["out"] or not opts["out_dir"]:
                raise CommandError("Dengan --all, beri --out-dir saja (tanpa --slug dan --out).")
            self._all(Path(opts["out_dir"]))
            return
        if not opts["slug"] or not opts["out"]:
            raise CommandError("Beri --slug dan --out, atau --all dengan --out-dir.")
        try:
            result = instansi_backup_create(slug=opts["slug"], out=Path(opts["out"]))
        except SimpulError as exc:
            raise CommandError(exc.message) from exc
        self._report(opts["slug"], result)

    def _report(self, slug, result) -> None:
        counts = result.manifest["counts"]
        rows = sum(counts["tenant_tables"].values())
        shared = sum(counts["shared"].values())
        self.stdout.write(
            f"Cadangan {slug} tersimpan di {result.path}: {len(counts['tenant_tables'])} "
            f"tabel ({rows} baris), {shared} baris bersama, {counts['media_files']} berkas media "
            f"({result.seconds:.1f} s)."
        )

    def _all(self, folder: Path) -> None:
        """Every served instansi, archived or not; one failure is reported and the rest go on."""
        if not folder.is_dir():
            raise CommandError(f"Folder tujuan tidak ada: {folder}")
        slugs = list(
            Instansi.objects.served().order_by("schema_name").values_list("schema_name", flat=True)
        )
        failed = []
        for slug in slugs:
            try:
                result = instansi_backup_create(slug=slug, out=folder / f"{slug}.tar.gz")
            except SimpulError as exc:
                failed.append(slug)
                self.stderr.write(f"Cadangan {slug} gagal: {exc.message}")
                continue
            self._report(slug, result)
        self.stdout.write(
            f"{len(slugs) - len(failed)} dari {len(slugs)} instansi dicadangkan ke {folder}."
        )
        if failed:
            raise CommandError(f"{len(failed)} cadangan gagal: {', '.join(failed)}.")
