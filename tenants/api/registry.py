"""Registry API: the public account check (portal) and an instansi's own registry (its host).

The instansi endpoints read the schema being served, so a token or session of one instansi
never reaches another's decrees, files or appointments.
"""

from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.errors import NotFound, SimpulError

from ..registry import selectors, services
from ..registry.platforms import PLATFORM_BY_CODE, UrlError


class VerifyApi(APIView):
    """Is this account official? `?url=` or `?platform=&handle=`; answers even when it is not."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "verify"
    throttle_classes = [ScopedRateThrottle]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "RegistryVerifyOutput"

        status = serializers.ChoiceField(choices=["resmi", "dihentikan", "tidak_terdaftar"])
        official = serializers.BooleanField()
        query = serializers.CharField()
        message = serializers.CharField()
        instansi = serializers.DictField(allow_null=True)
        account = serializers.DictField(allow_null=True)
        decree = serializers.DictField(allow_null=True)
        official_since = serializers.DateField(allow_null=True)
        retired_on = serializers.DateField(allow_null=True)

    @extend_schema(
        operation_id="account_verify",
        summary="Periksa apakah sebuah akun adalah akun resmi instansi",
        description=(
            "Isi `url`, atau `platform` bersama `handle`. Bila `url` diisi, `platform` dan "
            "`handle` tidak dibaca. Jawaban 200 juga untuk akun yang tidak terdaftar "
            "(`status` = `tidak_terdaftar`); 400 untuk alamat atau nama akun yang tidak sah."
        ),
        parameters=[
            OpenApiParameter(
                "url",
                str,
                pattern=r"^[^\u0000]*$",
                description="Alamat akun, mis. https://instagram.com/namaakun (http/https).",
            ),
            OpenApiParameter(
                "platform",
                str,
                enum=list(PLATFORM_BY_CODE),
                description="Kode platform, bersama `handle`.",
            ),
            OpenApiParameter(
                "handle",
                str,
                pattern=r"^\s*@?\s*[A-Za-z0-9._-]{1,100}\s*$",
                description="Nama akun (boleh diawali @), bersama `platform`.",
            ),
        ],
        responses=OutputSerializer,
    )
    def get(self, request):
        url = (request.query_params.get("url") or "").strip()
        platform = (request.query_params.get("platform") or "").strip()
        handle = (request.query_params.get("handle") or "").strip()
        try:
            result = selectors.account_verify(url=url, platform=platform, handle=handle)
        except UrlError as exc:
            raise SimpulError(str(exc)) from None
        return Response(result.as_dict())


# --- an instansi's own registry ---------------------------------------------------------------


class DecreeListApi(APIView):
    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "RegistryDecreeListOutput"

        id = serializers.IntegerField()
        number = serializers.CharField()
        date = serializers.DateField()
        title = serializers.CharField()
        signer_name = serializers.CharField()
        subject = serializers.CharField()
        effective_date = serializers.DateField()
        status = serializers.CharField()
        replaced_by = serializers.CharField(source="replaced_by.number", allow_null=True)
        account_count = serializers.IntegerField()

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request):
        decrees = selectors.decree_list()
        return Response(self.OutputSerializer(decrees, many=True).data)


class DecreeDetailApi(APIView):
    class ItemSerializer(serializers.Serializer):
        kind = serializers.CharField()
        label = serializers.CharField()
        effect = serializers.CharField()

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "RegistryDecreeDetailOutput"

        id = serializers.IntegerField()
        number = serializers.CharField()
        date = serializers.DateField()
        title = serializers.CharField()
        signer_name = serializers.CharField()
        signer_nip = serializers.CharField()
        subject = serializers.CharField()
        effective_date = serializers.DateField()
        status = serializers.CharField()
        end_note = serializers.CharField()
        pdf_url = serializers.SerializerMethodField()

        def get_pdf_url(self, obj) -> str:
            return obj.pdf.url if obj.pdf else ""

    @extend_schema(responses=OutputSerializer)
    def get(self, request, pk: int):
        decree = selectors.decree_get(pk)
        if decree is None:
            raise NotFound("SK tidak ditemukan.")
        data = self.OutputSerializer(decree).data
        data["items"] = self.ItemSerializer(selectors.decree_items(decree), many=True).data
        return Response(data)


class DecreePdfApi(APIView):
    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, pk: int):
        decree = selectors.decree_get(pk)
        if decree is None or not decree.pdf:
            raise NotFound("Berkas SK tidak ditemukan.")
        try:
            handle = decree.pdf.open("rb")
        except OSError:
            raise NotFound("Berkas SK tidak ditemukan.") from None
        return FileResponse(
            handle, content_type="application/pdf", filename=decree.pdf.name.split("/")[-1]
        )


class AccountListApi(APIView):
    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "RegistryAccountListOutput"

        id = serializers.IntegerField()
        platform = serializers.CharField()
        category = serializers.CharField()
        handle = serializers.CharField()
        url = serializers.CharField()
        display_name = serializers.CharField()
        audience_note = serializers.CharField()
        status = serializers.CharField()
        active_since = serializers.DateField()
        retired_on = serializers.DateField(allow_null=True)
        decree = serializers.CharField(source="decree.number")

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request):
        accounts = selectors.official_account_list().order_by("platform", "handle", "id")
        return Response(self.OutputSerializer(accounts, many=True).data)


class AppointmentListApi(APIView):
    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "RegistryAppointmentListOutput"

        id = serializers.IntegerField()
        person_name = serializers.CharField()
        nip = serializers.CharField()
        position = serializers.CharField()
        role = serializers.CharField()
        status = serializers.CharField()
        start_date = serializers.DateField()
        end_date = serializers.DateField(allow_null=True)
        decree = serializers.CharField(source="decree.number")
        accounts = serializers.SerializerMethodField()

        def get_accounts(self, obj) -> list[str]:
            return [a.url for a in obj.accounts.all()]

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request):
        appointments = selectors.appointment_list().order_by("role", "person_name", "id")
        return Response(self.OutputSerializer(appointments, many=True).data)


class AudienceRecordApi(APIView):
    """Record an account's follower count for a month (e.g. from a monitoring tool)."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "RegistryAudienceRecordInput"

        account = serializers.IntegerField()
        month = serializers.RegexField(
            r"^\d{4}-\d{2}$", error_messages={"invalid": "Format TTTT-BB."}
        )
        followers = serializers.IntegerField(min_value=0)

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "RegistryAudienceRecordOutput"

        id = serializers.IntegerField()
        account = serializers.IntegerField(source="account_id")
        month = serializers.DateField()
        followers = serializers.IntegerField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        figure = services.audience_record(
            actor=request.user,
            account=data.validated_data["account"],
            month=data.validated_data["month"],
            followers=data.validated_data["followers"],
            source="api",
        )
        return Response(self.OutputSerializer(figure).data, status=201)
