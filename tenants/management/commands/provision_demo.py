"""Provision the demo regency idempotently and fill each instansi with demo content."""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django_tenants.utils import schema_context

from core.steps import demo_steps
from tenants.models import Instansi
from tenants.provisioning import run_steps
from tenants.selectors import instansi_get
from tenants.services import instansi_provision, instansi_url

DEMO_INSTANSI = [
    ("diskominfo", "Dinas Komunikasi dan Informatika", "Diskominfo", Instansi.Kind.SUPER),
    ("humas", "Bagian Humas dan Protokol Setda", "Humas Setda", Instansi.Kind.INSTANSI),
    ("dinkes", "Dinas Kesehatan", "Dinkes", Instansi.Kind.INSTANSI),
    ("disdik", "Dinas Pendidikan dan Kebudayaan", "Disdikbud", Instansi.Kind.INSTANSI),
    ("pupr", "Dinas Pekerjaan Umum dan Penataan Ruang", "PUPR", Instansi.Kind.INSTANSI),
    (
        "disdukcapil",
        "Dinas Kependudukan dan Pencatatan Sipil",
        "Disdukcapil",
        Instansi.Kind.INSTANSI,
    ),
]


class Command(BaseCommand):
    help = "Menyiapkan kabupaten demo (idempoten): enam instansi, isi contoh, dan login admin."

    def add_arguments(self, parser):
        parser.add_argument("--no-content", action="store_true", help="lewati isi contoh")

    def handle(self, *args, **opts):
        password = os.environ.get("DEMO_PASSWORD", "simpul-demo")
        rows = []
        for slug, name, short_name, kind in DEMO_INSTANSI:
            instansi = instansi_get(slug)
            if instansi is None:
                result = instansi_provision(
                    slug=slug,
                    name=name,
                    short_name=short_name,
                    kind=kind,
                    admin_email=f"admin@{slug}.{settings.SIMPUL_BASE_DOMAIN}",
                    admin_password=password,
                )
                instansi = result.instansi
                self.stdout.write(f"  dibuat {slug} dalam {result.seconds:.2f} s")
            else:
                with schema_context(slug):
                    user = get_user_model().objects.filter(username="admin").first()
                    if user is not None and not user.check_password(password):
                        user.set_password(password)
                        user.save(update_fields=["password"])
                    # An instansi made by an older release gets what newer provisioning steps
                    # add (pages, groups, permissions); every step is idempotent. The site's
                    # host and home title are left as its editors have them.
                    with transaction.atomic():
                        run_steps(
                            instansi,
                            user,
                            prepared=False,
                            skip=frozenset({"tenants.provisioning.configure_site"}),
                        )
            if not opts["no_content"]:
                for step in demo_steps:
                    with schema_context(slug):
                        step.run(instansi)
            rows.append(instansi)
        base = instansi_url(rows[0], "/").replace(f"{rows[0].schema_name}.", "", 1)
        self.stdout.write("")
        self.stdout.write(f"Portal kabupaten: {base}")
        for instansi in rows:
            console = (
                "  (konsol: " + instansi_url(instansi, "/console/") + ")"
                if instansi.is_super
                else ""
            )
            self.stdout.write(
                f"  {instansi.name:<45} {instansi_url(instansi)}  admin: {instansi_url(instansi, '/admin/')}{console}"
            )
        self.stdout.write(f"Login admin setiap instansi: admin / {password}")
