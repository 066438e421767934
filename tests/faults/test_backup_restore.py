"""Backup and restore of one instansi (tenants/backup.py, backup_instansi / restore_instansi).

A committed instansi with a site, users, media, inquiries and referrals (a second instansi is
the other side of the referrals) is backed up once; the archive is restored under a new slug in
the test database (inside the test's transaction, so it is rolled back) and into a scratch
database, where a real server must render the site. Refusals leave nothing behind.
"""

import io
import json
import re
import shutil
import subprocess
import tarfile
import uuid
import warnings
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from tenants.backup import media_root_of
from tenants.models import Domain, Instansi
from tests.conftest import TEST_PASSWORD, _test_database_url, login_client, tenant_client

from . import harness

pytestmark = pytest.mark.django_db


def _fill(source: Instansi, peer: Instansi) -> dict:
    """Site pages, a user, a document, inquiries and referrals both ways."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from wagtail.documents.models import Document

    from inbox import services as inbox

    for step in harness.own_demo_steps():
        with schema_context(source.schema_name):
            step.run(source)
    with schema_context(source.schema_name):
        editor = get_user_model().objects.create_user(
            username="editor", email="editor@example.org", password=TEST_PASSWORD
        )
        editor.groups.add(Group.objects.get(name="Editor"))
        document = Document(
            title="Laporan uji", file=ContentFile(b"isi laporan uji", name="uji.txt")
        )
        document.save()
        document_url = document.url
        admin = get_user_model().objects.get(username="admin")
    with schema_context(source.schema_name):
        from sop import services as sop

        sop.sop_create_from_template(actor=None, template_key="sintang")
    inquiries = [
        inbox.inquiry_create(
            actor=None,
            instansi=source,
            kind=kind,
            channel="situs",
            body=f"Pesan uji {kind}",
            citizen_name="Warga Uji",
        )
        for kind in ("pertanyaan", "kritik", "saran")
    ]
    with schema_context(source.schema_name):
        inbox.inquiry_refer(
            actor=admin, instansi=source, inquiry_id=inquiries[0].pk, to_instansi=peer
        )
    incoming = inbox.inquiry_create(
        actor=None, instansi=peer, kind="pertanyaan", channel="situs", body="Dari mitra"
    )
    with schema_context(peer.schema_name):
        peer_admin = get_user_model().objects.get(username="admin")
        inbox.inquiry_refer(
            actor=peer_admin, instansi=peer, inquiry_id=incoming.pk, to_instansi=source
        )
    return {"document_url": document_url, "editor": editor.username}


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker, tmp_path_factory):
    """A committed source instansi (plus its referral peer) and its backup archive."""
    from tenants.services import instansi_provision

    tag = uuid.uuid4().hex[:6]
    source_slug, peer_slug = f"bk{tag}", f"bp{tag}"
    path = tmp_path_factory.mktemp("backup") / f"{source_slug}.tar.gz"
    with django_db_blocker.unblock():
        try:
            source = instansi_provision(
                slug=source_slug,
                name="Dinas Uji Cadangan",
                short_name="Uji Cadangan",
                admin_password=TEST_PASSWORD,
            ).instansi
            peer = instansi_provision(
                slug=peer_slug, name="Dinas Mitra Uji", admin_password=TEST_PASSWORD
            ).instansi
            info = _fill(source, peer)
            call_command("backup_instansi", slug=source_slug, out=str(path))
            connection.set_schema_to_public()
            yield {"path": path, "source": source, "peer": peer, **info}
        finally:
            connection.set_schema_to_public()
            harness.purge_instansi([source_slug, peer_slug])


def _manifest(path: Path) -> dict:
    with tarfile.open(path, "r:gz") as tar:
        return json.load(tar.extractfile("manifest.json"))


def _restored_slug() -> str:
    return f"rs{uuid.uuid4().hex[:8]}"


def test_archive_holds_schema_shared_rows_media_and_manifest(archive):
    manifest = _manifest(archive["path"])
    slug = archive["source"].schema_name
    assert manifest["slug"] == slug
    counts = manifest["counts"]
    assert counts["tenant_tables"]["wagtailcore_page"] >= 3
    assert counts["tenant_tables"]["auth_user"] == 2
    assert counts["media_files"] >= 1
    tables = counts["tenant_tables"]
    assert tables["registry_suratkeputusan"] >= 1
    assert tables["registry_officialaccount"] >= 1
    assert tables["sop_sop"] >= 1 and tables["sop_sopstep"] >= 1
    shared = counts["shared"]
    assert shared["tenants.instansi"] == 1
    assert shared["tenants.domain"] == 1
    assert shared["inbox.inquiry"] == 3  # its own; the peer's inquiry is only referenced
    assert shared["inbox.referral"] == 2  # sent and received
    assert shared["tenants.auditentry"] >= 4
    assert "tenants.apitoken" not in shared
    assert manifest["migrations"]["tenant"]
    with tarfile.open(archive["path"], "r:gz") as tar:
        names = tar.getnames()
    assert {"manifest.json", "schema.sql", "shared.json"} <= set(names)
    assert any(n.startswith("media/documents/") for n in names)


def _tenant_counts(slug: str) -> dict[str, int]:
    from tenants.backup import _table_counts

    return _table_counts(slug)


def test_restore_under_new_slug_in_same_database(archive, capsys):
    from inbox.models import Inquiry, Referral

    new = _restored_slug()
    try:
        call_command("restore_instansi", archive=str(archive["path"]), slug=new)
        out = capsys.readouterr().out
        assert f"Instansi {new} dipulihkan dari cadangan {archive['source'].schema_name}" in out
        manifest = _manifest(archive["path"])
        restored = Instansi.objects.get(schema_name=new)
        assert restored.name == archive["source"].name
        assert Domain.objects.get(tenant=restored).domain == f"{new}.{settings.SIMPUL_BASE_DOMAIN}"
        assert _tenant_counts(new) == manifest["counts"]["tenant_tables"]
        with schema_context(new):
            from wagtail.models import Site

            assert Site.objects.get(is_default_site=True).hostname == f"{new}.localhost"

        # every shared row came along, or is reported as left out (a directory entry that the
        # original still claims); the restore adds one audit entry of its own
        from django.apps import apps

        from tenants.backup import _owned_rows

        skipped = [
            line.split("dilewati: ", 1)[1] for line in out.splitlines() if "dilewati" in line
        ]
        owned = _owned_rows(restored)
        for label, expected in manifest["counts"]["shared"].items():
            left_out = sum(1 for line in skipped if line.startswith(f"{label}:"))
            extra = 1 if label == "tenants.auditentry" else 0
            assert len(owned[apps.get_model(label)]) - extra + left_out == expected, label
        assert all(line.startswith("tenants.accountdirectoryentry:") for line in skipped)

        # the peer exists here, so both referrals are kept
        inquiries = Inquiry.objects.filter(instansi=restored)
        assert inquiries.count() == 3
        originals = set(
            Inquiry.objects.filter(instansi=archive["source"]).values_list(
                "tracking_code", flat=True
            )
        )
        assert not originals & set(inquiries.values_list("tracking_code", flat=True))
        sent = Referral.objects.get(from_instansi=restored)
        assert sent.to_instansi == archive["peer"] and sent.inquiry.instansi == restored
        received = Referral.objects.get(to_instansi=restored)
        assert received.from_instansi == archive["peer"]
        assert received.inquiry.instansi == archive["peer"]
        assert restored.audit_entries.filter(action="instansi.restore_backup").exists()

        # the registry and the SOP came along and still work through their selectors
        from sop.models import Sop, SopStep
        from tenants.registry.selectors import official_account_list_active

        with schema_context(archive["source"].schema_name):
            accounts = sorted(official_account_list_active().values_list("url", flat=True))
            sops = Sop.objects.count()
            steps = SopStep.objects.count()
        with schema_context(new):
            assert sorted(official_account_list_active().values_list("url", flat=True)) == accounts
            assert accounts
            assert Sop.objects.count() == sops
            assert SopStep.objects.count() == steps

        # the site renders, its media is there, and its users can sign in
        home = tenant_client(new).get("/")
        assert home.status_code == 200
        assert archive["source"].name in home.content.decode()
        doc = tenant_client(new).get(archive["document_url"])
        assert doc.status_code == 200
        assert b"".join(doc.streaming_content) == b"isi laporan uji"
        assert login_client(new, archive["editor"]).get("/admin/").status_code == 200
        # the original is untouched
        assert tenant_client(archive["source"].schema_name).get("/").status_code == 200
    finally:
        shutil.rmtree(media_root_of(new), ignore_errors=True)


def _drop_database(name: str) -> None:
    """Clean-up, not the behaviour under test: on a machine busy with disk work dropping a
    database can take minutes, so a slow drop warns instead of failing the test."""
    try:
        subprocess.run(  # noqa: S603
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", name],
            capture_output=True,
            timeout=300,
        )
    except subprocess.TimeoutExpired:
        warnings.warn(f"database {name} was not dropped within 5 minutes", stacklevel=2)


def test_restore_into_fresh_database_serves_the_site(archive, tmp_path):
    name = f"simpul_restore_{uuid.uuid4().hex[:8]}"
    slug = archive["source"].schema_name
    fresh_url = harness.database_url(name)
    media = tmp_path / "media"
    media.mkdir()
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)  # noqa: S603
    try:
        env = harness.app_env(
            DATABASE_URL=fresh_url, MEDIA_ROOT=str(media), SIMPUL_CACHE_PREFIX=f"rs-{name}"
        )
        harness.manage("migrate_schemas", "--shared", "--noinput", env=env)
        done = harness.manage(
            "restore_instansi",
            "--in",
            str(archive["path"]),
            "--slug",
            slug,
            "--database-url",
            fresh_url,
            env={**env, "DATABASE_URL": _test_database_url()},
        )
        assert f"Instansi {slug} dipulihkan" in done.stdout
        # the peer does not exist there: what points at it is left out, and reported
        assert "dilewati" in done.stdout

        manifest = _manifest(archive["path"])
        with psycopg2.connect(host="127.0.0.1", user="postgres", dbname=name) as conn:
            cursor = conn.cursor()
            cursor.execute(
                "SELECT count(*) FROM inbox_inquiry i JOIN tenants_instansi t "
                "ON t.id = i.instansi_id WHERE t.schema_name = %s",
                [slug],
            )
            assert cursor.fetchone()[0] == 3
            # every table of the schema holds what the original held: the site, the users,
            # the registry (decrees, accounts, appointments) and the SOP alike
            tables = manifest["counts"]["tenant_tables"]
            for table in ("wagtailcore_page", "sop_sop", "sop_sopstep"):
                assert tables[table] > 0, table
            assert any(t.startswith("registry_") and n > 0 for t, n in tables.items())
            for table, expected in tables.items():
                cursor.execute(f'SELECT count(*) FROM "{slug}"."{table}"')  # noqa: S608
                assert cursor.fetchone()[0] == expected, table
            cursor.execute("SELECT domain FROM tenants_domain")
            assert cursor.fetchall() == [(f"{slug}.localhost",)]
        conn.close()
        assert (media / slug / "documents").is_dir()

        with harness.app_server(env, tmp_path / "server.log") as server:
            home = harness.get(server.url + "/", f"{slug}.localhost")
            assert home.status_code == 200
            assert archive["source"].name in home.text
            doc = harness.get(server.url + archive["document_url"], f"{slug}.localhost")
            assert doc.status_code == 200
            assert doc.content == b"isi laporan uji"
    finally:
        _drop_database(name)


# --- refusals: one Indonesian line, nothing half-restored -----------------------------------


def _nothing_restored(slug: str) -> None:
    assert not Instansi.objects.filter(schema_name=slug).exists()
    assert not schema_exists(slug)
    assert not Domain.objects.filter(domain__startswith=f"{slug}.").exists()
    assert not media_root_of(slug).exists()


def _rewrite(path: Path, out: Path, change) -> Path:
    """Copy an archive, letting `change(name, data) -> data` edit members."""
    with tarfile.open(path, "r:gz") as src, tarfile.open(out, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else None
            if data is not None:
                data = change(member.name, data)
                member.size = len(data)
                dst.addfile(member, io.BytesIO(data))
            else:
                dst.addfile(member)
    return out


def test_existing_slug_is_refused(archive):
    before = Instansi.objects.count()
    with pytest.raises(CommandError, match=r"^Instansi dengan slug 'humas' sudah ada"):
        call_command("restore_instansi", archive=str(archive["path"]), slug="humas")
    assert Instansi.objects.count() == before


def test_corrupt_archive_is_refused(archive, tmp_path):
    broken = tmp_path / "rusak.tar.gz"
    broken.write_bytes(archive["path"].read_bytes()[: archive["path"].stat().st_size // 2])
    slug = _restored_slug()
    with pytest.raises(CommandError, match=r"^Arsip rusak atau bukan cadangan Simpul"):
        call_command("restore_instansi", archive=str(broken), slug=slug)
    _nothing_restored(slug)

    not_gzip = tmp_path / "bukan.tar.gz"
    not_gzip.write_text("bukan arsip", encoding="utf-8")
    with pytest.raises(CommandError, match=r"^Arsip rusak"):
        call_command("restore_instansi", archive=str(not_gzip), slug=slug)
    _nothing_restored(slug)


def test_tampered_member_is_refused(archive, tmp_path):
    def change(name, data):
        return (
            data.replace(b"Pesan uji kritik", b"Pesan diubah!!") if name == "shared.json" else data
        )

    tampered = _rewrite(archive["path"], tmp_path / "ubah.tar.gz", change)
    slug = _restored_slug()
    with pytest.raises(CommandError, match=r"checksum shared.json tidak cocok"):
        call_command("restore_instansi", archive=str(tampered), slug=slug)
    _nothing_restored(slug)


def test_migration_state_mismatch_is_refused(archive, tmp_path):
    def change(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["tenant"].append("inbox.9999_dari_masa_depan")
        return json.dumps(manifest).encode()

    newer = _rewrite(archive["path"], tmp_path / "baru.tar.gz", change)
    slug = _restored_slug()
    with pytest.raises(CommandError, match=r"^Status migrasi arsip tidak cocok.*9999"):
        call_command("restore_instansi", archive=str(newer), slug=slug)
    _nothing_restored(slug)


def test_failure_after_schema_load_rolls_everything_back(archive, tmp_path):
    """A defect found late (row counts differ) undoes the schema, the rows and the media."""

    def change(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["counts"]["tenant_tables"]["wagtailcore_page"] += 1
        return json.dumps(manifest).encode()

    wrong = _rewrite(archive["path"], tmp_path / "salah.tar.gz", change)
    slug = _restored_slug()
    with pytest.raises(CommandError, match=r"Jumlah baris tabel wagtailcore_page tidak cocok"):
        call_command("restore_instansi", archive=str(wrong), slug=slug)
    _nothing_restored(slug)


def test_unknown_instansi_backup_is_refused(tmp_path):
    with pytest.raises(CommandError, match=r"^Instansi 'tidakada' tidak ditemukan"):
        call_command("backup_instansi", slug="tidakada", out=str(tmp_path / "x.tar.gz"))
    assert not (tmp_path / "x.tar.gz").exists()


def test_schema_rename_touches_schema_names_only(archive, tmp_path):
    """A new slug that is also a column name ("title") must not rename the column."""
    from tenants.backup import _rewritten_sql

    old = archive["source"].schema_name
    with tarfile.open(archive["path"], "r:gz") as tar:
        tar.extract("schema.sql", tmp_path, filter="data")
    chunks = list(_rewritten_sql(tmp_path / "schema.sql", old, "title"))
    statements = "".join(c[1] for c in chunks)
    assert 'CREATE SCHEMA "title";' in statements
    assert f'"{old}"' not in statements
    page_copy = next(c for c in chunks if c[0] == "copy" and '"title"."wagtailcore_page"' in c[1])
    assert '"numchild", "title", "slug"' in page_copy[1]  # the column list is intact
    assert '"draft_title"' in page_copy[1]


def _catalogue(schema: str) -> dict[str, list]:
    """What a schema is made of, with its own name taken out: relations and columns with their
    types and defaults, indexes and constraints with their definitions, sequence positions."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relkind, a.attname, format_type(a.atttypid, a.atttypmod),"
            " a.attnotnull, a.attidentity, pg_get_expr(d.adbin, d.adrelid)"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0"
            "  AND NOT a.attisdropped"
            " LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum"
            " WHERE n.nspname = %s ORDER BY 1, 3",
            [schema],
        )
        columns = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s ORDER BY 1", [schema]
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
            " JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = %s ORDER BY 1",
            [schema],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s ORDER BY 1",
            [schema],
        )
        sequences = cursor.fetchall()
    shape = {
        "columns": columns,
        "indexes": indexes,
        "constraints": constraints,
        "sequences": sequences,
    }
    return json.loads(
        json.dumps(shape, default=str).replace(f'\\"{schema}\\"', "S").replace(schema, "S")
    )


