"""Admin screens of the SOP app: SOPs and their matrix, assignments with timings, compliance."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core import policy
from core.errors import SimpulError
from tenants.registry import selectors as registry_selectors

from . import selectors, services
from .blueprints import BLUEPRINTS
from .matrix_pdf import matrix_pdf
from .models import Sop, SopStep


def can_manage_sop(user) -> bool:
    # The SOP actions' own permission, through the one policy (admin, API and commands alike).
    return policy.allows(user, services.sop_update.permission)


def _require_manager(request) -> None:
    if not can_manage_sop(request.user):
        raise PermissionDenied


def _sop_or_404(pk: int) -> Sop:
    sop = selectors.sop_get(pk)
    if sop is None:
        raise Http404("SOP tidak ditemukan.")
    return sop


class AdminPage(WagtailAdminTemplateMixin, TemplateView):
    breadcrumbs_items: list = []
    header_icon = "tasks"


# --- SOPs ---------------------------------------------------------------------------------------


class SopIndexView(AdminPage):
    template_name = "sop/admin/sop_index.html"
    page_title = "SOP instansi"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sops"] = selectors.sop_list()
        context["blueprints"] = BLUEPRINTS.values()
        context["can_manage"] = can_manage_sop(self.request.user)
        return context

    def post(self, request, *args, **kwargs):
        _require_manager(request)
        try:
            sop = services.sop_create_from_template(
                actor=request.user, template_key=request.POST.get("template", "")
            )
        except SimpulError as exc:
            messages.error(request, exc.message)
            return redirect("sop:index")
        messages.success(request, f"Draf SOP “{sop.title}” dibuat dari templat.")
        return redirect("sop:detail", sop.pk)


class SopDetailView(AdminPage):
    template_name = "sop/admin/sop_detail.html"
    page_title = "SOP"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sop = _sop_or_404(kwargs["pk"])
        context.update(
            sop=sop,
            matrix=selectors.sop_matrix(sop),
            versions=selectors.sop_versions(sop),
            can_manage=can_manage_sop(self.request.user),
        )
        self.page_subtitle = str(sop)
        return context


class SopEditView(AdminPage):
    """Edit title and steps: rename roles (choose groups), adjust times, add or remove rows."""

    template_name = "sop/admin/sop_edit.html"
    page_title = "Ubah SOP"
    extra_rows = 2

    def dispatch(self, request, *args, **kwargs):
        _require_manager(request)
        return super().dispatch(request, *args, **kwargs)

    def _decrees(self):
        return registry_selectors.decree_list().order_by("-date", "-id")

    def _context(self, sop: Sop, rows: list[dict], title: str, decree_id=None) -> dict:
        return {
            "sop": sop,
            "rows": rows,
            "title_value": title,
            "decrees": self._decrees(),
            "decree_value": str(decree_id if decree_id is not None else sop.decree_id or ""),
            "groups": Group.objects.order_by("name"),
            "symbols": SopStep.Symbol.choices,
            "stages": SopStep.Stage.choices,
        }

    def get(self, request, *args, **kwargs):
        sop = _sop_or_404(kwargs["pk"])
        rows = services.steps_as_input(sop)
        for row in rows:
            row["role"] = row["role"].pk if row["role"] else ""
        rows += [{"order": "", "role": ""} for _ in range(self.extra_rows)]
        context = self.get_context_data(**kwargs) | self._context(sop, rows, sop.title)
        return self.render_to_response(context)

    def post(self, request, *args, **kwargs):
        sop = _sop_or_404(kwargs["pk"])
        count = min(int(request.POST.get("rows", "0") or 0), 60)
        rows = []
        for i in range(count):
            row = {f: request.POST.get(f"step-{i}-{f}", "").strip() for f in services.STEP_FIELDS}
            if request.POST.get(f"step-{i}-delete") or not (row["activity"] or row["order"]):
                continue
            rows.append(row)
        title = request.POST.get("title", "")
        decree_id = request.POST.get("decree", "").strip()
        decree = self._decrees().filter(pk=decree_id).first() if decree_id.isdigit() else None
        try:
            if decree_id and decree is None:
                raise SimpulError("SK penetapan yang dipilih tidak ditemukan.", field="decree")
            new = services.sop_update(
                actor=request.user, sop=sop, steps=rows, title=title, decree=decree
            )
        except SimpulError as exc:
            messages.error(request, exc.message)
            context = self.get_context_data(**kwargs) | self._context(sop, rows, title, decree_id)
            return self.render_to_response(context, status=400)
        if new.pk != sop.pk:
            messages.success(request, f"Perubahan disimpan sebagai versi {new.version} (berlaku).")
        else:
            messages.success(request, "Perubahan SOP disimpan.")
        return redirect("sop:detail", new.pk)


@require_POST
def sop_activate_view(request, pk: int):
    _require_manager(request)
    sop = _sop_or_404(pk)
    try:
        services.sop_activate(actor=request.user, sop=sop)
    except SimpulError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"SOP “{sop.title}” versi {sop.version} diberlakukan.")
    return redirect("sop:detail", pk)


@require_POST
def sop_deactivate_view(request, pk: int):
    _require_manager(request)
    sop = _sop_or_404(pk)
    try:
        services.sop_deactivate(actor=request.user, sop=sop)
    except SimpulError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"SOP “{sop.title}” dicabut.")
    return redirect("sop:detail", pk)


def sop_matrix_pdf_view(request, pk: int):
    sop = _sop_or_404(pk)
    instansi = getattr(request, "tenant", None)
    content = matrix_pdf(selectors.sop_matrix(sop), instansi_name=getattr(instansi, "name", ""))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="matriks-sop-{sop.pk}-v{sop.version}.pdf"'
    return response


# --- assignments --------------------------------------------------------------------------------


class AssignmentForm(forms.Form):
    event = forms.CharField(label="Kegiatan", max_length=255)
    place = forms.CharField(label="Tempat", max_length=255)
    event_at = forms.DateTimeField(
        label="Waktu kegiatan",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    assignee = forms.ModelChoiceField(label="Petugas liputan", queryset=None)
    nota_dinas = forms.CharField(label="Nomor nota dinas", max_length=120, required=False)

    def __init__(self, *args, sop: Sop | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True).order_by("username")
        drafting = sop and sop.steps.filter(stage=SopStep.Stage.PENYUSUNAN).first()
        if drafting:
            users = users.filter(groups=drafting.role_id)
        self.fields["assignee"].queryset = users
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.username


class AssignmentIndexView(AdminPage):
    template_name = "sop/admin/assignment_index.html"
    page_title = "Penugasan liputan"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        sop = selectors.sop_active_publication()
        context.update(
            sop=sop,
            form=form or AssignmentForm(sop=sop),
            assignments=selectors.assignment_list(),
            now=timezone.now(),
        )
        return context

    def post(self, request, *args, **kwargs):
        sop = selectors.sop_active_publication()
        form = AssignmentForm(request.POST, sop=sop)
        if form.is_valid():
            try:
                assignment = services.assignment_create(actor=request.user, **form.cleaned_data)
            except SimpulError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"Penugasan liputan “{assignment.event}” dibuat.")
                return redirect("sop:assignment_detail", assignment.pk)
        else:
            messages.error(request, "Periksa isian penugasan yang ditandai.")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SharesForm(forms.Form):
    account = forms.ChoiceField(label="Akun resmi", required=False)
    account_label = forms.CharField(label="atau nama akun", max_length=255, required=False)
    post_url = forms.URLField(
        label="Tautan unggahan", max_length=500, required=False, assume_scheme="https"
    )

    def __init__(self, *args, accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", "—")] + [
            (str(a.pk), f"{a.get_platform_display()} · {a}") for a in accounts
        ]


class AssignmentDetailView(AdminPage):
    template_name = "sop/admin/assignment_detail.html"
    page_title = "Penugasan liputan"
    share_rows = 3

    def _accounts(self):
        return list(registry_selectors.official_account_list_active())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        assignment = selectors.assignment_get(kwargs["pk"])
        if assignment is None:
            raise Http404("Penugasan tidak ditemukan.")
        services.assignment_sync(assignment=assignment)
        assignment = selectors.assignment_get(kwargs["pk"])
        self.page_subtitle = assignment.event
        accounts = self._accounts()
        user = self.request.user
        context.update(
            assignment=assignment,
            timeline=selectors.assignment_timeline(assignment),
            step_message=services.step_message(assignment),
            can_draft=not assignment.page_id
            and policy.allows(user, services.assignment_start_draft.permission)
            and (user.is_superuser or user.pk == assignment.assignee_id),
            share_forms=[
                SharesForm(prefix=f"share-{i}", accounts=accounts) for i in range(self.share_rows)
            ],
            page_live=bool(assignment.page and assignment.page.live),
        )
        return context


@require_POST
def assignment_draft_view(request, pk: int):
    assignment = selectors.assignment_get(pk)
    if assignment is None:
        raise Http404("Penugasan tidak ditemukan.")
    try:
        page = services.assignment_start_draft(actor=request.user, assignment=assignment)
    except SimpulError as exc:
        messages.error(request, exc.message)
        return redirect("sop:assignment_detail", pk)
    messages.success(request, "Draf berita dibuat; lengkapi lalu kirim untuk koreksi.")
    return redirect("wagtailadmin_pages:edit", page.pk)


@require_POST
def assignment_shares_view(request, pk: int):
    assignment = selectors.assignment_get(pk)
    if assignment is None:
        raise Http404("Penugasan tidak ditemukan.")
    shares = []
    for i in range(AssignmentDetailView.share_rows):
        prefix = f"share-{i}-"
        url = request.POST.get(prefix + "post_url", "").strip()
        if not url:
            continue
        shares.append(
            {
                "account": request.POST.get(prefix + "account", "").strip() or None,
                "account_label": request.POST.get(prefix + "account_label", "").strip(),
                "post_url": url,
            }
        )
    try:
        services.assignment_record_shares(actor=request.user, assignment=assignment, shares=shares)
    except SimpulError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{len(shares)} unggahan dicatat.")
    return redirect("sop:assignment_detail", pk)


# --- compliance and notifications ---------------------------------------------------------------


def _period(request) -> tuple[datetime, datetime, str, str]:
    """[start, end) from ?dari=YYYY-MM-DD&sampai=YYYY-MM-DD (inclusive end date), default: this month."""
    today = timezone.localdate()
    try:
        first = datetime.strptime(request.GET.get("dari", ""), "%Y-%m-%d").date()
    except ValueError:
        first = today.replace(day=1)
    try:
        last = datetime.strptime(request.GET.get("sampai", ""), "%Y-%m-%d").date()
    except ValueError:
        last = today
    if last < first:
        first, last = last, first
    tz = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)
    return start, end, first.isoformat(), last.isoformat()


class ComplianceView(AdminPage):
    template_name = "sop/admin/compliance.html"
    page_title = "Kepatuhan waktu SOP"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        start, end, first, last = _period(self.request)
        context.update(
            report=selectors.compliance_report(start=start, end=end),
            first=first,
            last=last,
        )
        return context


class NotificationListView(AdminPage):
    template_name = "sop/admin/notifications.html"
    page_title = "Notifikasi SOP"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["notifications"] = selectors.notification_list_for(self.request.user)
        return context

    def post(self, request, *args, **kwargs):
        try:
            services.notification_mark_read(
                actor=request.user, notification_id=int(request.POST.get("id", "0") or 0)
            )
        except (SimpulError, ValueError):
            messages.error(request, "Notifikasi tidak ditemukan.")
        return redirect("sop:notifications")
