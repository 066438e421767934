"""SOP API on an instansi's host: SOP versions, assignments with their timings, figures.

Reads accept the instansi's API token or a signed-in admin user; writes act for a person (the
SOP's roles are people), so they need a signed-in user of this instansi.
"""

import re
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from core import policy
from core.errors import NotFound, SimpulError
from core.policy import SESSION_ONLY, IsInstansiCaller

from .. import selectors, services
from .serializers import (
    AssignmentDetailOutputSerializer,
    AssignmentOutputSerializer,
    SopDetailOutputSerializer,
    SopOutputSerializer,
    SopStatsOutputSerializer,
)

TAG = ["SOP"]


class IsInstansiUser(BasePermission):
    message = "Aksi ini dilakukan oleh pengguna instansi yang masuk (bukan token API)."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return (
            getattr(request, "tenant", None) is not None
            and isinstance(user, get_user_model())
            and user.is_active
            and user.has_perm("wagtailadmin.access_admin")
        )


class IsSopManager(IsInstansiUser):
    message = "Hanya pengelola SOP yang dapat mengubah SOP."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and policy.allows(
            request.user, services.sop_update.permission
        )


def _sop(pk: int):
    sop = selectors.sop_get(pk)
    if sop is None:
        raise NotFound("SOP tidak ditemukan.")
    return sop


def _assignment(pk: int):
    assignment = selectors.assignment_get(pk)
    if assignment is None:
        raise NotFound("Penugasan tidak ditemukan.")
    return assignment


class SopListApi(APIView):
    permission_classes = [IsInstansiCaller]

    @extend_schema(tags=TAG, responses=SopOutputSerializer(many=True), summary="Daftar SOP")
    def get(self, request):
        return Response(SopOutputSerializer(selectors.sop_list(), many=True).data)


class SopDetailApi(APIView):
    permission_classes = [IsInstansiCaller]

    @extend_schema(tags=TAG, responses=SopDetailOutputSerializer, summary="Rincian SOP")
    def get(self, request, pk: int):
        return Response(SopDetailOutputSerializer(_sop(pk)).data)


class SopCreateFromTemplateApi(APIView):
    permission_classes = [IsSopManager]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "SopFromTemplateInput"

        template = serializers.CharField()
        title = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        auth=SESSION_ONLY,
        tags=TAG,
        request=InputSerializer,
        responses={201: SopDetailOutputSerializer},
        summary="Buat draf SOP dari templat",
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sop = services.sop_create_from_template(
            actor=request.user,
            template_key=data.validated_data["template"],
            title=data.validated_data["title"],
        )
        return Response(
            SopDetailOutputSerializer(_sop(sop.pk)).data, status=status.HTTP_201_CREATED
        )


class SopUpdateApi(APIView):
    permission_classes = [IsSopManager]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "SopUpdateInput"

        class StepSerializer(serializers.Serializer):
            class Meta:
                ref_name = "SopStepInput"

            order = serializers.IntegerField()
            activity = serializers.CharField(allow_blank=True)
            role = serializers.IntegerField(allow_null=True, required=False)
            symbol = serializers.CharField()
            stage = serializers.CharField(required=False, default="lainnya")
            kelengkapan = serializers.CharField(required=False, allow_blank=True, default="")
            standard_minutes = serializers.IntegerField()
            output = serializers.CharField(required=False, allow_blank=True, default="")
            notes = serializers.CharField(required=False, allow_blank=True, default="")

        title = serializers.CharField(required=False)
        steps = StepSerializer(many=True)

    @extend_schema(
        auth=SESSION_ONLY,
        tags=TAG,
        request=InputSerializer,
        responses=SopDetailOutputSerializer,
        summary="Ubah SOP (SOP yang berlaku menjadi versi baru)",
    )
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sop = services.sop_update(
            actor=request.user,
            sop=_sop(pk),
            steps=[dict(s) for s in data.validated_data["steps"]],
            title=data.validated_data.get("title"),
        )
        return Response(SopDetailOutputSerializer(_sop(sop.pk)).data)


class SopActivateApi(APIView):
    permission_classes = [IsSopManager]

    @extend_schema(
        auth=SESSION_ONLY,
        tags=TAG,
        request=None,
        responses=SopOutputSerializer,
        summary="Berlakukan SOP",
    )
    def post(self, request, pk: int):
        sop = services.sop_activate(actor=request.user, sop=_sop(pk))
        return Response(SopOutputSerializer(sop).data)


