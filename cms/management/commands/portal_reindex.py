"""Rebuild the regency portal's copy of news and identity for one or every instansi."""

from django.core.management.base import BaseCommand, CommandError

from cms.services import portal_reindex
from tenants.selectors import instansi_get, instansi_list_active


class Command(BaseCommand):
    help = "Menyelaraskan indeks berita dan profil instansi di portal kabupaten."

    def add_arguments(self, parser):
        parser.add_argument("--slug", help="hanya instansi ini (bawaan: semua instansi aktif)")

    def handle(self, *args, **opts):
        if opts["slug"]:
            instansi = instansi_get(opts["slug"])
            if instansi is None:
                raise CommandError(f"Instansi {opts['slug']!r} tidak ditemukan.")
            targets = [instansi]
        else:
            targets = list(instansi_list_active())
        for instansi in targets:
            counts = portal_reindex(schema_name=instansi.schema_name)
            self.stdout.write(
                f"{instansi.schema_name}: {counts['upserted']} diperbarui, "
                f"{counts['removed']} dihapus"
            )
