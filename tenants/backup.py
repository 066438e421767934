"""Backup and restore of one instansi: its schema, its rows in shared tables and its media.

An archive (`.tar.gz`) holds four things, each checked by a SHA-256 in the manifest:

- `manifest.json`: format version, slug, applied migrations, row counts, checksums;
- `schema.sql`: `pg_dump` of the instansi's schema (plain SQL, every identifier quoted, so the
  schema name can be rewritten safely outside the COPY data);
- `shared.json`: the instansi's rows in public-schema tables. They are found through the models,
  not a list: every model of a shared app with a foreign key to `tenants.Instansi`, then every
  row that references a row already taken (inquiry → referrals, events, notifications …);
- `media/…`: the instansi's media folder (`MEDIA_ROOT/<schema>/`).

A restore goes into the current database under a new slug, or into another database with a
migrated public schema (the command repoints the connection). It is all or nothing: one
transaction creates the schema, the Instansi and Domain, and the shared rows, and the media
folder is moved into place only when that transaction has succeeded.

Shared rows get new primary keys. A foreign key to a row outside the archive (another
instansi, a rubric) is looked up in the target by its natural identity (slug, a unique field
or constraint): found, it is kept; missing, it is emptied when the field allows it, otherwise
the row is left out and reported — the copied names on the rows (`requested_by_name` …) keep
what can be kept.
"""

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from core.audit import audit_record
from core.errors import Conflict, NotFound, SimpulError

from .hosts import forget_hosts
from .models import Domain, Instansi
from .services import validate_slug
from .template_sql import rename_schema, template_sql

FORMAT_VERSION = 1
MEMBERS = ("manifest.json", "schema.sql", "shared.json")
# Rows never copied, with the reason. Everything else linked to the instansi is.
EXCLUDED_MODELS = {
    # Secrets: a restored instansi gets new tokens from its operator, never the old keys.
    "tenants.apitoken",
    # A replay cache of API answers: transient, and its keys belong to the original's clients.
    "inbox.idempotencyrecord",
}
_COPY_RE = re.compile(r"^COPY .* FROM stdin;$")


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    seconds: float


@dataclass
class RestoreResult:
    instansi: Instansi
    manifest: dict
    shared_counts: dict[str, int]
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0


# --- what belongs to an instansi ---------------------------------------------------------------


def shared_models() -> list[type[models.Model]]:
    """Models stored only in the public schema (apps in SHARED_APPS and not in TENANT_APPS)."""
    tenant_apps = set(settings.TENANT_APPS)
    names = [name for name in settings.SHARED_APPS if name not in tenant_apps]
    found = []
    for config in apps.get_app_configs():
        if config.name in names:
            found.extend(
                m
                for m in config.get_models()
                if not m._meta.proxy and m._meta.managed and m._meta.label_lower
            )
    return found


def _forward_fks(model) -> list[models.Field]:
    return [
        f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)
    ]


def _owned_rows(instansi: Instansi) -> dict[type[models.Model], set]:
    """Every shared row of `instansi`: direct Instansi FKs, then rows referencing those."""
    candidates = [
        m
        for m in shared_models()
        if m is not Instansi and m._meta.label_lower not in EXCLUDED_MODELS
    ]
    owned: dict[type[models.Model], set] = defaultdict(set)
    owned[Instansi].add(instansi.pk)
    grew = True
    while grew:
        grew = False
        for model in candidates:
            query = models.Q()
            for fk in _forward_fks(model):
                target_pks = owned.get(fk.related_model)
                if target_pks:
                    query |= models.Q(**{f"{fk.attname}__in": list(target_pks)})
            if not query:
                continue
            pks = set(model._default_manager.filter(query).values_list("pk", flat=True))
            if pks - owned[model]:
                owned[model] |= pks
                grew = True
    return owned


def _natural_fields(model) -> list[str] | None:
    """Fields that identify a row of `model` in any database (its natural identity)."""
    if model is Instansi:
        return ["schema_name"]
    for f in model._meta.concrete_fields:
        if f.unique and not f.primary_key:
            return [f.name]
    for constraint in model._meta.constraints:
        unique = isinstance(constraint, models.UniqueConstraint)
        if unique and constraint.condition is None and constraint.fields:
            return list(constraint.fields)
    for fields in model._meta.unique_together:
        return list(fields)
    return None


