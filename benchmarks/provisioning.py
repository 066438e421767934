"""Provisioning: seconds per instansi by cloning the template vs by running every migration.

Usage: python benchmarks/provisioning.py [--counts 1,50] [--migrate-counts 50,200]
Prints the figures, checks each new instansi serves its home page, and rewrites the
"Provisioning" section of benchmarks/RESULTS.md.
"""

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (  # noqa: E402
    Timer,
    drop_tenants,
    ensure_tenants,
    migrate,
    setup_django,
    write_section,
)


def _provision_by_migrations(slug: str, name: str) -> None:
    """What provisioning costs without the template: django-tenants runs every migration.

    Migrations cannot run inside the provisioning transaction (PostgreSQL refuses ALTER TABLE
    with pending deferred-constraint events), so the schema is created the stock django-tenants
    way and the same provisioning steps then run in one transaction, as `instansi_provision` does.
    """
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.test import override_settings
    from django_tenants.utils import schema_context

    from tenants import services
    from tenants.hosts import forget_hosts
    from tenants.models import Domain, Instansi
    from tenants.provisioning import run_steps

    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False):
        instansi = Instansi(schema_name=slug, name=name)
        instansi.save(verbosity=0)
    with transaction.atomic():
        Domain.objects.create(
            domain=f"{slug}.{settings.SIMPUL_BASE_DOMAIN}", tenant=instansi, is_primary=True
        )
        with schema_context(slug):
            admin = services._create_admin(email="", name=name)
            run_steps(instansi, admin, prepared=False)
            admin.password = make_password("bench-password-123")
            admin.save(update_fields=["password"])
    forget_hosts()


def _provision(prefix: str, count: int, *, cloning: bool) -> list[float]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from tenants.services import instansi_provision

    seconds = []
    for index in range(count):
        slug = f"{prefix}{index:03d}"
        name = f"Instansi Uji {index}"
        with Timer() as timer:
            if cloning:
                instansi_provision(slug=slug, name=name, admin_password="bench-password-123")
            else:
                _provision_by_migrations(slug, name)
        seconds.append(timer.seconds)
        response = Client(HTTP_HOST=f"{slug}.{settings.SIMPUL_BASE_DOMAIN}").get("/")
        connection.set_schema_to_public()  # the request left the connection in the tenant
        assert response.status_code == 200 and name.encode() in response.content, (
            f"{slug} does not serve its home page ({response.status_code})"
        )
        print(
            f"  {'cloning' if cloning else 'migrations'} {index + 1}/{count}: "
            f"{timer.seconds:.2f} s",
            flush=True,
        )
    return seconds


def _migrate_check(count: int) -> tuple[float, int]:
    """`migrate_schemas` with nothing to apply over `count` instansi (multiprocessing executor)."""
    from django.core.management import call_command

    from tenants.models import Instansi

    drop_tenants("bc", keep=count)  # the check counts every schema: exactly `count` bulk ones
    ensure_tenants("bc", count)
    assert Instansi.objects.filter(schema_name__startswith="bc").count() >= count
    schemas = Instansi.objects.count()  # every tenant schema, the template included
    with Timer() as timer:
        call_command("migrate_schemas", interactive=False, verbosity=0, executor="multiprocessing")
    return timer.seconds, schemas


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", default="1,50")
    parser.add_argument("--migrate-counts", default="50,200")
    parser.add_argument(
        "--migration-sample",
        type=int,
        default=10,
        help="provision at most this many in a row by migrations (they are slow)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the bulk instansi (bc…) for growth.py"
    )
    args = parser.parse_args()
    setup_django()
    migrate()
    from tenants.services import template_ensure

    template_ensure()
    rows = []
    for count in [int(c) for c in args.counts.split(",")]:
        drop_tenants("bp")
        clone = _provision("bp", count, cloning=True)
        drop_tenants("bp")
        mig = _provision("bp", min(count, args.migration_sample), cloning=False)
        drop_tenants("bp")
        c, m = statistics.mean(clone), statistics.mean(mig)
        rows.append(
            f"| {count} | {c:.2f} | {max(clone):.2f} | {m:.2f} ({len(mig)} in a row) | "
            f"{max(mig):.2f} | {m / c:.1f}× |"
        )
        print(
            f"{count} instansi: cloning {c:.2f} s each (max {max(clone):.2f}), migrations {m:.2f} s each (max {max(mig):.2f}), ratio {m / c:.1f}×"
        )
    mig_rows = []
    for count in sorted(int(c) for c in args.migrate_counts.split(",")):
        seconds, schemas = _migrate_check(count)
        mig_rows.append(f"| {count} | {schemas} | {seconds:.1f} | {seconds / schemas * 1000:.0f} |")
        print(
            f"migrate_schemas (nothing to apply) over {count} bulk instansi "
            f"({schemas} tenant schemas in all, template included) + public: {seconds:.1f} s",
            flush=True,
        )
    if not args.keep:
        drop_tenants("bc")
    body = (
        "Every new instansi is checked to serve its home page with its name.\n\n"
        "| instansi in a row | cloning s/instansi (mean) | cloning max | migrations s/instansi (mean) | migrations max | ratio |\n"
        "|---:|---:|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n\n"
        "`migrate_schemas --executor=multiprocessing` with nothing to apply (target: 200 in < 60 s):\n\n"
        "| bulk instansi | tenant schemas in all | seconds | ms per schema |\n|---:|---:|---:|---:|\n"
        + "\n".join(mig_rows)
        + "\n\n"
        "Target: ≤ 1 s per instansi by cloning."
    )
    write_section(
        "Provisioning",
        f"python benchmarks/provisioning.py --counts {args.counts} --migrate-counts "
        f"{args.migrate_counts} --migration-sample {args.migration_sample}",
        body,
    )


if __name__ == "__main__":
    main()
