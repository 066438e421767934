"""In headless Chromium: every admin and console screen a staff member can reach reads Indonesian.

Each role signs in as a user would (the humas admin, the Sintang SOP's Staf, Kasubbag and Kabag,
and Diskominfo's evaluator through two-factor sign-in), then the admin is crawled breadth-first
from the dashboard: menus (the sidebar's own data included), listings, edit and create forms,
history, account settings and reports. Visible text, the text of folded dropdown menus and the
button/aria-label/placeholder/title attributes are checked for English UI words. Links that
change state (log out, delete, unpublish, revert, lock, copy, move) are never followed.
"""

import json
import re
import uuid
from collections import deque
from urllib.parse import urljoin, urlparse

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import ROOT, browser_login, url_for

# Common English UI words, matched as whole words and case-sensitively: the capitalised forms
# are Wagtail's labels, the lower-case ones the glue of English sentences. Words Indonesian
# shares with English ("Status", "Menu", "Media", "Data", "Admin", "Editor", "Filter", "Email",
# "Info", "Platform", "Format", "Program", "Total", "Online", "Port", "Token") are not on it.
_GLUE = (
    "the and of or to for with your you this that these those is are was were be been has have "
    "will can not all any from into by at on off its their there which when where what who "
    "please other only more than here "
    # Lower-case UI words no Indonesian text uses (labels such as "Can add page").
    "Can add change delete edit save search page pages image images document documents "
    "settings workflow draft cancel submit password profile required preview publish "
    "unpublish approve reject request changes history upload download created updated "
    "comments comment task tasks items item results selected user users group groups"
)
_LABELS = (
    "Edit Delete Save Search Add Page Pages Image Images Document Documents Settings Reports "
    "Report Help Workflow Workflows Draft Live Cancel Submit Password Profile More Actions Action "
    "Collapse Expand Required Create Update View Preview Publish Published Unpublish Approve "
    "Reject Request Changes History Sort Choose Select Upload Download Name Title Date Show "
    "Hide Close Open Back Next Previous Sign Log Remember Forgotten Welcome Dashboard Account "
    "Users User Groups Group Sites Collections Collection Redirects Snippets Tags Locked Unlocked "
    "Owner Author Created Updated Type Filters Clear Apply Revisions Comments Comment "
    "Notifications Theme Preferences Language Current Exploring Root Loading Error Success "
    "Warning New Copy Move Lock Unlock Scheduled Expired Privacy Public Private Toggle Sidebar "
    "Explorer Properties Information Insert Heading Paragraph Bold Italic Link Links Editors "
    "Moderators Moderation Approval Tasks Task Task Requested Saved Autosave Paused Progress "
    "Awaiting Approved Rejected Cancelled Enabled Disabled Active Inactive Yes Field Fields Details "
    "Usage Used Items Item Results Result Selected Clear Reset Set Change Manage Go Continue "
    "Remove Replace Restore Compare Privacy Everything Nothing None Never Today Yesterday "
    "Subpages Subpage Parent Child Children Sibling Locale Translations Translation Site "
    "Notes Note Dismiss Done Finished Skip Back Forward Unknown Untitled Summary Hidden Visible "
    "In Out Of The And Or To For With Your You This That"
)
ENGLISH_WORDS = set(_GLUE.split()) | set(_LABELS.split())
# Brand and product names, code identifiers and citations that stay as they are.
ALLOWED = [
    r"\bWagtail\b",
    r"\bSimpul\b",
    r"\bDjango\b",
    r"\bOpen311\b",
    r"\bGeoReport\b",
    r"\bTOTP\b",
    r"\bAPI\b",
    r"\bOpenAPI\b",
    r"\bX \(Twitter\)\b",
    r"\b(Facebook|Instagram|YouTube|TikTok|WhatsApp|Threads|LinkedIn|Google Authenticator)\b",
    r"\bMarkdown\b",
    r"\bCSV\b|\bXLSX\b|\bPDF\b|\bJSON\b",
    # The Sintang SOP's step names and outputs, quoted verbatim from the regency's SOP document
    # (sop/blueprints.py): the regulation's own words, not interface text.
    r"\bDraft (Redaksional|Publikasi|Release)\b|\bPress Release\b|\(Release\)|\bdi upload\b",
    # Wagtail's page-types report names each type by its code label (app.model).
    r"\b[a-z_]+\.[a-z_]+page\b",
    # Column headings Wagtail builds from field names without gettext (wagtail/sites/views.py)
    # and the names of Wagtail's own permissions, stored in English by its migrations and
    # shown from the database: only the instansi's superuser sees the sites and groups screens.
    r"\bSite name\b|\bRoot page\b",
    r"\b(Delete pages with children|Lock/unlock pages you've locked|Publish any page|"
    r"Unlock any page)\b",
    # Wagtail's aging-pages report prints Python's None as the publisher of a page published by
    # provisioning (no user): a value, not a label.
    r"^None(?=\t)",
]
# Anything that changes state, downloads a file or leaves the admin is not followed.
SKIP = re.compile(
    r"logout|/delete|/unpublish|/revert|/lock/|/unlock/|/copy/|/move/|/convert_alias|"
    r"/workflow/(cancel|action|collect)|/jsi18n|/sprite|/failwhale|/test404|/preview|"
    r"/password_reset|/keamanan/2fa/(hapus|nonaktif|reset)|/documents/(edit/\d+/)?serve|"
    r"\.(pdf|xlsx|csv|docx|json|xml|txt)(\?|$)|[?&]export=|/unduh/|/download|/api/|/revisions/\d+/view|"
    r"/impersonate|/cabut|/nonaktifkan|/batal|/tolak|/hapus|/nonaktif|/reset|/bulk/|"
    r"/console/laporan/\d+/[a-z-]+/$"
)
CAP = {"admin": 80, "kasubbag": 20, "staf": 20, "kabag": 20, "evaluator": 30}
PER_PATTERN = 2