def test_schema_is_written_from_the_template_and_restores_identical(archive):
    """The archive's schema is the template's DDL around the instansi's own rows (not a
    pg_dump of the instansi, which reads every schema's catalogue); restored, it is the same
    schema: every relation, column, default, index, constraint, sequence position and row."""
    manifest = _manifest(archive["path"])
    assert manifest["schema_source"] == "template"
    source = archive["source"].schema_name
    with tarfile.open(archive["path"], "r:gz") as tar:
        sql = tar.extractfile("schema.sql").read().decode()
    assert settings.SIMPUL_TEMPLATE_SCHEMA not in sql
    assert f'CREATE SCHEMA "{source}";' in sql
    new = _restored_slug()
    try:
        call_command("restore_instansi", archive=str(archive["path"]), slug=new)
        restored, original = _catalogue(new), _catalogue(source)
        # Sequences move outside transactions (earlier tests' rolled-back rows advanced the
        # source's): the restored positions are the ones the archive recorded.
        recorded = dict(re.findall(r"setval\('\"[^\"]+\"\.\"([^\"]+)\"', (\d+), true\)", sql))
        assert recorded
        assert {name: str(value) for name, value in restored.pop("sequences") if value} == recorded
        original.pop("sequences")
        assert restored == original
        with connection.cursor() as cursor:
            for table in ("wagtailcore_page", "registry_officialaccount", "auth_user"):
                rows = {}
                for schema in (source, new):
                    cursor.execute(f'SELECT * FROM "{schema}"."{table}" ORDER BY 1')  # noqa: S608
                    rows[schema] = cursor.fetchall()
                assert rows[new] == rows[source] and rows[new], table
    finally:
        shutil.rmtree(media_root_of(new), ignore_errors=True)


