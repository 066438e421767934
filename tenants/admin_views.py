"""Wagtail admin screen for the instansi's API tokens: list, create (key shown once), revoke.

Only superusers of the instansi being served may use it; tokens belong to that instansi.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.errors import SimpulError

from .selectors import api_token_list
from .services import api_token_create, api_token_revoke


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Nama token",
        max_length=100,
        help_text="Untuk apa token ini dipakai, mis. 'Dasbor pemantauan media sosial'.",
    )


class _SuperuserOfInstansiMixin:
    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_superuser):
            raise PermissionDenied
        if getattr(request, "tenant", None) is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ApiTokenIndexView(_SuperuserOfInstansiMixin, WagtailAdminTemplateMixin, View):
    template_name = "tenants/admin/api_tokens.html"
    page_title = "Token API"
    header_icon = "key"

    def render(self, request, form, new_key: str = "", new_token=None, status: int = 200):
        context = self.get_context_data(
            tokens=list(api_token_list(instansi=request.tenant)),
            form=form,
            new_key=new_key,
            new_token=new_token,
        )
        response = TemplateResponse(request, self.template_name, context, status=status)
        response["Cache-Control"] = "no-store"
        return response

    def get(self, request):
        return self.render(request, ApiTokenForm())

    def post(self, request):
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                token, key = api_token_create(
                    instansi=request.tenant, name=form.cleaned_data["name"], actor=request.user
                )
            except SimpulError as exc:
                form.add_error("name", exc.message)
            else:
                # Rendered, not redirected: the key exists only in this response.
                return self.render(request, ApiTokenForm(), new_key=key, new_token=token)
        return self.render(request, form, status=400)


class ApiTokenRevokeView(_SuperuserOfInstansiMixin, View):
    def post(self, request, pk: int):
        try:
            token = api_token_revoke(instansi=request.tenant, token_id=pk, actor=request.user)
        except SimpulError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Token {token.name} dicabut.")
        return redirect("tenants_api_tokens")
