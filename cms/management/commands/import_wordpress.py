"""Import an instansi's WordPress website (a WXR export and its uploads folder)."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from core.errors import SimpulError


class Command(BaseCommand):
    help = (
        "Impor situs WordPress sebuah instansi dari berkas ekspor WXR (Alat › Ekspor): tulisan "
        "menjadi berita, halaman menjadi halaman standar, lampiran menjadi gambar dan dokumen, "
        "dan setiap alamat lama dialihkan (301) ke tempat barunya. Aman dijalankan ulang."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="berkas ekspor WordPress (.xml)")
        parser.add_argument("--instansi", required=True, help="slug instansi tujuan")
        parser.add_argument(
            "--media-dir", help="folder wp-content/uploads situs lama (disalin dari servernya)"
        )
        parser.add_argument(
            "--category-map",
            help="CSV: slug kategori WordPress, kategori Pasal 11 (kegiatan/isu/kebijakan)",
        )
        parser.add_argument(
            "--default-category",
            default="kegiatan",
            help="kategori Pasal 11 untuk kategori yang tidak dipetakan (bawaan: kegiatan)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="hanya laporan, tidak ada yang disimpan"
        )
        parser.add_argument(
            "--no-fetch",
            action="store_true",
            help="jangan unduh lampiran dari situs lama bila tidak ada di --media-dir",
        )
        parser.add_argument("--report", help="tulis laporan pemetaan alamat ke berkas CSV ini")

    def handle(self, *args, **options):
        from cms.wordpress import selectors, services
        from tenants.selectors import instansi_get

        instansi = instansi_get(options["instansi"])
        if instansi is None:
            raise CommandError(f"Instansi “{options['instansi']}” tidak ditemukan.")
        export = Path(options["export"])
        if not export.is_file():
            raise CommandError(f"Berkas ekspor {export} tidak ada.")
        media_dir = options.get("media_dir")
        if media_dir and not Path(media_dir).is_dir():
            raise CommandError(f"Folder unggahan {media_dir} tidak ada.")
        default = services._parse_category(options["default_category"])
        if default is None:
            raise CommandError("--default-category harus kegiatan, isu, atau kebijakan.")
        category_map = {}
        with schema_context(instansi.schema_name):
            try:
                if options.get("category_map"):
                    text = Path(options["category_map"]).read_text(encoding="utf-8-sig")
                    category_map = services.category_map_parse_csv(text)
                    if not options["dry_run"]:
                        services.category_map_update(actor=None, mapping=category_map)
                run = services.wordpress_import_file(
                    export_path=str(export),
                    media_dir=media_dir,
                    dry_run=options["dry_run"],
                    default_category=default,
                    category_map=category_map,
                    fetch_remote=not options["no_fetch"],
                    progress=self._progress,
                )
            except (SimpulError, OSError) as exc:
                raise CommandError(getattr(exc, "message", str(exc))) from exc
            finally:
                self.stderr.write("")
            self._summary(run)
            if options.get("report"):
                rows = selectors.url_report_rows()
                with open(options["report"], "w", newline="", encoding="utf-8") as handle:
                    writer = csv.writer(handle)
                    writer.writerow(selectors.URL_REPORT_HEADER)
                    writer.writerows(rows)
                self.stdout.write(f"Laporan alamat: {options['report']} ({len(rows)} baris)")

    def _progress(self, done: int, total: int) -> None:
        if not total:
            return
        width = 30
        filled = int(width * done / total)
        bar = "█" * filled + "·" * (width - filled)
        self.stderr.write(f"\r[{bar}] {done}/{total}", ending="")
        self.stderr.flush()

    def _summary(self, run) -> None:
        from cms.wordpress.selectors import COUNT_LABELS

        mode = " (uji coba, tidak ada yang disimpan)" if run.dry_run else ""
        self.stdout.write(f"Impor {run.source_name}: {run.get_status_display()}{mode}")
        for key, label in COUNT_LABELS:
            self.stdout.write(f"  {label:<28} {run.counts.get(key, 0)}")
        guessed = [c for c in run.categories if c["how"] != "peta"]
        if guessed:
            self.stdout.write("Kategori yang tidak dipetakan operator:")
            for c in guessed:
                self.stdout.write(
                    f"  {c['slug']:<28} → {c['category']:<10} ({c['how']}, {c['posts']} tulisan)"
                )
        if run.warnings:
            self.stdout.write(f"Peringatan ({len(run.warnings)}):")
            for w in run.warnings[:50]:
                prefix = f"#{w['wp_id']} " if w.get("wp_id") else ""
                self.stdout.write(f"  {prefix}{w['message']}")
            if len(run.warnings) > 50:
                self.stdout.write(
                    f"  … {len(run.warnings) - 50} lagi (lihat layar Impor WordPress)"
                )
