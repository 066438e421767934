"""Inbox API for an instansi's systems: one view per operation, under /api/v1/ on its host.

Every view acts for `request.tenant` (the token's instansi: a token is valid on its own host
only) and reads through the selectors, which hide what the instansi is not a party to.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from core.errors import SimpulError
from core.policy import IsInstansiCaller

from .. import selectors, services
from ..models import (
    BODY_MAX_LENGTH,
    CONTACT_MAX_LENGTH,
    NAME_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Inquiry,
    Referral,
)
from ..services._common import TOPIC_MAX_LENGTH, TOPICS_MAX
from .idempotency import IDEMPOTENCY_PARAMETER, run_idempotent
from .serializers import (
    NO_NUL,
    ErrorSerializer,
    InquiryDetailOutputSerializer,
    InquiryOutputSerializer,
    ReferralOutputSerializer,
    ReferralWithInquirySerializer,
    StrictCharField,
    StrictChoiceField,
    TextField,
    paginated,
)

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
POST_ERRORS = {**ERRORS, 409: ErrorSerializer, 422: ErrorSerializer}
TAG = ["Kotak masuk"]


def _bool_param(value: str | None, field: str) -> bool | None:
    if value is None:
        return None
    if value == "true":
        return True
    if value == "false":
        return False
    raise SimpulError("Nilai harus true atau false.", field=field)


def _checked_choice(value: str | None, choices, field: str) -> str | None:
    if value is None:
        return None
    if value not in choices.values:
        raise SimpulError(
            f"Nilai tidak dikenal: {value!r}. Pilihan: {', '.join(choices.values)}.", field=field
        )
    return value


class InboxApiView(APIView):
    permission_classes = [IsInstansiCaller]

    def context(self, request) -> dict:
        return {"request": request, "instansi": request.tenant}

    def inquiry_response(self, request, inquiry_id: int, code: int = 200) -> Response:
        inquiry = selectors.inquiry_get_for(instansi=request.tenant, inquiry_id=inquiry_id)
        data = InquiryDetailOutputSerializer(inquiry, context=self.context(request)).data
        return Response(data, status=code)

    def referral_response(self, request, referral_id: int, code: int = 200) -> Response:
        referral = selectors.referral_get_for(instansi=request.tenant, referral_id=referral_id)
        return Response(ReferralOutputSerializer(referral).data, status=code)


LIST_PARAMETERS = [
    OpenApiParameter(
        "status", str, enum=Inquiry.Status.values, description="Saring menurut status."
    ),
    OpenApiParameter("kind", str, enum=Inquiry.Kind.values, description="Saring menurut jenis."),
    OpenApiParameter("overdue", bool, description="Hanya yang (tidak) melewati tenggat rujukan."),
]


class InquiryCollectionApi(InboxApiView):
    """GET: the received box. POST: record an inquiry received by this instansi."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "InboxInquiryCollectionInput"

        kind = StrictChoiceField(
            Inquiry.Kind.choices, help_text="pertanyaan, komentar, kritik atau saran"
        )
        channel = StrictChoiceField(
            Inquiry.Channel.choices,
            required=False,
            default=Inquiry.Channel.API,
            help_text="Kanal penerimaan.",
        )
        channel_detail = StrictCharField(
            required=False, allow_blank=True, default="", max_length=300
        )
        official_account = serializers.IntegerField(
            required=False,
            allow_null=True,
            default=None,
            min_value=1,
            max_value=2**63 - 1,
            help_text=(
                "Id akun resmi (dari /api/v1/registry/accounts/) tempat pesan diterima; wajib "
                "untuk kanal akun_resmi dan hanya untuk kanal itu."
            ),
            error_messages={
                "invalid": "Id akun resmi harus bilangan bulat.",
                "min_value": "Id akun resmi harus bilangan bulat positif.",
                "max_value": "Id akun resmi terlalu besar.",
                "max_string_length": "Id akun resmi terlalu panjang.",
            },
        )
        body = TextField(max_length=BODY_MAX_LENGTH)
        citizen_name = StrictCharField(
            required=False, allow_blank=True, default="", max_length=NAME_MAX_LENGTH
        )
        citizen_contact = StrictCharField(
            required=False, allow_blank=True, default="", max_length=CONTACT_MAX_LENGTH
        )

    @extend_schema(
        operation_id="inquiry_list_received",
        summary="Daftar pesan yang diterima instansi ini",
        tags=TAG,
        parameters=[
            *LIST_PARAMETERS,
            OpenApiParameter("topic", str, pattern=NO_NUL, description="Saring menurut topik."),
        ],
        responses={200: paginated(InquiryOutputSerializer, "PaginatedInquiryList"), **ERRORS},
    )
    def get(self, request):
        params = request.query_params
        qs = selectors.inquiry_list_received(
            instansi=request.tenant,
            status=_checked_choice(params.get("status"), Inquiry.Status, "status"),
            kind=_checked_choice(params.get("kind"), Inquiry.Kind, "kind"),
            overdue=_bool_param(params.get("overdue"), "overdue"),
            topic=(params.get("topic") or "").strip().lower() or None,
        )
        paginator = api_settings.DEFAULT_PAGINATION_CLASS()
        page = paginator.paginate_queryset(qs, request, view=self)
        data = InquiryOutputSerializer(page, many=True, context=self.context(request)).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="inquiry_create",
        summary="Catat pesan masuk (pertanyaan/komentar/kritik/saran)",
        tags=TAG,
        parameters=[IDEMPOTENCY_PARAMETER],
        request=InputSerializer,
        responses={201: InquiryDetailOutputSerializer, **POST_ERRORS},
    )
    def post(self, request):
        def operation() -> Response:
            data = _valid(self.InputSerializer, request)
            inquiry = services.inquiry_create(actor=request.user, instansi=request.tenant, **data)
            return self.inquiry_response(request, inquiry.pk, status.HTTP_201_CREATED)

        return run_idempotent(request, operation)