@pytest.fixture(scope="module")
def unlike_template(django_db_setup, django_db_blocker):
    """A committed instansi with a table of its own that the template lacks."""
    from tenants.services import instansi_provision

    slug = f"bu{uuid.uuid4().hex[:6]}"
    with django_db_blocker.unblock():
        try:
            instansi_provision(slug=slug, name="Dinas Skema Lain", admin_password=TEST_PASSWORD)
            with connection.cursor() as cursor:
                cursor.execute(
                    f'CREATE TABLE "{slug}".catatan_lokal (id int PRIMARY KEY, isi text)'
                )
                cursor.execute(f"INSERT INTO \"{slug}\".catatan_lokal VALUES (7, 'tetap ada')")  # noqa: S608
            yield slug
        finally:
            connection.set_schema_to_public()
            harness.purge_instansi([slug])


def test_a_schema_unlike_the_template_is_dumped_by_pg_dump(unlike_template, tmp_path):
    """A schema with a table the template lacks cannot be written from the template's DDL:
    pg_dump writes it, and the extra table comes back with its rows."""
    from tenants.backup import instansi_backup_create

    new = _restored_slug()
    try:
        result = instansi_backup_create(slug=unlike_template, out=tmp_path / "lain.tar.gz")
        assert result.manifest["schema_source"] == "pg_dump"
        assert result.manifest["counts"]["tenant_tables"]["catatan_lokal"] == 1
        call_command("restore_instansi", archive=str(result.path), slug=new)
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT id, isi FROM "{new}".catatan_lokal')  # noqa: S608
            assert cursor.fetchall() == [(7, "tetap ada")]
    finally:
        shutil.rmtree(media_root_of(new), ignore_errors=True)


