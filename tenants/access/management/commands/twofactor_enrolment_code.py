"""Hand out a one-time two-factor enrolment code for one user of one instansi."""

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from core.errors import SimpulError
from tenants.selectors import instansi_get

from ... import services


class Command(BaseCommand):
    help = (
        "Menerbitkan kode pendaftaran autentikator sekali pakai untuk satu pengguna. "
        "Contoh: twofactor_enrolment_code --instansi diskominfo evaluator1"
    )

    def add_arguments(self, parser):
        parser.add_argument("--instansi", required=True, help="slug instansi, mis. diskominfo")
        parser.add_argument("username", help="nama pengguna di instansi itu")

    def handle(self, *args, **opts):
        slug = opts["instansi"]
        if instansi_get(slug) is None:
            raise CommandError(f"Instansi {slug!r} tidak ditemukan.")
        try:
            with schema_context(slug):
                user = services.user_for_enrolment(username=opts["username"])
                code = services.enrolment_code_issue(user=user, actor=None)
        except SimpulError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Kode pendaftaran untuk {user.get_username()} di {slug} "
            f"(berlaku {services.ENROLMENT_CODE_HOURS} jam, sekali pakai): {code}"
        )
