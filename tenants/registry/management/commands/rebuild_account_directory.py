"""Rewrite the public-schema account directory from the instansi registries."""

from django.core.management.base import BaseCommand, CommandError

from core.errors import SimpulError
from tenants.models import Instansi
from tenants.registry.services import directory_rebuild


class Command(BaseCommand):
    help = "Bangun ulang direktori akun resmi (skema publik) dari registri setiap instansi."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Slug instansi (kosong: semua instansi).")

    def handle(self, *args, slugs=(), **options):
        instansi = Instansi.objects.served().order_by("schema_name")
        if slugs:
            instansi = instansi.filter(schema_name__in=slugs)
            missing = set(slugs) - set(instansi.values_list("schema_name", flat=True))
            if missing:
                raise CommandError(f"Instansi tidak ditemukan: {', '.join(sorted(missing))}.")
        total = 0
        for item in instansi:
            try:
                count = directory_rebuild(instansi=item)
            except SimpulError as exc:
                raise CommandError(f"{item.schema_name}: {exc.message}") from exc
            total += count
            self.stdout.write(f"{item.schema_name}: {count} akun")
        self.stdout.write(self.style.SUCCESS(f"Direktori dibangun ulang: {total} akun."))
