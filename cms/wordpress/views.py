"""Admin screens of the WordPress import: upload an export, follow the job, read the report."""

import csv

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.errors import SimpulError

from ..models import NewsCategory
from . import selectors, services
from .models import WordPressUrl

IMPORT_PERMISSION = "cms.add_wordpressimportrun"
REPORT_PER_PAGE = 100


def can_import(user) -> bool:
    return bool(user.is_active and (user.is_superuser or user.has_perm(IMPORT_PERMISSION)))


def _require_importer(request) -> None:
    if not can_import(request.user):
        raise PermissionDenied


class ImportForm(forms.Form):
    export_file = forms.FileField(
        label="Berkas ekspor WordPress (.xml)",
        help_text="Di WordPress: Alat › Ekspor › Semua konten › Unduh berkas ekspor.",
    )
    media_archive = forms.FileField(
        label="Arsip folder unggahan (ZIP, opsional)",
        required=False,
        help_text="ZIP dari folder wp-content/uploads. Tanpa arsip, berkas diunduh dari situs "
        "lama bila masih dapat dijangkau.",
    )
    category_map = forms.FileField(
        label="Peta kategori (CSV, opsional)",
        required=False,
        help_text="Setiap baris: slug kategori WordPress, kategori Pasal 11 "
        "(kegiatan, isu, atau kebijakan).",
    )
    default_category = forms.ChoiceField(
        label="Kategori Pasal 11 bawaan",
        choices=NewsCategory.choices,
        initial=NewsCategory.KEGIATAN,
        help_text="Untuk kategori WordPress yang tidak dipetakan dan tidak dapat ditebak.",
    )
    dry_run = forms.BooleanField(
        label="Uji coba saja (buat laporan tanpa menyimpan apa pun)", required=False
    )


class AdminPage(WagtailAdminTemplateMixin, TemplateView):
    breadcrumbs_items: list = []
    header_icon = "download"

    def dispatch(self, request, *args, **kwargs):
        _require_importer(request)
        return super().dispatch(request, *args, **kwargs)


class ImportIndexView(AdminPage):
    template_name = "cms/wordpress/index.html"
    page_title = "Impor WordPress"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ImportForm())
        context["runs"] = selectors.run_list()
        context["url_counts"] = selectors.url_report_counts()
        return context

    def post(self, request, *args, **kwargs):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, "Periksa isian formulir impor.")
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        category_csv = ""
        if data.get("category_map"):
            try:
                category_csv = data["category_map"].read().decode("utf-8-sig")
            except UnicodeDecodeError:
                form.add_error("category_map", "Peta kategori harus berkas teks CSV (UTF-8).")
                return self.render_to_response(self.get_context_data(form=form))
        try:
            run = services.wordpress_import_start(
                actor=request.user,
                export_file=data["export_file"],
                media_archive=data.get("media_archive"),
                default_category=data["default_category"],
                category_csv=category_csv,
                dry_run=data["dry_run"],
            )
        except SimpulError as exc:
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            else:
                messages.error(request, exc.message)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(
            request, "Impor dimulai di latar belakang. Halaman ini memperbarui kemajuannya."
        )
        return redirect("cms_wordpress:detail", run.pk)


class ImportDetailView(AdminPage):
    template_name = "cms/wordpress/detail.html"
    page_title = "Hasil impor WordPress"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = selectors.run_get(run_id=kwargs["pk"])
        if run is None:
            raise Http404("Impor tidak ditemukan.")
        outcome = self.request.GET.get("hasil", "")
        if outcome not in WordPressUrl.Outcome.values:
            outcome = ""
        paginator = Paginator(selectors.url_report(outcome=outcome), REPORT_PER_PAGE)
        page = paginator.get_page(self.request.GET.get("halaman"))
        url_counts = selectors.url_report_counts()
        context.update(
            run=run,
            counts=[(label, run.counts.get(key, 0)) for key, label in selectors.COUNT_LABELS],
            report=page,
            outcome=outcome,
            outcomes=[
                (value, label, url_counts.get(value, 0))
                for value, label in WordPressUrl.Outcome.choices
            ],
            categories=run.categories,
            category_choices=NewsCategory.choices,
        )
        self.page_subtitle = run.source_name
        return context

    def post(self, request, *args, **kwargs):
        """Save the Pasal 11 category chosen for each WordPress category (used by the next run)."""
        run = selectors.run_get(run_id=kwargs["pk"])
        if run is None:
            raise Http404("Impor tidak ditemukan.")
        names = {c["slug"]: c["name"] for c in run.categories}
        mapping = {}
        for slug in names:
            value = request.POST.get(f"kategori-{slug}", "")
            if value in NewsCategory.values:
                mapping[slug] = value
        try:
            services.category_map_update(actor=request.user, mapping=mapping, names=names)
        except SimpulError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"Pemetaan {len(mapping)} kategori disimpan; jalankan impor lagi untuk menerapkannya.",
            )
        return redirect("cms_wordpress:detail", run.pk)


def report_csv(request, pk: int):
    """The mapping report: every old address and what it became."""
    _require_importer(request)
    if selectors.run_get(run_id=pk) is None:
        raise Http404("Impor tidak ditemukan.")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="peta-alamat-wordpress.csv"'
    writer = csv.writer(response)
    writer.writerow(selectors.URL_REPORT_HEADER)
    writer.writerows(selectors.url_report_rows())
    return response
