"""Create the "Evaluator Diskominfo" group in every super-tenant and give the role groups their
report permissions there (evaluation.roles.create_evaluator_group; for ones provisioned earlier)."""

from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from evaluation.roles import EVALUATOR_GROUP, create_evaluator_group
from tenants.models import Instansi


class Command(BaseCommand):
    help = "Buat grup 'Evaluator Diskominfo' di setiap super-tenant (Diskominfo)."

    def handle(self, *args, **options):
        for instansi in Instansi.objects.served().filter(kind=Instansi.Kind.SUPER):
            with schema_context(instansi.schema_name):
                create_evaluator_group(instansi, None)
            self.stdout.write(f"{instansi.schema_name}: grup {EVALUATOR_GROUP!r} tersedia")
