"""Wagtail admin wiring of the registry: snippet viewsets, action URLs, history labels."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_views, forms
from .models import Appointment, AudienceFigure, OfficialAccount, SuratKeputusan
from .selectors import appointment_list, audience_figure_list, decree_list, official_account_list


class NoDeletePolicy(ModelPermissionPolicy):
    """Registry rows are never deleted: SK are replaced or revoked, accounts retired."""

    def user_has_permission(self, user, action):
        if action == "delete":
            return False
        return super().user_has_permission(user, action)


for _model in (SuratKeputusan, OfficialAccount, Appointment, AudienceFigure):
    register_permission_policy(_model, NoDeletePolicy(_model))


def _panels(form_class) -> ObjectList:
    """Panels for every field of `form_class`, which stays the base of the admin form."""
    return ObjectList(
        [FieldPanel(name) for name in form_class.Meta.fields], base_form_class=form_class
    )


class DecreeViewSet(SnippetViewSet):
    model = SuratKeputusan
    icon = "doc-full"
    menu_label = "Surat Keputusan (SK)"
    add_to_admin_menu = False
    add_view_class = admin_views.DecreeCreateView
    edit_view_class = admin_views.DecreeEditView
    index_view_class = admin_views.DecreeIndexView
    inspect_view_class = admin_views.DecreeInspectView
    inspect_view_enabled = True
    inspect_view_fields = [
        "number",
        "date",
        "title",
        "signer_name",
        "signer_nip",
        "subject",
        "effective_date",
        "status",
        "replaced_by",
        "ended_at",
        "end_note",
        "pdf",
    ]
    list_display = [
        "number",
        Column("date", label="Tanggal"),
        "title",
        Column("get_subject_display", label="Pokok"),
        Column("get_status_display", label="Status"),
        Column("account_count", label="Akun"),
    ]
    list_filter = ["status", "subject"]
    search_fields = ["number", "title", "signer_name"]
    search_backend_name = None
    copy_view_enabled = False
    edit_handler = _panels(forms.DecreeForm)

    def get_queryset(self, request):
        return decree_list()


class AccountViewSet(SnippetViewSet):
    model = OfficialAccount
    icon = "link"
    menu_label = "Akun resmi"
    add_view_class = admin_views.AccountCreateView
    edit_view_class = admin_views.AccountEditView
    index_view_class = admin_views.AccountIndexView
    inspect_view_enabled = True
    list_display = [
        "display_name",
        Column("get_platform_display", label="Platform"),
        Column("category_label", label="Kategori (Lampiran A)"),
        "url",
        Column("get_status_display", label="Status"),
        Column("decree", label="SK"),
    ]
    list_filter = ["status", "platform", "decree"]
    search_fields = ["display_name", "handle", "url"]
    search_backend_name = None
    copy_view_enabled = False
    edit_handler = _panels(forms.AccountForm)

    def get_queryset(self, request):
        return official_account_list()


class AppointmentViewSet(SnippetViewSet):
    model = Appointment
    icon = "user"
    menu_label = "Penunjukan petugas/pejabat"
    add_view_class = admin_views.AppointmentCreateView
    edit_view_class = admin_views.AppointmentEditView
    index_view_class = admin_views.AppointmentIndexView
    inspect_view_enabled = True
    list_display = [
        "person_name",
        "nip",
        "position",
        Column("get_role_display", label="Peran"),
        Column("get_status_display", label="Status"),
        Column("end_date", label="Sampai"),
        Column("decree", label="SK"),
    ]
    list_filter = ["status", "role", "decree"]
    search_fields = ["person_name", "nip", "position"]
    search_backend_name = None
    copy_view_enabled = False
    edit_handler = _panels(forms.AppointmentForm)

    def get_queryset(self, request):
        return appointment_list()


class AudienceViewSet(SnippetViewSet):
    model = AudienceFigure
    icon = "group"
    menu_label = "Jumlah khalayak"
    add_view_class = admin_views.AudienceCreateView
    edit_view_class = admin_views.AudienceEditView
    index_view_class = admin_views.AudienceIndexView
    list_display = [
        "account",
        Column("month", label="Bulan"),
        "followers",
        Column("get_source_display", label="Sumber"),
    ]
    list_filter = ["account", "month", "source"]
    copy_view_enabled = False
    edit_handler = _panels(forms.AudienceForm)

    def get_queryset(self, request):
        return audience_figure_list()


class RegistryGroup(SnippetViewSetGroup):
    items = (DecreeViewSet, AccountViewSet, AppointmentViewSet, AudienceViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = "Registri akun resmi"
    menu_name = "registri"
    menu_order = 250


register_snippet(RegistryGroup)


@hooks.register("register_admin_urls")
def registry_admin_urls():
    return [
        path(
            "registri/sk/<int:pk>/ganti/",
            admin_views.DecreeReplaceView.as_view(),
            name="registry_decree_replace",
        ),
        path(
            "registri/sk/<int:pk>/cabut/",
            admin_views.DecreeRevokeView.as_view(),
            name="registry_decree_revoke",
        ),
        path(
            "registri/akun/<int:pk>/hentikan/",
            admin_views.AccountRetireView.as_view(),
            name="registry_account_retire",
        ),
        path(
            "registri/akun/<int:pk>/aktifkan/",
            admin_views.AccountReactivateView.as_view(),
            name="registry_account_reactivate",
        ),
        path(
            "registri/penunjukan/<int:pk>/akhiri/",
            admin_views.AppointmentEndView.as_view(),
            name="registry_appointment_end",
        ),
        path(
            "registri/khalayak/impor/",
            admin_views.AudienceImportView.as_view(),
            name="registry_audience_import",
        ),
        path(
            "registri/pengingat/",
            admin_views.ReminderListView.as_view(),
            name="registry_reminders",
        ),
    ]


class _PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def registry_reminders_menu_item():
    return _PermissionMenuItem(
        "Pengingat registri",
        reverse("registry_reminders"),
        icon_name="warning",
        order=251,
        name="registri-pengingat",
        permission="registry.view_officialaccount",
    )


@hooks.register("register_log_actions")
def registry_log_actions(actions):
    actions.register_action("registry.replace", "Ganti SK", "SK diganti dengan SK baru")
    actions.register_action("registry.revoke", "Cabut SK", "SK dicabut")
    actions.register_action("registry.retire", "Hentikan akun", "Akun dihentikan")
    actions.register_action("registry.reactivate", "Aktifkan kembali", "Akun diaktifkan kembali")
    actions.register_action("registry.end", "Akhiri penunjukan", "Penunjukan diakhiri")