def _identity(model, pk, refs: dict[str, dict]) -> str:
    """Record how to find row `pk` of `model` in another database; returns its ref key."""
    key = f"{model._meta.label_lower}:{pk}"
    if key in refs:
        return key
    refs[key] = {"model": model._meta.label_lower, "lookup": None}
    names = _natural_fields(model)
    row = model._default_manager.filter(pk=pk).first()
    if names is None or row is None:
        return key
    lookup: dict[str, Any] = {}
    for name in names:
        f = model._meta.get_field(name)
        value = getattr(row, f.attname)
        if f.is_relation and value is not None:
            lookup[name] = {"ref": _identity(f.related_model, value, refs)}
        else:
            lookup[name] = f.value_to_string(row) if not isinstance(value, str) else value
    refs[key]["lookup"] = lookup
    return key


def _dependency_order(models_: list) -> list:
    """Models sorted so that every FK target among them comes first."""
    ordered: list = []
    pending = list(models_)
    while pending:
        for model in pending:
            deps = {f.related_model for f in _forward_fks(model)} - {model}
            if not (deps & set(pending)):
                ordered.append(model)
                pending.remove(model)
                break
        else:  # a cycle: keep the remaining order
            ordered.extend(pending)
            break
    return ordered


# --- backup --------------------------------------------------------------------------------------