def test_backup_of_every_instansi_into_one_folder(archive, tmp_path, capsys):
    """--all writes one archive per served instansi, each from the template's DDL."""
    call_command("backup_instansi", all=True, out_dir=str(tmp_path))
    served = set(Instansi.objects.served().values_list("schema_name", flat=True))
    written = {p.name.removesuffix(".tar.gz") for p in tmp_path.glob("*.tar.gz")}
    assert written == served
    assert archive["source"].schema_name in written
    assert not list(tmp_path.glob("*.partial"))
    for slug in (archive["source"].schema_name, "humas"):
        manifest = _manifest(tmp_path / f"{slug}.tar.gz")
        assert manifest["slug"] == slug and manifest["schema_source"] == "template"
    out = capsys.readouterr().out
    assert f"{len(served)} dari {len(served)} instansi dicadangkan" in out


def test_backup_arguments_are_checked(tmp_path):
    with pytest.raises(CommandError, match="Beri --slug dan --out"):
        call_command("backup_instansi", slug="humas")
    with pytest.raises(CommandError, match="Dengan --all, beri --out-dir saja"):
        call_command("backup_instansi", all=True, slug="humas", out_dir=str(tmp_path))
    with pytest.raises(CommandError, match="Folder tujuan tidak ada"):
        call_command("backup_instansi", all=True, out_dir=str(tmp_path / "tidak-ada"))
