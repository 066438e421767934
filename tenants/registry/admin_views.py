"""Wagtail admin views of the registry: create/edit through services, and the registry actions
(replace or revoke an SK, retire or reactivate an account, end an appointment, CSV import,
reminders). Each catches SimpulError and shows it on the form, so nothing is half saved."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.views.generic import FormView, TemplateView
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views import snippets as snippet_views

from core import policy
from core.errors import SimpulError

from . import forms, selectors, services
from .models import Appointment, OfficialAccount, SuratKeputusan
from .services import DECREE_FIELDS


def form_error(form, exc: SimpulError) -> None:
    field = exc.field if exc.field in form.fields else None
    if field == "accounts" and "continue_accounts" in form.fields:
        field = "continue_accounts"
    form.add_error(field, exc.message)


class ServiceSaveMixin:
    """Create/edit views that save through a registry action; a SimpulError becomes a form
    error. The action is the transaction and writes the audit row and Wagtail's history line,
    so this view opens no transaction of its own (Wagtail's form_valid would) and logs nothing."""

    def save_with_service(self, data: dict):
        raise NotImplementedError

    def save_instance(self):
        return self.save_with_service(self.form.cleaned_data)

    def form_valid(self, form):
        self.form = form
        try:
            self.object = self.save_instance()
        except SimpulError as exc:
            form_error(form, exc)
            self.produced_error_message = exc.message
            return self.form_invalid(form)
        response = self.save_action()
        hook_response = self.run_after_hook()
        return hook_response if hook_response is not None else response


class CreateMixin(ServiceSaveMixin):
    pass


# --- SK ----------------------------------------------------------------------------------------


class DecreeCreateView(CreateMixin, snippet_views.CreateView):
    def save_with_service(self, data):
        return services.decree_create(
            actor=self.request.user, pdf=data["pdf"], **{k: data[k] for k in DECREE_FIELDS}
        )


class DecreeEditView(ServiceSaveMixin, snippet_views.EditView):
    def save_with_service(self, data):
        pdf = data["pdf"] if "pdf" in self.form.changed_data and data.get("pdf") else None
        return services.decree_update(
            actor=self.request.user,
            decree=self.object,
            pdf=pdf,
            **{k: data[k] for k in DECREE_FIELDS},
        )


class DecreeIndexView(snippet_views.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.is_active and self.request.user.has_perm("registry.change_suratkeputusan"):
            buttons += [
                _menu(
                    "Ganti dengan SK baru",
                    reverse("registry_decree_replace", args=[instance.pk]),
                    "repeat",
                    40,
                ),
                _menu(
                    "Cabut SK", reverse("registry_decree_revoke", args=[instance.pk]), "cross", 50
                ),
            ]
        return buttons


class DecreeInspectView(snippet_views.InspectView):
    template_name = "registry/admin/decree_inspect.html"

    def get_pdf_display_value(self):
        if not self.object.pdf:
            return "-"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Unduh PDF SK</a>', self.object.pdf.url
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["items"] = selectors.decree_items(self.object)
        context["replaces"] = self.object.replaces.all()
        return context


def _menu(label: str, url: str, icon: str, priority: int):
    """An entry of the listing row's "more" dropdown."""
    return MenuItem(label, url=url, icon_name=icon, priority=priority)


# --- accounts ---------------------------------------------------------------------------------


class AccountCreateView(CreateMixin, snippet_views.CreateView):
    def save_with_service(self, data):
        return services.account_create(
            actor=self.request.user,
            decree=data["decree"],
            platform=data["platform"],
            url=data.get("url") or "",
            handle=data.get("handle") or "",
            display_name=data["display_name"],
            audience_note=data.get("audience_note") or "",
            active_since=data.get("active_since"),
        )


class AccountEditView(ServiceSaveMixin, snippet_views.EditView):
    def save_with_service(self, data):
        return services.account_update(
            actor=self.request.user,
            account=self.object,
            url=data.get("url") or "",
            handle=data.get("handle") or "",
            display_name=data["display_name"],
            audience_note=data.get("audience_note") or "",
        )


class AccountIndexView(snippet_views.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.request.user.has_perm("registry.change_officialaccount"):
            if instance.is_active:
                buttons.append(
                    _menu(
                        "Hentikan akun",
                        reverse("registry_account_retire", args=[instance.pk]),
                        "cross",
                        40,
                    )
                )
            else:
                buttons.append(
                    _menu(
                        "Aktifkan kembali",
                        reverse("registry_account_reactivate", args=[instance.pk]),
                        "tick",
                        40,
                    )
                )
        return buttons


# --- appointments -----------------------------------------------------------------------------


class AppointmentCreateView(CreateMixin, snippet_views.CreateView):
    def save_with_service(self, data):
        return services.appointment_create(
            actor=self.request.user,
            decree=data["decree"],
            person_name=data["person_name"],
            nip=data["nip"],
            position=data["position"],
            role=data["role"],
            start_date=data.get("start_date"),
            end_date=data.get("end_date"),
            account_ids=[a.pk for a in data.get("accounts") or []],
        )


class AppointmentEditView(ServiceSaveMixin, snippet_views.EditView):
    def save_with_service(self, data):
        return services.appointment_update(
            actor=self.request.user,
            appointment=self.object,
            person_name=data["person_name"],
            nip=data["nip"],
            position=data["position"],
            end_date=data.get("end_date"),
            account_ids=[a.pk for a in data.get("accounts") or []],
        )


class AppointmentIndexView(snippet_views.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.is_active and self.request.user.has_perm("registry.change_appointment"):
            buttons.append(
                _menu(
                    "Akhiri penunjukan",
                    reverse("registry_appointment_end", args=[instance.pk]),
                    "cross",
                    40,
                )
            )
        return buttons


# --- audience ---------------------------------------------------------------------------------


class AudienceCreateView(CreateMixin, snippet_views.CreateView):
    def save_with_service(self, data):
        return services.audience_record(
            actor=self.request.user,
            account=data["account"],
            month=data["month"],
            followers=data["followers"],
        )


class AudienceEditView(ServiceSaveMixin, snippet_views.EditView):
    def save_with_service(self, data):
        return services.audience_record(
            actor=self.request.user,
            account=self.object.account,
            month=self.object.month,
            followers=data["followers"],
        )


class AudienceIndexView(snippet_views.IndexView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm("registry.add_audiencefigure"):
            buttons.append(
                HeaderButton(
                    "Impor CSV", url=reverse("registry_audience_import"), icon_name="upload"
                )
            )
        return buttons


# --- action views -----------------------------------------------------------------------------


class RegistryActionView(WagtailAdminTemplateMixin, FormView):
    """A form that runs one registry service on one object (or none)."""

    template_name = "registry/admin/action_form.html"
    model = None
    permission = ""
    submit_button_label = "Simpan"
    intro = ""
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not policy.allows(request.user, self.permission):
            raise PermissionDenied
        if self.model is not None:
            self.object = get_object_or_404(self.model, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            action_url=self.request.get_full_path(),
            submit_button_label=self.submit_button_label,
            submit_button_active_label="Menyimpan…",
            intro=self.get_intro(),
            object=getattr(self, "object", None),
            media=form.media,
            form_is_multipart=form.is_multipart(),
        )
        return context

    def get_intro(self) -> str:
        return self.intro

    def perform(self, data: dict):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            result, message = self.perform(form.cleaned_data)
        except SimpulError as exc:
            form_error(form, exc)
            messages.error(self.request, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.get_success_url(result))

    def get_success_url(self, result) -> str:
        raise NotImplementedError


class DecreeReplaceView(RegistryActionView):
    model = SuratKeputusan
    permission = services.decree_replace.permission
    form_class = forms.DecreeReplaceForm
    page_title = "Ganti SK"
    submit_button_label = "Tetapkan SK pengganti"

    def get_page_subtitle(self):
        return str(self.object)

    def get_intro(self):
        return (
            f"SK {self.object.number} diganti dengan SK baru dalam satu langkah. Centang akun dan "
            "penunjukan yang dilanjutkan; yang lain dihentikan oleh SK baru. Tidak ada yang "
            "dihapus: SK lama tetap dapat dibaca beserta riwayatnya."
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "decree": self.object}

    def perform(self, data):
        new = services.decree_replace(
            actor=self.request.user,
            decree=self.object,
            number=data["number"],
            date=data["date"],
            title=data["title"],
            signer_name=data["signer_name"],
            signer_nip=data["signer_nip"],
            effective_date=data["effective_date"],
            pdf=data["pdf"],
            continue_account_ids=[a.pk for a in data["continue_accounts"]],
            continue_appointment_ids=[a.pk for a in data["continue_appointments"]],
        )
        return new, f"SK {self.object.number} diganti dengan SK {new.number}."

    def get_success_url(self, result):
        return reverse("wagtailsnippets_registry_suratkeputusan:inspect", args=[result.pk])


class DecreeRevokeView(RegistryActionView):
    model = SuratKeputusan
    permission = services.decree_revoke.permission
    form_class = forms.DecreeRevokeForm
    page_title = "Cabut SK"
    submit_button_label = "Cabut SK"

    def get_page_subtitle(self):
        return str(self.object)

    def get_intro(self):
        return (
            f"Mencabut SK {self.object.number} tanpa pengganti. Akun dan penunjukan yang "
            "ditetapkannya akan ditandai belum memiliki SK yang berlaku sampai ada SK baru."
        )

    def perform(self, data):
        decree = services.decree_revoke(
            actor=self.request.user, decree=self.object, note=data["note"], on=data.get("on")
        )
        return decree, f"SK {decree.number} dicabut."

    def get_success_url(self, result):
        return reverse("wagtailsnippets_registry_suratkeputusan:list")


class AccountRetireView(RegistryActionView):
    model = OfficialAccount
    permission = services.account_retire.permission
    form_class = forms.AccountRetireForm
    page_title = "Hentikan akun resmi"
    submit_button_label = "Hentikan akun"
    header_icon = "link"

    def get_page_subtitle(self):
        return str(self.object)

    def perform(self, data):
        account = services.account_retire(
            actor=self.request.user, account=self.object, decree=data["decree"], on=data.get("on")
        )
        return account, f"Akun {account} dihentikan."

    def get_success_url(self, result):
        return reverse("wagtailsnippets_registry_officialaccount:list")


class AccountReactivateView(AccountRetireView):
    form_class = forms.AccountReactivateForm
    page_title = "Aktifkan kembali akun resmi"
    submit_button_label = "Aktifkan kembali"

    def perform(self, data):
        account = services.account_reactivate(
            actor=self.request.user, account=self.object, decree=data["decree"], on=data.get("on")
        )
        return account, f"Akun {account} resmi kembali."


class AppointmentEndView(RegistryActionView):
    model = Appointment
    permission = services.appointment_end.permission
    form_class = forms.AppointmentEndForm
    page_title = "Akhiri penunjukan"
    submit_button_label = "Akhiri penunjukan"
    header_icon = "user"

    def get_page_subtitle(self):
        return str(self.object)

    def perform(self, data):
        appointment = services.appointment_end(
            actor=self.request.user,
            appointment=self.object,
            on=data.get("on"),
            decree=data.get("decree"),
        )
        return appointment, f"Penunjukan {appointment} berakhir."

    def get_success_url(self, result):
        return reverse("wagtailsnippets_registry_appointment:list")


class AudienceImportView(RegistryActionView):
    permission = services.audience_import_csv.permission
    form_class = forms.AudienceImportForm
    page_title = "Impor jumlah khalayak (CSV)"
    submit_button_label = "Impor"
    header_icon = "group"
    intro = (
        "Unggah CSV dengan kolom akun, bulan, pengikut. Contoh baris: "
        "https://instagram.com/humaskab,2026-01,15230"
    )

    def perform(self, data):
        upload = data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise SimpulError("Berkas CSV paling besar 2 MB.", field="file")
        count = services.audience_import_csv(actor=self.request.user, data=upload.read())
        return count, f"{count} baris jumlah khalayak diimpor."

    def get_success_url(self, result):
        return reverse("wagtailsnippets_registry_audiencefigure:list")


class ReminderListView(WagtailAdminTemplateMixin, TemplateView):
    """Open registry reminders of this instansi (all instansi for Diskominfo)."""

    template_name = "registry/admin/reminders.html"
    page_title = "Pengingat registri"
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("registry.view_officialaccount"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        tenant = getattr(request, "tenant", None) or getattr(connection, "tenant", None)
        counts = services.reminders_refresh(instansi=tenant)
        messages.success(request, f"Pemeriksaan selesai: {sum(counts.values())} pengingat terbuka.")
        return redirect("registry_reminders")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tenant = self.request.tenant
        is_super = getattr(tenant, "is_super", False)
        context["reminders"] = list(
            selectors.reminder_list_open(instansi=None if is_super else tenant)
        )
        context["is_super"] = is_super
        context["health"] = selectors.registry_health()
        return context
