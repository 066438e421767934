"""Record audience figures from the command line: one figure, or a CSV (`akun,bulan,pengikut`).

The same registry actions as the admin and the API: `--user` acts as that user of the instansi
(the same permission, audit row and Wagtail history line as in the admin); without it the
command acts as the system (an operator on the server).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from core.errors import SimpulError
from tenants.models import Instansi
from tenants.registry.services import audience_import_csv, audience_record


class Command(BaseCommand):
    help = "Catat jumlah pengikut akun resmi (satu angka, atau berkas CSV akun,bulan,pengikut)."

    def add_arguments(self, parser):
        parser.add_argument("--instansi", required=True, help="Slug instansi.")
        parser.add_argument("--user", default="", help="Nama pengguna instansi yang mencatat.")
        parser.add_argument("--account", type=int, help="Id akun resmi.")
        parser.add_argument("--month", help="Bulan, TTTT-BB.")
        parser.add_argument("--followers", type=int, help="Jumlah pengikut.")
        parser.add_argument("--csv", help="Berkas CSV (akun,bulan,pengikut).")

    def handle(self, *args, **opts):
        instansi = Instansi.objects.served().filter(schema_name=opts["instansi"]).first()
        if instansi is None:
            raise CommandError(f"Instansi tidak ditemukan: {opts['instansi']}.")
        with schema_context(instansi.schema_name):
            actor = None
            if opts["user"]:
                actor = get_user_model().objects.filter(username=opts["user"]).first()
                if actor is None:
                    raise CommandError(f"Pengguna {opts['user']} tidak ada di {instansi.name}.")
            try:
                if opts["csv"]:
                    with open(opts["csv"], "rb") as handle:
                        count = audience_import_csv(actor=actor, data=handle.read())
                    self.stdout.write(self.style.SUCCESS(f"{count} baris diimpor."))
                    return
                if None in (opts["account"], opts["month"], opts["followers"]):
                    raise CommandError("Isi --account, --month dan --followers, atau --csv.")
                figure = audience_record(
                    actor=actor,
                    account=opts["account"],
                    month=opts["month"],
                    followers=opts["followers"],
                )
            except (SimpulError, OSError) as exc:
                raise CommandError(getattr(exc, "message", None) or str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Tercatat: {figure.account} {figure.month:%Y-%m} {figure.followers}"
            )
        )