def _db_env() -> tuple[list[str], dict]:
    db = connection.settings_dict
    args = [
        f"--host={db.get('HOST') or '127.0.0.1'}",
        f"--port={db.get('PORT') or 5432}",
        f"--username={db.get('USER') or 'postgres'}",
        f"--dbname={db['NAME']}",
    ]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _applied_migrations(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY app, name')  # noqa: S608
        return [f"{app}.{name}" for app, name in cursor.fetchall()]


def _table_counts(schema: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        # pg_class by namespace, not information_schema.tables (it reads every schema's rows).
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY c.relname",
            [schema],
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_root_of(schema: str) -> Path:
    return Path(settings.MEDIA_ROOT) / schema


def instansi_backup_create(*, slug: str, out: Path) -> BackupResult:
    """Write `slug`'s archive to `out`: schema, shared rows, media and manifest."""
    started = time.perf_counter()
    instansi = Instansi.objects.served().filter(schema_name=slug).first()
    if instansi is None or not schema_exists(slug):
        raise NotFound(f"Instansi {slug!r} tidak ditemukan.", field="slug")
    out = Path(out)
    if not out.parent.is_dir():
        raise SimpulError(f"Folder tujuan tidak ada: {out.parent}", field="out")
    with tempfile.TemporaryDirectory(prefix="simpul-backup-") as tmp_name:
        tmp = Path(tmp_name)
        standalone = not connection.in_atomic_block
        with transaction.atomic():
            snapshot = None
            if standalone:
                # One snapshot for pg_dump and the shared rows: the archive is consistent.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    cursor.execute("SELECT pg_export_snapshot()")
                    snapshot = cursor.fetchone()[0]
            schema_source = _dump_schema(slug, tmp / "schema.sql", snapshot)
            shared, shared_counts = _dump_shared(instansi)
            (tmp / "shared.json").write_text(
                json.dumps(shared, cls=DjangoJSONEncoder, ensure_ascii=False), encoding="utf-8"
            )
            tenant_counts = _table_counts(slug)
            tenant_migrations = _applied_migrations(slug)
            public_migrations = _applied_migrations("public")
        media = media_root_of(slug)
        media_files = sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []
        manifest = {
            "format": FORMAT_VERSION,
            "kind": "simpul-instansi-backup",
            "slug": slug,
            "name": instansi.name,
            "base_domain": settings.SIMPUL_BASE_DOMAIN,
            "created_at": timezone.now().isoformat(),
            "migrations": {"tenant": tenant_migrations, "public": public_migrations},
            # How schema.sql was written: the template's DDL around the rows, or pg_dump.
            "schema_source": schema_source,
            "counts": {
                "tenant_tables": tenant_counts,
                "shared": shared_counts,
                "media_files": len(media_files),
            },
            "checksums": {name: _sha256(tmp / name) for name in ("schema.sql", "shared.json")},
        }
        for path in media_files:
            manifest["checksums"][f"media/{path.relative_to(media).as_posix()}"] = _sha256(path)
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            for name in MEMBERS:
                archive.add(tmp / name, arcname=name)
            for path in media_files:
                archive.add(path, arcname=f"media/{path.relative_to(media).as_posix()}")
        partial.replace(out)  # a half-written archive never carries the final name
    return BackupResult(out, manifest, time.perf_counter() - started)


def _dump_schema(slug: str, path: Path, snapshot: str | None) -> str:
    """Write `slug`'s schema as plain SQL to `path`; how it was written ("template" or
    "pg_dump").

    An instansi whose tables and migrations are the template's is written as the template's DDL
    (tenants.template_sql: dumped once, shared by every process) around its own rows, copied on
    this connection, in this transaction's snapshot: the cost of what the instansi holds. Any
    other schema (one that lags or differs) is dumped by `pg_dump` alone, which reads the
    catalogue of every schema first (5.9 s at 1,000 instansi against 0.3 s at 10).
    """
    template = settings.SIMPUL_TEMPLATE_SCHEMA
    tables = _same_tables(slug, template)
    if tables is not None:
        before = template_sql(template, "pre-data")
        after = template_sql(template, "post-data") if before is not None else None
        if after is not None:
            with path.open("w", encoding="utf-8") as handle:
                handle.write(_ddl(before, template, slug))
                _write_rows(slug, tables, handle)
                handle.write(_ddl(after, template, slug))
            return "template"
    _pg_dump_schema(slug, path, snapshot)
    return "pg_dump"


def _shape(schemas: list[str]) -> dict[str, dict]:
    """Per schema: {relation: (kind, [column, ...])} for its tables, sequences and views.
    One catalogue query, by namespace oid (no `information_schema` view: those read every
    schema's catalogue)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, c.relname, c.relkind,"
            " array_remove(array_agg(a.attname::text ORDER BY a.attnum), NULL)"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0"
            "  AND NOT a.attisdropped AND a.attgenerated = ''"
            " WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p', 'S', 'v', 'm')"
            " GROUP BY n.nspname, c.relname, c.relkind",
            [schemas],
        )
        shape: dict[str, dict] = {schema: {} for schema in schemas}
        for schema, relation, kind, columns in cursor.fetchall():
            shape[schema][relation] = (kind, columns)
    return shape


def _same_tables(slug: str, template: str) -> dict[str, tuple] | None:
    """`slug`'s relations when its migrations, relations and columns are the template's, else
    None (the template's DDL would not be its own)."""
    if _applied_migrations(slug) != _applied_migrations(template):
        return None
    shape = _shape([slug, template])
    if not shape[slug] or shape[slug] != shape[template]:
        return None
    return shape[slug]


def _ddl(sql: str, template: str, slug: str) -> str:
    """A part of the template's dump moved to `slug`, without pg_dump's comment lines (they
    name the template)."""
    lines = (line for line in sql.splitlines(keepends=True) if not line.startswith("--"))
    return rename_schema("".join(lines), template, slug)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _write_rows(slug: str, relations: dict[str, tuple], handle) -> None:
    """Each table's rows as pg_dump writes them (`COPY … FROM stdin;`, rows, `\\.`), then
    each sequence's position (`setval`), read on this connection."""
    schema = _quoted(slug)
    sequences = sorted(r for r, (kind, _) in relations.items() if kind == "S")
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for relation, (kind, columns) in sorted(relations.items()):
            if kind not in ("r", "p") or not columns:
                continue
            table = f"{schema}.{_quoted(relation)}"
            column_list = ", ".join(_quoted(c) for c in columns)
            handle.write(f"COPY {table} ({column_list}) FROM stdin;\n")
            handle.flush()
            raw.copy_expert(f"COPY {table} ({column_list}) TO STDOUT", handle)
            handle.write("\\.\n\n")
        if not sequences:
            return
        raw.execute(
            " UNION ALL ".join(
                f"SELECT %s, last_value, is_called FROM {schema}.{_quoted(s)}"  # noqa: S608 - names from the catalogue, quoted
                for s in sequences
            ),
            sequences,
        )
        positions = raw.fetchall()
    for sequence, last_value, is_called in positions:
        name = f"{schema}.{_quoted(sequence)}".replace("'", "''")
        handle.write(
            f"SELECT pg_catalog.setval('{name}', {int(last_value)}, "
            f"{'true' if is_called else 'false'});\n"
        )
    handle.write("\n")


def _pg_dump_schema(slug: str, path: Path, snapshot: str | None) -> None:
    args, env = _db_env()
    cmd = [
        "pg_dump",
        *args,
        f"--schema={slug}",
        "--format=plain",
        "--no-owner",
        "--no-privileges",
        "--quote-all-identifiers",
        f"--file={path}",
    ]
    if snapshot:
        cmd.append(f"--snapshot={snapshot}")
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SimpulError(f"pg_dump gagal dijalankan: {exc}") from exc
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["tanpa pesan"])[0]
        raise SimpulError(f"pg_dump gagal: {first}")


def _dump_shared(instansi: Instansi) -> tuple[dict, dict[str, int]]:
    owned = _owned_rows(instansi)
    order = _dependency_order(list(owned))
    refs: dict[str, dict] = {}
    rows: list[dict] = []
    counts: dict[str, int] = {}
    for model in order:
        pks = owned[model]
        if not pks:
            continue
        queryset = model._default_manager.filter(pk__in=pks).order_by("pk")
        label = model._meta.label_lower
        counts[label] = len(pks)
        for obj, row in zip(queryset, serializers.serialize("python", queryset), strict=True):
            for fk in _forward_fks(model):
                value = getattr(obj, fk.attname)
                if value is not None and value not in owned.get(fk.related_model, ()):
                    _identity(fk.related_model, value, refs)
            for m2m in model._meta.many_to_many:
                for value in row["fields"].get(m2m.name, []):
                    if value not in owned.get(m2m.related_model, ()):
                        _identity(m2m.related_model, value, refs)
            rows.append(row)
    return {"rows": rows, "refs": refs}, counts


# --- restore -------------------------------------------------------------------------------------


def _read_archive(archive: Path, tmp: Path) -> dict:
    """Unpack and verify an archive; any defect is one clear error and nothing is written."""
    corrupt = "Arsip rusak atau bukan cadangan Simpul"
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            for member in members:
                name = member.name
                ok = (name in MEMBERS or name.startswith("media/")) and ".." not in name.split("/")
                if not ok or not (member.isfile() or member.isdir()):
                    raise SimpulError(f"{corrupt}: isi tak dikenal {name!r}.")
            tar.extractall(tmp, filter="data")
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise SimpulError(f"{corrupt}: {exc.__class__.__name__}.") from exc
    try:
        manifest = json.loads((tmp / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SimpulError(f"{corrupt}: manifest tidak terbaca.") from exc
    if manifest.get("kind") != "simpul-instansi-backup" or manifest.get("format") != FORMAT_VERSION:
        raise SimpulError(f"{corrupt}: format {manifest.get('format')!r} tidak didukung.")
    checksums = manifest.get("checksums") or {}
    present = {p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file()}
    if present - {"manifest.json"} != set(checksums):
        raise SimpulError(f"{corrupt}: daftar berkas tidak sesuai manifest.")
    for name, expected in checksums.items():
        if _sha256(tmp / name) != expected:
            raise SimpulError(f"{corrupt}: checksum {name} tidak cocok.")
    return manifest


def _check_migrations(manifest: dict) -> None:
    target = set(_applied_migrations("public"))
    for scope in ("tenant", "public"):
        source = set(manifest["migrations"][scope])
        if source != target:
            differ = sorted(source ^ target)
            raise SimpulError(
                f"Status migrasi arsip tidak cocok dengan basis data tujuan ({len(differ)} "
                f"migrasi berbeda, mis. {differ[0]}); samakan versi aplikasi lalu ulangi."
            )


def _rewritten_sql(path: Path, old: str, new: str):
    """Yield ("sql", text) and ("copy", statement, data) chunks with the schema renamed.

    Only statements are rewritten, never COPY data, and only the schema's own name: with every
    identifier quoted it appears as `"old".` (a qualified name) or `SCHEMA "old"`, so a column
    that happens to share the slug's name is left alone. Session settings become
    transaction-local.
    """
    buffer: list[str] = []
    with path.open(encoding="utf-8") as handle:
        lines = iter(handle)
        for line in lines:
            if line.startswith(("--", "\\restrict", "\\unrestrict")) or not line.strip():
                continue  # comments, and psql's meta-commands that guard plain dumps
            if line.startswith("SET "):
                line = "SET LOCAL " + line[4:]
            line = line.replace(
                "set_config('search_path', '', false)", "set_config('search_path', '', true)"
            )
            line = rename_schema(line, old, new)
            if _COPY_RE.match(line.rstrip("\n")):
                if buffer:
                    yield ("sql", "".join(buffer))
                    buffer = []
                data = []
                for data_line in lines:
                    if data_line == "\\.\n":
                        break
                    data.append(data_line)
                yield ("copy", line.rstrip("\n").rstrip(";"), "".join(data))
                continue
            buffer.append(line)
    if buffer:
        yield ("sql", "".join(buffer))


def _load_schema(path: Path, old: str, new: str) -> None:
    try:
        with connection.cursor() as cursor, connection.wrap_database_errors:
            raw = cursor.cursor
            for chunk in _rewritten_sql(path, old, new):
                if chunk[0] == "sql":
                    raw.execute(chunk[1])
                else:
                    raw.copy_expert(chunk[1], io.StringIO(chunk[2]))
    finally:
        # The dump emptied search_path for this transaction; with TENANT_LIMIT_SET_CALLS
        # django-tenants would not set it again, so make its next cursor do so.
        connection.search_path_set_schemas = None


class _Unresolved(Exception):
    pass


class _Resolver:
    """Maps archive primary keys to target ones: copied rows, or rows found by identity."""

    def __init__(self, refs: dict[str, dict]):
        self.refs = refs
        self.copied: dict[str, Any] = {}
        self.cache: dict[str, Any] = {}

    def target_pk(self, model, pk) -> Any:
        key = f"{model._meta.label_lower}:{pk}"
        if key in self.copied:
            return self.copied[key]
        if key not in self.cache:
            self.cache[key] = self._lookup(key)
        if self.cache[key] is None:
            raise _Unresolved(key)
        return self.cache[key]

    def _lookup(self, key: str) -> Any:
        ref = self.refs.get(key)
        if not ref or not ref.get("lookup"):
            return None
        model = apps.get_model(ref["model"])
        filters = {}
        for name, value in ref["lookup"].items():
            f = model._meta.get_field(name)
            if isinstance(value, dict) and "ref" in value:
                target = self.cache.get(value["ref"]) or self.copied.get(value["ref"])
                if target is None:
                    target = self._lookup(value["ref"])
                if target is None:
                    return None
                filters[f.attname] = target
            else:
                filters[name] = f.to_python(value)
        return model._default_manager.filter(**filters).values_list("pk", flat=True).first()


def _unique_value(model, f, value: str, slug: str) -> str:
    """A value for unique field `f` that no row of the target holds yet."""
    manager = model._default_manager
    if not manager.filter(**{f.name: value}).exists():
        return value
    max_length = f.max_length or 255
    for attempt in range(100):
        suffix = f"-{slug}" if attempt == 0 else f"-{slug}{attempt}"
        candidate = value[: max_length - len(suffix)] + suffix
        if not manager.filter(**{f.name: candidate}).exists():
            return candidate
    raise SimpulError(f"Tidak dapat membuat nilai unik untuk {model._meta.label}.{f.name}.")


def _restore_shared(shared: dict, *, old_slug: str, slug: str, name: str | None):
    resolver = _Resolver(shared.get("refs") or {})
    counts: dict[str, int] = defaultdict(int)
    skipped: list[str] = []
    base = settings.SIMPUL_BASE_DOMAIN
    instansi = None
    for row in shared["rows"]:
        model = apps.get_model(row["model"])
        key = f"{row['model']}:{row['pk']}"
        fields = dict(row["fields"])
        if model is Instansi:
            fields.update(schema_name=slug, is_template=False)
            if name:
                fields["name"] = name
        try:
            for fk in _forward_fks(model):
                value = fields.get(fk.name)
                if value is None:
                    continue
                try:
                    fields[fk.name] = resolver.target_pk(fk.related_model, value)
                except _Unresolved:
                    if not fk.null:
                        raise
                    fields[fk.name] = None
            for m2m in model._meta.many_to_many:
                kept = []
                for value in fields.get(m2m.name, []):
                    try:
                        kept.append(resolver.target_pk(m2m.related_model, value))
                    except _Unresolved:
                        continue
                fields[m2m.name] = kept
        except _Unresolved as exc:
            skipped.append(f"{key} (merujuk {exc.args[0]} yang tidak ada di tujuan)")
            continue
        if model is Domain:
            if fields.get("is_primary"):
                fields["domain"] = f"{slug}.{base}"
            elif Domain.objects.filter(domain=fields["domain"]).exists():
                skipped.append(f"{key} (domain {fields['domain']} sudah dipakai)")
                continue
        for f in model._meta.concrete_fields:
            if (
                f.unique
                and not f.primary_key
                and not f.is_relation
                and isinstance(f, models.CharField)
                and fields.get(f.name)
                and model is not Instansi
            ):
                fields[f.name] = _unique_value(model, f, fields[f.name], slug)
        (obj,) = serializers.deserialize(
            "python", [{"model": row["model"], "pk": None, "fields": fields}]
        )
        try:
            with transaction.atomic():
                obj.save()
        except IntegrityError as exc:
            if model is Instansi:
                raise
            # A row the target already holds under a unique rule (an official account that
            # the original instansi still claims in the regency directory): leave it out.
            first = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
            skipped.append(f"{key} (bentrok dengan data di tujuan: {first})")
            continue
        resolver.copied[key] = obj.object.pk
        counts[row["model"]] += 1
        if model is Instansi:
            instansi = obj.object
    if instansi is None:
        raise SimpulError("Arsip rusak atau bukan cadangan Simpul: baris instansi tidak ada.")
    return instansi, dict(counts), skipped


def _rehost_site(slug: str, old_slug: str, old_base: str) -> None:
    from wagtail.models import Site

    with schema_context(slug):
        new_host = f"{slug}.{settings.SIMPUL_BASE_DOMAIN}"
        sites = Site.objects.all()
        for site in sites:
            if site.hostname in {f"{old_slug}.{old_base}", old_slug} or site.is_default_site:
                site.hostname = new_host
                site.save(update_fields=["hostname"])


def instansi_backup_restore(
    *, archive: Path, slug: str, name: str | None = None, actor=None
) -> RestoreResult:
    """Restore an archive as instansi `slug` in the current database, all or nothing."""
    started = time.perf_counter()
    slug = validate_slug(slug)
    archive = Path(archive)
    if not archive.is_file():
        raise NotFound(f"Berkas arsip tidak ditemukan: {archive}", field="in")
    if Instansi.objects.filter(schema_name=slug).exists() or schema_exists(slug):
        raise Conflict(f"Instansi dengan slug {slug!r} sudah ada; pilih slug lain.", field="slug")
    if Domain.objects.filter(domain=f"{slug}.{settings.SIMPUL_BASE_DOMAIN}").exists():
        raise Conflict(f"Domain {slug}.{settings.SIMPUL_BASE_DOMAIN} sudah dipakai.", field="slug")
    media_target = media_root_of(slug)
    if media_target.exists() and any(media_target.iterdir()):
        raise Conflict(f"Folder media {media_target} sudah berisi berkas; kosongkan dahulu.")
    media_target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=media_target.parent) as tmp_name:
        tmp = Path(tmp_name)
        manifest = _read_archive(archive, tmp)
        _check_migrations(manifest)
        old_slug = manifest["slug"]
        shared = json.loads((tmp / "shared.json").read_text(encoding="utf-8"))
        moved = False
        try:
            with transaction.atomic():
                _load_schema(tmp / "schema.sql", old_slug, slug)
                instansi, shared_counts, skipped = _restore_shared(
                    shared, old_slug=old_slug, slug=slug, name=name
                )
                _rehost_site(slug, old_slug, manifest.get("base_domain", ""))
                restored = _table_counts(slug)
                expected = manifest["counts"]["tenant_tables"]
                if restored != expected:
                    differ = sorted(
                        t
                        for t in set(restored) | set(expected)
                        if restored.get(t) != expected.get(t)
                    )
                    raise SimpulError(
                        f"Jumlah baris tabel {differ[0]} tidak cocok setelah pemulihan."
                    )
                audit_record(
                    actor=actor,
                    action="instansi.restore_backup",
                    obj=instansi,
                    instansi=instansi,
                    summary=f"Instansi {instansi.name} ({slug}) dipulihkan dari cadangan {old_slug}",
                    after={"source_slug": old_slug, "skipped": len(skipped)},
                )
                if (tmp / "media").is_dir():
                    if media_target.exists():
                        media_target.rmdir()
                    (tmp / "media").rename(media_target)
                    moved = True
        except DatabaseError as exc:
            if moved:
                shutil.rmtree(media_target, ignore_errors=True)
            first = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
            raise SimpulError(f"Pemulihan gagal, tidak ada yang diubah: {first}") from exc
        except BaseException:
            if moved:
                shutil.rmtree(media_target, ignore_errors=True)
            raise
        finally:
            connection.set_schema_to_public()
    forget_hosts()
    return RestoreResult(instansi, manifest, shared_counts, skipped, time.perf_counter() - started)
