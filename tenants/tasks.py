"""Celery tasks of the tenants app."""

import logging

from celery import shared_task
from django.db import connection

logger = logging.getLogger("simpul.tenants")


@shared_task
def current_schema() -> str:
    """The schema the task ran in: proves tasks follow the schema they were sent from."""
    return connection.schema_name


@shared_task
def check_template_schema() -> list[str]:
    """Log when the clone template lags behind the code's migrations (provisioning would refuse).

    One task by nature: it checks the one template schema, no instansi.
    """
    from .services import template_pending_migrations

    pending = template_pending_migrations()
    if pending:
        logger.error("clone template lags %d migrations: run migrate_schemas", len(pending))
    return pending


@shared_task(ignore_result=True)
def refill_spare_schemas() -> list[str]:
    """Drop spare schemas that lag the template and clone new ones up to the pool's size.

    One task by nature: the spare pool belongs to no instansi, and refills must not race.
    """
    from .pool import spare_refill

    made = spare_refill()
    if made:
        logger.info("spare schemas made: %s", ", ".join(made))
    return made
