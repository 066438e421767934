"""Create an API token for an instansi; the key is printed once."""

from django.core.management.base import BaseCommand, CommandError

from core.errors import SimpulError
from tenants.selectors import instansi_get
from tenants.services import api_token_create


class Command(BaseCommand):
    help = "Membuat token API untuk sebuah instansi. Kunci hanya ditampilkan sekali."

    def add_arguments(self, parser):
        parser.add_argument("--instansi", required=True, help="slug instansi")
        parser.add_argument("--name", default="integrasi", help="nama token, mis. sistem-aduan")

    def handle(self, *args, **opts):
        instansi = instansi_get(opts["instansi"])
        if instansi is None or not instansi.is_active:
            raise CommandError(f"Instansi {opts['instansi']!r} tidak ditemukan atau tidak aktif.")
        try:
            token, key = api_token_create(instansi=instansi, name=opts["name"])
        except SimpulError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(key)
