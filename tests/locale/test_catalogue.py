"""The admin's Indonesian catalogues: built from Wagtail's plus ours, complete for the strings
staff met in English, served to the admin's JavaScript, and no default Wagtail workflow."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation
from django_tenants.utils import schema_context

from tests.conftest import ROOT

MERGE = ROOT / "deploy" / "local" / "merge_wagtail_indonesian.py"

# Wagtail's msgids of strings the admin showed in English (sign-in, dashboard, menus, explorer,
# editor, workflow actions, registry forms, history, account settings).
SEEN_IN_ENGLISH = [
    "Forgotten password?",
    "Remember me",
    "Password",
    "Search all pages…",
    "Reports",
    "Help",
    "Workflows",
    "Workflow tasks",
    "Exploring",
    "Current page status:",
    "%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s",
    "More actions",
    "Autosave is paused",
    "The page could not be created due to validation errors.",
    "Request changes",
    "Approve",
    "Approve with comment",
    "%(label)s and Publish",
    "New: %(model_name)s",
    "Draft saved",
    "In progress",
    "Requested by",
    "Profile",
    "Theme preferences",
]


def load_merge_module():
    sys.path.insert(0, str(MERGE.parent))
    try:
        import merge_wagtail_indonesian
    finally:
        sys.path.remove(str(MERGE.parent))
    return merge_wagtail_indonesian


def test_committed_catalogues_are_what_the_sources_build():
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(MERGE), "--check"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_additions_keep_every_placeholder(domain):
    merge = load_merge_module()
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w+\}|%[sd]")
    entries = merge.read_po(ROOT / "locale" / "id" / "wagtail_additions" / f"{domain}.po")
    assert len(entries) > 40
    for key, value in entries.items():
        ids = key.decode().split("\x04")[-1].split("\0")
        wanted = set(placeholder.findall(ids[-1]))
        assert set(placeholder.findall(value.decode())) == wanted, ids[0]


def test_strings_staff_saw_in_english_are_indonesian():
    with translation.override("id"):
        for msgid in SEEN_IN_ENGLISH:
            assert translation.gettext(msgid) != msgid, msgid
        assert translation.gettext("Approve") == "Setujui"
        assert translation.gettext("%(label)s and Publish") % {
            "label": translation.gettext("Approve with comment")
        } == ("Setujui dengan komentar lalu terbitkan")


def test_admin_javascript_catalogue_is_indonesian(humas_admin):
    body = humas_admin.get("/admin/jsi18n/").content.decode()
    for text in ("Ciutkan semua", "Tindakan lain", "Sisipkan blok", "Bentangkan semua"):
        assert text in body, text


def test_no_default_wagtail_workflow_in_the_template_or_an_instansi(instansi):
    from django.conf import settings
    from wagtail.models import Collection, Page, Workflow, WorkflowPage

    for schema in (settings.SIMPUL_TEMPLATE_SCHEMA, "humas", "dinkes"):
        with schema_context(schema):
            assert not Workflow.objects.filter(name="Moderators approval").exists(), schema
            root = Page.objects.get(depth=1)
            assert root.title == "Akar"
            assert Collection.get_first_root_node().name == "Akar"
            assert not WorkflowPage.objects.filter(page__depth__lte=2).exists(), schema


def test_merge_reads_plural_and_context_entries(tmp_path: Path):
    merge = load_merge_module()
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: id\\n"\n\n'
        'msgctxt "menu"\nmsgid "Open"\nmsgstr "Buka"\n\n'
        'msgid "1 page"\nmsgid_plural "%(n)s pages"\nmsgstr[0] "%(n)s halaman"\n\n'
        '#, fuzzy\nmsgid "Guess"\nmsgstr "Tebakan"\n',
        encoding="utf-8",
    )
    entries = merge.read_po(po)
    assert entries == {
        b"menu\x04Open": b"Buka",
        b"1 page\x00%(n)s pages": b"%(n)s halaman",
    }


# Wagtail templates copied whole to translate English that Wagtail hard-codes: each copy must
# stay Wagtail's file with only these substitutions, so a Wagtail upgrade that changes the
# original fails here instead of silently serving the old copy.
COPIED_TEMPLATES = {
    "wagtailadmin/shared/header.html": (
        "admin",
        [('value="Search"', 'value="{% trans "Search" %}"')],
    ),
    "wagtailadmin/shared/headers/_actions.html": (
        "admin",
        [('aria-label="Actions"', 'aria-label="Tindakan"')],
    ),
    "wagtailadmin/workflows/includes/workflow_pages_form.html": (
        "admin",
        [
            (
                "{% formattedfield field=form.page sr_only_label=True %}",
                '{% trans "Page" as page_label %}{% formattedfield field=form.page '
                "sr_only_label=True label_text=page_label %}",
            )
        ],
    ),
    "wagtailusers/groups/includes/page_permissions_form.html": (
        "users",
        [
            (
                "{% formattedfield field=form.page sr_only_label=True %}",
                '{% trans "Page" as page_label %}{% formattedfield field=form.page '
                "sr_only_label=True label_text=page_label %}",
            )
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(COPIED_TEMPLATES))
def test_copied_wagtail_templates_match_wagtails_originals(name):
    import wagtail

    app, substitutions = COPIED_TEMPLATES[name]
    original = (Path(wagtail.__file__).parent / app / "templates" / name).read_text()
    for old, new in substitutions:
        assert old in original, f"Wagtail's {name} changed: re-copy it"
        original = original.replace(old, new)
    ours = (ROOT / "platform" / "simpul" / "templates" / name).read_text()
    ours = re.sub(r"\A\{% comment %\}.*?\{% endcomment %\}\n", "", ours, flags=re.S)
    assert ours == original


def test_copied_dashboard_template_differs_from_wagtails_only_where_documented():
    import wagtail

    original = (
        Path(wagtail.__file__).parent / "admin" / "templates" / "wagtailadmin" / "home.html"
    ).read_text()
    for needle in (
        'value="Search"',
        "{% block branding_welcome %}{{ site_name }}{% endblock %}",
        "{% component panel fallback_render_method=True %}",
    ):
        assert needle in original, f"Wagtail's home.html changed ({needle}): re-copy it"


def test_groups_screen_names_permissions_in_indonesian(humas_admin):
    body = humas_admin.get("/admin/groups/new/").content.decode()
    for english in ("Can add", "Can change", "Can delete", "Publish any page", "Unlock any page"):
        assert english not in body, english
    assert "Dapat menambah surat keputusan (SK)" in body
    assert "Terbitkan halaman mana pun" in body
