"""When rows last changed: the newest of some timestamp columns, per instansi or overall.

Each app's selectors name the tables and columns its figures come from and call these; the
console's freshness check (evaluation) reads them through those selectors only. Deleted rows
leave no timestamp, so a caller that must see deletions needs another signal.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.db.models import Max, Model

# (model, instansi foreign key name, timestamp fields): a public-schema table read for many
# instansi at once.
PublicSpec = tuple[type[Model], str, Sequence[str]]
# (model, timestamp fields): a table of the current schema.
SchemaSpec = tuple[type[Model], Sequence[str]]


def newest(*values: datetime.datetime | None) -> datetime.datetime | None:
    present = [value for value in values if value is not None]
    return max(present) if present else None


def newest_by_instansi(
    specs: Iterable[PublicSpec], instansi_ids: Sequence[int]
) -> dict[int, datetime.datetime | None]:
    """{instansi id: newest timestamp} over public-schema tables, one grouped query a table."""
    found: dict[int, datetime.datetime | None] = dict.fromkeys(instansi_ids)
    for model, field, stamps in specs:
        rows = (
            model.objects.filter(**{f"{field}_id__in": instansi_ids})
            .order_by()
            .values(f"{field}_id")
            .annotate(**{f"m_{stamp}": Max(stamp) for stamp in stamps})
        )
        for row in rows:
            key = row[f"{field}_id"]
            found[key] = newest(found[key], *(row[f"m_{stamp}"] for stamp in stamps))
    return found


def newest_in_schema(specs: Iterable[SchemaSpec]) -> datetime.datetime | None:
    """The newest timestamp over tables of the schema in use, one query a table."""
    found: list[datetime.datetime | None] = []
    for model, stamps in specs:
        found += model.objects.aggregate(**{f"m_{stamp}": Max(stamp) for stamp in stamps}).values()
    return newest(*found)