class AssignmentListApi(APIView):
    permission_classes = [IsInstansiCaller]

    @extend_schema(
        tags=TAG, responses=AssignmentOutputSerializer(many=True), summary="Daftar penugasan"
    )
    def get(self, request):
        return Response(AssignmentOutputSerializer(selectors.assignment_list(), many=True).data)


class AssignmentCreateApi(APIView):
    permission_classes = [IsInstansiUser]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "SopAssignmentCreateInput"

        event = serializers.CharField(max_length=255)
        place = serializers.CharField(max_length=255)
        event_at = serializers.DateTimeField()
        assignee = serializers.CharField(help_text="nama pengguna petugas liputan")
        nota_dinas = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        auth=SESSION_ONLY,
        tags=TAG,
        request=InputSerializer,
        responses={201: AssignmentOutputSerializer},
        summary="Buat penugasan liputan (langkah 1)",
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        assignee = get_user_model().objects.filter(username=values.pop("assignee")).first()
        if assignee is None:
            raise SimpulError("Petugas liputan tidak ditemukan.", field="assignee")
        assignment = services.assignment_create(actor=request.user, assignee=assignee, **values)
        return Response(AssignmentOutputSerializer(assignment).data, status=status.HTTP_201_CREATED)


class AssignmentDetailApi(APIView):
    permission_classes = [IsInstansiCaller]

    @extend_schema(
        tags=TAG,
        responses=AssignmentDetailOutputSerializer,
        summary="Rincian penugasan dan waktunya",
    )
    def get(self, request, pk: int):
        assignment = _assignment(pk)
        timeline = selectors.assignment_timeline(assignment)
        return Response(
            AssignmentDetailOutputSerializer(assignment, context={"timeline": timeline}).data
        )


class AssignmentDraftApi(APIView):
    permission_classes = [IsInstansiUser]

    @extend_schema(
        auth=SESSION_ONLY,
        tags=TAG,
        request=None,
        responses={201: AssignmentOutputSerializer},
        summary="Buat draf berita dari penugasan",
    )
    def post(self, request, pk: int):
        assignment = _assignment(pk)
        services.assignment_start_draft(actor=request.user, assignment=assignment)
        return Response(
            AssignmentOutputSerializer(_assignment(pk)).data, status=status.HTTP_201_CREATED
        )


class AssignmentSharesApi(APIView):
    permission_classes = [IsInstansiUser]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "SopSharesInput"

        class ShareSerializer(serializers.Serializer):
            class Meta:
                ref_name = "SopShareInput"

            account = serializers.IntegerField(required=False, allow_null=True)
            account_label = serializers.CharField(required=False, allow_blank=True, default="")
            post_url = serializers.CharField()

        shares = ShareSerializer(many=True)

    @extend_schema(
        auth=SESSION_ONLY,
        tags=TAG,
        request=InputSerializer,
        responses={201: AssignmentOutputSerializer},
        summary="Catat unggahan media sosial (langkah akhir)",
    )
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.assignment_record_shares(
            actor=request.user,
            assignment=_assignment(pk),
            shares=[dict(s) for s in data.validated_data["shares"]],
        )
        return Response(
            AssignmentOutputSerializer(_assignment(pk)).data, status=status.HTTP_201_CREATED
        )


def _date_param(request, name: str, default: str):
    """A YYYY-MM-DD query parameter (the schema's `format: date`); absent: `default`."""
    value = request.query_params.get(name, default)
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise SimpulError("Tanggal ditulis YYYY-MM-DD, mis. 2026-01-31.") from exc


class SopStatsApi(APIView):
    permission_classes = [IsInstansiCaller]

    @extend_schema(
        tags=TAG,
        responses=SopStatsOutputSerializer,
        parameters=[
            OpenApiParameter("dari", OpenApiTypes.DATE, description="tanggal awal YYYY-MM-DD"),
            OpenApiParameter(
                "sampai", OpenApiTypes.DATE, description="tanggal akhir YYYY-MM-DD (termasuk)"
            ),
        ],
        summary="Angka SOP per periode",
    )
    def get(self, request):
        today = timezone.localdate()
        first = _date_param(request, "dari", f"{today:%Y-01-01}")
        last = _date_param(request, "sampai", f"{today:%Y-%m-%d}")
        if last < first:
            raise SimpulError("Tanggal 'sampai' tidak boleh sebelum 'dari'.", field="sampai")
        tz = timezone.get_current_timezone()
        stats = selectors.sop_stats(
            start=datetime.combine(first, time.min, tzinfo=tz),
            end=datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz),
        )
        stats["median_minutes_per_step"] = {
            str(k): v for k, v in stats["median_minutes_per_step"].items()
        }
        return Response(stats)