class InquiryDetailApi(InboxApiView):
    @extend_schema(
        operation_id="inquiry_retrieve",
        summary="Rincian pesan beserta riwayatnya",
        tags=TAG,
        responses={200: InquiryDetailOutputSerializer, **ERRORS},
    )
    def get(self, request, inquiry_id: int):
        return self.inquiry_response(request, inquiry_id)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class InquiryAnswerApi(InboxApiView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "InboxInquiryAnswerInput"

        answer = TextField(max_length=TEXT_MAX_LENGTH)

    @extend_schema(
        operation_id="inquiry_answer",
        summary="Jawab langsung (Lampiran B langkah 2)",
        tags=TAG,
        parameters=[IDEMPOTENCY_PARAMETER],
        request=InputSerializer,
        responses={200: InquiryDetailOutputSerializer, **POST_ERRORS},
    )
    def post(self, request, inquiry_id: int):
        def operation() -> Response:
            data = _valid(self.InputSerializer, request)
            services.inquiry_answer(
                actor=request.user, instansi=request.tenant, inquiry_id=inquiry_id, **data
            )
            return self.inquiry_response(request, inquiry_id)

        return run_idempotent(request, operation)


class InquiryReferApi(InboxApiView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "InboxInquiryReferInput"

        to_instansi = StrictCharField(help_text="Slug instansi tujuan, mis. dinkes.")
        note = StrictCharField(required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="inquiry_refer",
        summary="Rujuk ke instansi yang berwenang (Lampiran B langkah 3)",
        tags=TAG,
        parameters=[IDEMPOTENCY_PARAMETER],
        request=InputSerializer,
        responses={201: ReferralOutputSerializer, **POST_ERRORS},
    )
    def post(self, request, inquiry_id: int):
        def operation() -> Response:
            data = _valid(self.InputSerializer, request)
            referral = services.inquiry_refer(
                actor=request.user, instansi=request.tenant, inquiry_id=inquiry_id, **data
            )
            return self.referral_response(request, referral.pk, status.HTTP_201_CREATED)

        return run_idempotent(request, operation)


class InquiryReplyApi(InboxApiView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "InboxInquiryReplyInput"

        reply = TextField(max_length=TEXT_MAX_LENGTH)

    @extend_schema(
        operation_id="inquiry_reply",
        summary="Balas ke masyarakat dari jawaban instansi terkait (Lampiran B langkah 5)",
        tags=TAG,
        parameters=[IDEMPOTENCY_PARAMETER],
        request=InputSerializer,
        responses={200: InquiryDetailOutputSerializer, **POST_ERRORS},
    )
    def post(self, request, inquiry_id: int):
        def operation() -> Response:
            data = _valid(self.InputSerializer, request)
            services.inquiry_reply(
                actor=request.user, instansi=request.tenant, inquiry_id=inquiry_id, **data
            )
            return self.inquiry_response(request, inquiry_id)

        return run_idempotent(request, operation)


class InquiryCloseApi(InboxApiView):
    @extend_schema(
        operation_id="inquiry_close",
        summary="Tutup pesan",
        tags=TAG,
        parameters=[IDEMPOTENCY_PARAMETER],
        request=None,
        responses={200: InquiryDetailOutputSerializer, **POST_ERRORS},
    )
    def post(self, request, inquiry_id: int):
        def operation() -> Response:
            services.inquiry_close(
                actor=request.user, instansi=request.tenant, inquiry_id=inquiry_id
            )
            return self.inquiry_response(request, inquiry_id)

        return run_idempotent(request, operation)


class InquiryTopicsApi(InboxApiView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "InboxInquiryTopicsInput"

        topics = serializers.ListField(
            child=StrictCharField(max_length=TOPIC_MAX_LENGTH),
            allow_empty=True,
            max_length=TOPICS_MAX,
        )

    @extend_schema(
        operation_id="inquiry_set_topics",
        summary="Tetapkan topik pesan (analisis masukan, Pasal 9h)",
        tags=TAG,
        parameters=[IDEMPOTENCY_PARAMETER],
        # A list (possibly empty) is only expressible in JSON, not in form fields.
        request={"application/json": InputSerializer},
        responses={200: InquiryDetailOutputSerializer, **POST_ERRORS},
    )
    def post(self, request, inquiry_id: int):
        def operation() -> Response:
            data = _valid(self.InputSerializer, request)
            services.inquiry_set_topics(
                actor=request.user, instansi=request.tenant, inquiry_id=inquiry_id, **data
            )
            return self.inquiry_response(request, inquiry_id)

        return run_idempotent(request, operation)


class ReferralListApi(InboxApiView):
    @extend_schema(
        operation_id="referral_list_received",
        summary="Daftar rujukan yang ditujukan kepada instansi ini",
        tags=TAG,
        parameters=[
            OpenApiParameter("status", str, enum=Referral.Status.values),
            *LIST_PARAMETERS[1:],
        ],
        responses={
            200: paginated(ReferralWithInquirySerializer, "PaginatedReferralList"),
            **ERRORS,
        },
    )
    def get(self, request):
        params = request.query_params
        qs = selectors.referral_list_received(
            instansi=request.tenant,
            status=_checked_choice(params.get("status"), Referral.Status, "status"),
            kind=_checked_choice(params.get("kind"), Inquiry.Kind, "kind"),
            overdue=_bool_param(params.get("overdue"), "overdue"),
        )
        paginator = api_settings.DEFAULT_PAGINATION_CLASS()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ReferralWithInquirySerializer(page, many=True).data)


class ReferralDetailApi(InboxApiView):
    @extend_schema(
        operation_id="referral_retrieve",
        summary="Rincian rujukan",
        tags=TAG,
        responses={200: ReferralWithInquirySerializer, **ERRORS},
    )
    def get(self, request, referral_id: int):
        referral = selectors.referral_get_for(instansi=request.tenant, referral_id=referral_id)
        return Response(ReferralWithInquirySerializer(referral).data)


class ReferralAnswerApi(InboxApiView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "InboxReferralAnswerInput"

        answer = TextField(max_length=TEXT_MAX_LENGTH)
        answered_by_name = StrictCharField(
            required=False, allow_blank=True, default="", help_text="Nama pejabat yang menjawab."
        )

    @extend_schema(
        operation_id="referral_answer",
        summary="Jawab rujukan (Lampiran B langkah 4, paling lambat 24 jam)",
        tags=TAG,
        parameters=[IDEMPOTENCY_PARAMETER],
        request=InputSerializer,
        responses={200: ReferralOutputSerializer, **POST_ERRORS},
    )
    def post(self, request, referral_id: int):
        def operation() -> Response:
            data = _valid(self.InputSerializer, request)
            services.referral_answer(
                actor=request.user, instansi=request.tenant, referral_id=referral_id, **data
            )
            return self.referral_response(request, referral_id)

        return run_idempotent(request, operation)


class ReferralDeclineApi(InboxApiView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "InboxReferralDeclineInput"

        reason = TextField(max_length=TEXT_MAX_LENGTH)
        suggested_instansi = StrictCharField(
            required=False, allow_blank=True, default="", help_text="Slug instansi yang berwenang."
        )

    @extend_schema(
        operation_id="referral_decline",
        summary="Tolak rujukan: bukan kewenangan kami",
        tags=TAG,
        parameters=[IDEMPOTENCY_PARAMETER],
        request=InputSerializer,
        responses={200: ReferralOutputSerializer, **POST_ERRORS},
    )
    def post(self, request, referral_id: int):
        def operation() -> Response:
            data = _valid(self.InputSerializer, request)
            services.referral_decline(
                actor=request.user,
                instansi=request.tenant,
                referral_id=referral_id,
                reason=data["reason"],
                suggested_instansi=data["suggested_instansi"] or None,
            )
            return self.referral_response(request, referral_id)

        return run_idempotent(request, operation)


class InquiryStatsApi(InboxApiView):
    class FilterSerializer(serializers.Serializer):
        class Meta:
            ref_name = "InboxInquiryStatsFilter"

        start = serializers.DateField()
        end = serializers.DateField()

    @extend_schema(
        operation_id="inquiry_stats",
        summary="Angka kotak masuk instansi ini untuk periode [start, end)",
        tags=TAG,
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, required=True, description="YYYY-MM-DD"),
            OpenApiParameter(
                "end", OpenApiTypes.DATE, required=True, description="YYYY-MM-DD (tidak termasuk)"
            ),
        ],
        responses={
            200: inline_serializer(
                "InquiryStats",
                {
                    "received": serializers.IntegerField(),
                    "by_kind": serializers.DictField(child=serializers.IntegerField()),
                    "comments": serializers.IntegerField(),
                    "referrals_sent": serializers.IntegerField(),
                    "referrals_received": serializers.IntegerField(),
                    "referrals_answered": serializers.IntegerField(),
                    "answered_within_sla_share": serializers.FloatField(allow_null=True),
                    "median_response_hours": serializers.FloatField(allow_null=True),
                    "p90_response_hours": serializers.FloatField(allow_null=True),
                    "overdue_open": serializers.IntegerField(),
                },
            ),
            **ERRORS,
        },
    )
    def get(self, request):
        serializer = self.FilterSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        start, end = serializer.validated_data["start"], serializer.validated_data["end"]
        if end <= start:
            raise SimpulError("Akhir periode harus sesudah awal periode.", field="end")
        return Response(selectors.inquiry_stats(instansi=request.tenant, start=start, end=end))