EXTRACT = """() => {
  const parts = [document.title, document.body.innerText];
  // Text of an element and its children, scripts and styles left out.
  const textOf = (root) => {
    const out = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {acceptNode: (n) =>
      n.parentElement && n.parentElement.closest('script, style') ? NodeFilter.FILTER_REJECT
        : NodeFilter.FILTER_ACCEPT});
    while (walker.nextNode()) out.push(walker.currentNode.nodeValue);
    return out.join('\\n');
  };
  // Dropdowns keep their menu in the page, hidden until opened.
  for (const el of document.querySelectorAll(
      "[data-w-dropdown-target='content'], [role='menu'], template, .w-dropdown__content")) {
    parts.push(textOf(el.tagName === 'TEMPLATE' ? el.content : el));
  }
  for (const el of document.querySelectorAll('[aria-label], [placeholder], [title], [data-w-tooltip-content-value]')) {
    for (const a of ['aria-label', 'placeholder', 'title', 'data-w-tooltip-content-value']) {
      if (el.getAttribute(a)) parts.push(el.getAttribute(a));
    }
  }
  for (const el of document.querySelectorAll('input[type=submit], input[type=button]')) {
    parts.push(el.value);
  }
  const props = document.getElementById('wagtail-sidebar-props');
  return {text: parts.join('\\n'), sidebar: props ? props.textContent : ''};
}"""


def english_in(text: str) -> list[str]:
    """Lines of `text` that hold an English UI word once brand names are taken out."""
    found = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        cleaned = line
        for pattern in ALLOWED:
            cleaned = re.sub(pattern, " ", cleaned)
        # Whole words only: "be" inside a code such as "Vaksin-be13b5" is not English.
        words = re.findall(r"(?<![A-Za-z0-9_])[A-Za-z]+(?:'[a-z]+)?(?![A-Za-z0-9_])", cleaned)
        if any(word in ENGLISH_WORDS for word in words):
            found.append(line[:160])
    return found


def sidebar_strings(props: str) -> tuple[list[str], list[str]]:
    """Menu labels and URLs from the sidebar's JSON (submenus are not drawn until opened)."""
    if not props:
        return [], []
    labels = re.findall(r'"(?:label|name|title)":\s*"((?:[^"\\]|\\.)*)"', props)
    urls = re.findall(r'"url":\s*"((?:[^"\\]|\\.)*)"', props)
    decode = lambda s: json.loads(f'"{s}"')  # noqa: E731
    labels = [decode(label) for label in labels if " " in label or label[:1].isupper()]
    return labels, [decode(url) for url in urls]


def pattern_of(url: str) -> str:
    parsed = urlparse(url)
    path = re.sub(r"/\d+(?=/)", "/N", parsed.path)
    keys = sorted(k.split("=")[0] for k in parsed.query.split("&") if k)
    keys = [k for k in keys if k not in {"p", "ordering", "page", "next"}]
    return path + ("?" + "&".join(keys) if keys else "")


def crawl(page, base: str, starts: list[str], cap: int) -> tuple[int, dict[str, list[str]]]:
    host = urlparse(base).netloc
    queue = deque(urljoin(base, s) for s in starts)
    seen_patterns: dict[str, int] = {}
    visited: set[str] = set()
    problems: dict[str, list[str]] = {}
    count = 0
    while queue and count < cap:
        url = queue.popleft().split("#")[0]
        if url in visited:
            continue
        visited.add(url)
        pattern = pattern_of(url)
        if seen_patterns.get(pattern, 0) >= PER_PATTERN:
            continue
        seen_patterns[pattern] = seen_patterns.get(pattern, 0) + 1
        try:
            response = page.goto(url, wait_until="load")
        except PlaywrightError:  # a download or an aborted navigation: nothing to read
            continue
        if response is None or response.status >= 400:
            continue
        if urlparse(page.url).netloc != host or "/login/" in page.url:
            continue
        count += 1
        data = page.evaluate(EXTRACT)
        labels, menu_urls = sidebar_strings(data["sidebar"])
        english = english_in(data["text"] + "\n" + "\n".join(labels))
        if english:
            problems[
                urlparse(url).path + ("?" + urlparse(url).query if urlparse(url).query else "")
            ] = sorted(set(english))
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in [*menu_urls, *hrefs]:
            target = urljoin(url, href)
            parsed = urlparse(target)
            if parsed.netloc != host or not parsed.path.startswith(("/admin/", "/console/")):
                continue
            if SKIP.search(target) or target in visited:
                continue
            queue.append(target)
    return count, problems


