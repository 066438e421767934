"""Wagtail admin wiring of the SOP app: menu, admin URLs, and the guard against direct publishing.

While a publication SOP is in force, a news page is published only by the workflow's last task:
the "Terbitkan" action is removed from the editor's menu, and a crafted POST (edit, create or
bulk) is refused with a message. A news page created in the editor joins the SOP at the drafting
step; after each step the editor says which step is done and who acts next, and the page's header
links to the one screen of the item's five steps.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.widgets import Button

from . import selectors, services
from . import urls as admin_urls
from .models import Sop

BLOCKED_MESSAGE = (
    "Berita ini tunduk pada SOP publikasi yang berlaku: terbitkan melalui alur kerja SOP "
    "(kirim untuk koreksi), tidak langsung."
)


def sop_enforced(page) -> bool:
    """True when the page (or a page created under it) falls under an active publication SOP."""
    if page is None or not getattr(page, "pk", None):
        return False
    workflow = page.get_workflow()
    if workflow is None:
        return False
    # An item in flight on an older version keeps that version's workflow (a page-level
    # WorkflowPage); revoking the SOP removes those, so they count while a version is in force.
    publication = Sop.objects.filter(kind=Sop.Kind.PUBLIKASI)
    return (
        publication.filter(workflow=workflow).exclude(status=Sop.Status.DRAF).exists()
        and publication.filter(status=Sop.Status.AKTIF).exists()
    )


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("sop/", include((admin_urls, "sop"), namespace="sop"))]


@hooks.register("register_admin_menu_item")
def register_sop_menu():
    submenu = Menu(
        items=[
            MenuItem("Daftar SOP", reverse("sop:index"), icon_name="list-ol", order=100),
            MenuItem(
                "Penugasan liputan",
                reverse("sop:assignment_index"),
                icon_name="calendar",
                order=200,
            ),
            MenuItem("Kepatuhan waktu", reverse("sop:compliance"), icon_name="time", order=300),
            MenuItem("Notifikasi", reverse("sop:notifications"), icon_name="mail", order=400),
        ]
    )
    return SubmenuMenuItem("SOP", submenu, icon_name="tasks", order=350)


@hooks.register("before_edit_page")
def refuse_direct_publish_on_edit(request, page):
    if request.method == "POST" and request.POST.get("action-publish") and sop_enforced(page):
        messages.error(request, BLOCKED_MESSAGE)
        return redirect("wagtailadmin_pages:edit", page.pk)
    if request.method == "GET":
        _show_sop_timing(request, page)
    return None


def _show_sop_timing(request, page) -> None:
    """On the item itself: which assignment it comes from and where its SOP clock stands."""
    assignment = selectors.assignment_for_page(page.pk)
    if assignment is None:
        return
    running = [
        row
        for row in selectors.assignment_timeline(assignment)
        if row["state_code"] in ("berjalan", "dikembalikan")
    ]
    source = "Berita dari editor" if assignment.origin == "editor" else "Penugasan liputan"
    text = f"{source} “{assignment.event}” (SOP versi {assignment.sop.version})"
    if running:
        row = running[0]
        over = " — melewati standar" if row["over"] else ""
        text += (
            f": langkah {row['order']} {row['state'].lower()}, "
            f"{row['minutes']:.0f} dari {row['standard_minutes']} menit{over}."
        )
    else:
        text += "."
    text += " Kelima langkahnya: menu ⋯ di judul halaman › Alur SOP (5 langkah)."
    messages.info(request, text)


@hooks.register("before_create_page")
def refuse_direct_publish_on_create(request, parent_page, page_class):
    if (
        request.method == "POST"
        and request.POST.get("action-publish")
        and sop_enforced(parent_page)
    ):
        messages.error(request, BLOCKED_MESSAGE)
        return redirect("wagtailadmin_explore", parent_page.pk)
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_publish(request, action_type, objects, action_class_instance):
    if action_type == "publish" and any(sop_enforced(obj) for obj in objects):
        messages.error(request, BLOCKED_MESSAGE)
        return redirect("wagtailadmin_home")
    return None


@hooks.register("construct_page_action_menu")
def hide_publish_action(menu_items, request, context):
    page = context.get("page")
    if page is None or not page.pk:
        page = context.get("parent_page")
    if sop_enforced(page):
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]


_STEP_ACTIONS = ("action-submit", "action-workflow-action", "action-restart-workflow")


def _say_step(request, page) -> None:
    assignment = selectors.assignment_for_page(page.pk)
    if assignment is None:
        return
    text = services.step_message(assignment)
    if text:
        messages.info(request, text)


@hooks.register("after_create_page")
def join_sop_from_editor(request, page):
    """A news item started in the editor gets its assignment and timing from creation on."""
    assignment = services.assignment_start_from_editor(actor=request.user, page=page)
    if assignment is not None:
        messages.info(
            request,
            "Berita ini masuk alur SOP publikasi: langkah 1 dicatat atas nama Anda (dimulai dari "
            "editor, tanpa nota dinas); langkah 2 berjalan sampai draf dikirim untuk koreksi.",
        )
        if any(request.POST.get(name) for name in _STEP_ACTIONS):
            _say_step(request, page)
    return None


@hooks.register("after_edit_page")
def say_step_after_edit(request, page):
    if any(request.POST.get(name) for name in _STEP_ACTIONS):
        _say_step(request, page)
    return None


@hooks.register("register_page_header_buttons")
def sop_flow_button(page, user, view_name, next_url=None):
    assignment = selectors.assignment_for_page(page.pk) if page.pk else None
    if assignment is None:
        return []
    return [
        Button(
            "Alur SOP (5 langkah)",
            reverse("sop:assignment_detail", args=[assignment.pk]),
            icon_name="tasks",
            attrs={"id": "sop-flow-link"},
            priority=80,
        )
    ]
