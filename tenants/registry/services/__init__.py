"""Writes of the registry: decrees (SK), official accounts, appointments, audience figures.

Every public function here is an action (`core.actions.action`): it runs in the current
instansi's schema in one durable transaction, checks the registry permission it names, leaves an
audit row and Wagtail's history line per change, and keeps the public-schema account directory
in step inside that same transaction, so the directory's unique constraints settle races between
instansi and its rows appear exactly when the registry change commits.

One module per seam: `decrees`, `accounts`, `appointments`, `audience`, `csv_import`,
`reminders`, and `directory` (the regency-wide index the others keep in step).
"""

from .accounts import account_create, account_reactivate, account_retire, account_update
from .appointments import appointment_create, appointment_end, appointment_update
from .audience import audience_record
from .csv_import import CSV_MAX_ROWS, audience_import_csv
from .decrees import DECREE_FIELDS, decree_create, decree_replace, decree_revoke, decree_update
from .directory import directory_rebuild, directory_sync_account
from .reminders import reminders_refresh

__all__ = [
    "CSV_MAX_ROWS",
    "DECREE_FIELDS",
    "account_create",
    "account_reactivate",
    "account_retire",
    "account_update",
    "appointment_create",
    "appointment_end",
    "appointment_update",
    "audience_import_csv",
    "audience_record",
    "decree_create",
    "decree_replace",
    "decree_revoke",
    "decree_update",
    "directory_rebuild",
    "directory_sync_account",
    "reminders_refresh",
]