@pytest.fixture
def crawl_people(live_server_url, django_db_blocker):
    """The Sintang SOP in force at humas, its three role users, and a Diskominfo evaluator."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from evaluation.roles import EVALUATOR_GROUP
    from sop import selectors, services
    from tests.conftest import TEST_PASSWORD
    from tests.sop.factories import sintang_people

    suffix = uuid.uuid4().hex[:6]
    with django_db_blocker.unblock():
        with schema_context("humas"):
            people = sintang_people(prefix=f"id{suffix}")
            sop = selectors.sop_active_publication()
            created = sop is None
            if created:
                sop = services.sop_create_from_template(actor=None, template_key="sintang")
                sop = services.sop_activate(actor=None, sop=sop)
            # A news draft waiting in the SOP's workflow, so reviewers meet its action menus.
            assignment = services.assignment_create(
                actor=people["kasubbag"],
                event="Rapat koordinasi percepatan penurunan stunting",
                place="Aula Kantor Bupati",
                event_at=timezone.now(),
                assignee=people["staf"],
            )
            draft = services.assignment_start_draft(actor=people["staf"], assignment=assignment)
            draft.get_workflow().start(draft, people["staf"])
        with schema_context("diskominfo"):
            evaluator = get_user_model().objects.create_user(
                username=f"eval{suffix}", password=TEST_PASSWORD, email=f"eval{suffix}@x.localhost"
            )
            evaluator.groups.add(Group.objects.get(name=EVALUATOR_GROUP))
    yield {**people, "evaluator": evaluator, "draft_edit": f"/admin/pages/{draft.pk}/edit/"}
    with django_db_blocker.unblock():
        with schema_context("humas"):
            from sop.models import Assignment

            for assignment in Assignment.objects.filter(created_by=people["kasubbag"]):
                if assignment.page_id:
                    assignment.page.specific.delete()
                assignment.delete()
            if created:
                from wagtail.models import Task

                from sop.models import Sop

                sop = services.sop_deactivate(actor=None, sop=Sop.objects.get(pk=sop.pk))
                task_ids = list(sop.steps.exclude(task=None).values_list("task_id", flat=True))
                workflow = sop.workflow
                sop.delete()
                Task.objects.filter(pk__in=task_ids).delete()
                if workflow is not None:
                    workflow.delete()
            for user in people.values():
                user.delete()
        with schema_context("diskominfo"):
            evaluator.delete()


@pytest.mark.e2e
def test_every_reachable_staff_screen_is_indonesian(
    live_server_url, browser, crawl_people, django_db_blocker
):
    draft_edit = crawl_people["draft_edit"]
    roles = [
        ("admin", "humas", "admin", ["/admin/", "/admin/account/", "/admin/reports/"]),
        ("kasubbag", "humas", crawl_people["kasubbag"].username, ["/admin/", draft_edit]),
        ("staf", "humas", crawl_people["staf"].username, ["/admin/"]),
        ("kabag", "humas", crawl_people["kabag"].username, ["/admin/"]),
        ("evaluator", "diskominfo", crawl_people["evaluator"].username, ["/admin/", "/console/"]),
    ]
    report: dict[str, dict[str, list[str]]] = {}
    screens = 0
    for role, slug, username, starts in roles:
        context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            browser_login(
                page,
                live_server_url,
                slug,
                "/admin/",
                username=username,
                django_db_blocker=django_db_blocker,
            )
            count, problems = crawl(page, url_for(live_server_url, slug, "/"), starts, CAP[role])
            if role == "kasubbag":
                # The reviewer's editor of the draft in the SOP workflow: its action menu.
                page.goto(url_for(live_server_url, slug, draft_edit))
                actions = page.evaluate(EXTRACT)["text"]
                assert "Minta perbaikan" in actions and "Setujui" in actions
        finally:
            context.close()
        screens += count
        if problems:
            report[role] = problems
    # The sign-in page as an anonymous visitor sees it.
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    page.goto(url_for(live_server_url, "humas", "/admin/login/"))
    login_english = english_in(page.evaluate(EXTRACT)["text"])
    context.close()
    if login_english:
        report["anonim"] = {"/admin/login/": login_english}
    print(f"\n{screens} layar diperiksa")
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "indonesian-crawl.json").write_text(
        json.dumps({"screens": screens, "english": report}, indent=1, ensure_ascii=False)
    )
    assert screens >= 60, f"only {screens} screens were reached"
    assert not report, json.dumps(report, indent=1, ensure_ascii=False)
