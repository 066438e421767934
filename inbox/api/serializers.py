"""Output shapes shared by the inbox API views (inputs are nested in each view)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.utils import html

from ..models import Inquiry, InquiryEvent, Referral
from ..services import official_account_label

NO_NUL = r"^[^\u0000]*$"
# Python's whitespace (what str.strip() removes), spelled out so every regex engine agrees.
SPACE = (
    r"\t\n\u000b\u000c\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
NOT_BLANK = rf"^[^\u0000]*[^\u0000{SPACE}][^\u0000]*$"


class StrictCharField(serializers.RegexField):
    """A string field that refuses numbers, booleans and lists instead of turning them into text.

    Its schema says what it accepts: a JSON string without NUL (which PostgreSQL cannot store)
    and, unless blank is allowed, with at least one non-space character.
    """

    default_error_messages = {
        "invalid": "Harus berupa teks.",
        "invalid_characters": "Teks tidak boleh memuat karakter NUL.",
    }

    def __init__(self, **kwargs):
        kwargs.pop("regex", None)
        regex = NO_NUL if kwargs.get("allow_blank") else NOT_BLANK
        super().__init__(regex, **kwargs)
        self.validators = [v for v in self.validators if v.__class__.__name__ != "RegexValidator"]
        from django.core.validators import RegexValidator

        self.validators.append(
            RegexValidator(regex, message=self.error_messages["invalid_characters"])
        )

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            # As the schema's maxLength counts: the text as sent, before trimming.
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class TextField(StrictCharField):
    """Required free text: a string with at least one non-space character."""


class StrictChoiceField(serializers.ChoiceField):
    """A choice that must be given as the exact string (not a number that reads like one)."""

    def get_value(self, dictionary):
        # A form field sent empty is an empty (unknown) choice, not "use the default".
        if html.is_html_input(dictionary) and self.field_name in dictionary:
            return dictionary.get(self.field_name)
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class ErrorSerializer(serializers.Serializer):
    """`detail` for the whole request, or one key per field with its list of messages."""

    detail = serializers.CharField(
        required=False, help_text="Pesan galat untuk seluruh permintaan."
    )


def paginated(serializer_class, name: str):
    """Schema of a LimitOffsetPagination page of `serializer_class` items."""
    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


class ReferralOutputSerializer(serializers.ModelSerializer):
    inquiry_id = serializers.IntegerField(read_only=True)
    from_instansi = serializers.CharField(source="from_instansi.schema_name")
    from_instansi_name = serializers.CharField(source="from_instansi.name")
    to_instansi = serializers.CharField(source="to_instansi.schema_name")
    to_instansi_name = serializers.CharField(source="to_instansi.name")
    status_label = serializers.CharField(source="get_status_display")
    suggested_instansi = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "inquiry_id",
            "from_instansi",
            "from_instansi_name",
            "to_instansi",
            "to_instansi_name",
            "note",
            "status",
            "status_label",
            "requested_at",
            "due_at",
            "overdue",
            "answered_at",
            "answer",
            "answered_by_name",
            "decline_reason",
            "suggested_instansi",
        ]

    def get_suggested_instansi(self, obj: Referral) -> str | None:
        return obj.suggested_instansi.schema_name if obj.suggested_instansi_id else None

    def get_overdue(self, obj: Referral) -> bool:
        return obj.is_overdue(timezone.now())


class EventOutputSerializer(serializers.ModelSerializer):
    instansi = serializers.CharField(source="instansi.schema_name")
    action_label = serializers.CharField(source="get_action_display")

    class Meta:
        model = InquiryEvent
        fields = [
            "id",
            "created_at",
            "action",
            "action_label",
            "instansi",
            "actor_name",
            "status_after",
            "referral_id",
            "text",
        ]


class OfficialAccountOutputSerializer(serializers.Serializer):
    """The official account a message arrived on, as the regency-wide directory shows it."""

    id = serializers.IntegerField(source="account_id", help_text="Id akun di registri instansi.")
    label = serializers.SerializerMethodField()
    platform = serializers.CharField(required=False)
    handle = serializers.CharField(required=False)
    url = serializers.CharField(required=False)
    status = serializers.CharField(required=False, help_text="aktif atau dihentikan")
    decree_number = serializers.CharField(required=False)

    def get_label(self, entry) -> str:
        return official_account_label(entry)


class InquiryOutputSerializer(serializers.ModelSerializer):
    """An inquiry; `citizen_name`/`citizen_contact` only for the instansi that received it."""

    instansi = serializers.CharField(source="instansi.schema_name")
    instansi_name = serializers.CharField(source="instansi.name")
    kind_label = serializers.CharField(source="get_kind_display")
    channel_label = serializers.CharField(source="get_channel_display")
    status_label = serializers.CharField(source="get_status_display")
    overdue = serializers.SerializerMethodField()
    official_account = serializers.SerializerMethodField()
    referrals = ReferralOutputSerializer(many=True, read_only=True)
    tracking_code = serializers.CharField(
        required=False,
        help_text=(
            "Kode lacak warga; rahasia warga, hanya untuk instansi penerima pesan (tidak ada "
            "untuk instansi yang menerima rujukan)."
        ),
    )
    citizen_name = serializers.CharField(
        required=False, help_text="Hanya untuk instansi penerima pesan."
    )
    citizen_contact = serializers.CharField(
        required=False, help_text="Hanya untuk instansi penerima pesan."
    )

    class Meta:
        model = Inquiry
        fields = [
            "id",
            "tracking_code",
            "instansi",
            "instansi_name",
            "kind",
            "kind_label",
            "channel",
            "channel_label",
            "channel_detail",
            "official_account",
            "body",
            "status",
            "status_label",
            "overdue",
            "public_reply",
            "topics",
            "created_at",
            "updated_at",
            "answered_at",
            "closed_at",
            "referrals",
            "citizen_name",
            "citizen_contact",
        ]

    def get_overdue(self, obj: Inquiry) -> bool:
        now = timezone.now()
        return any(r.is_overdue(now) for r in obj.referrals.all())

    @extend_schema_field(OfficialAccountOutputSerializer(allow_null=True))
    def get_official_account(self, obj: Inquiry) -> dict | None:
        if obj.official_account_ref is None:
            return None
        entry = obj.official_account
        if entry is None:  # no longer in the directory: what was copied at reception
            return {"id": obj.official_account_ref, "label": obj.channel_detail}
        return OfficialAccountOutputSerializer(entry).data

    def to_representation(self, instance: Inquiry) -> dict:
        data = super().to_representation(instance)
        viewer = self.context.get("instansi")
        if viewer is None or viewer.pk != instance.instansi_id:
            # Personal data never leaves the instansi handling the inquiry.
            data.pop("citizen_name", None)
            data.pop("citizen_contact", None)
            data.pop("tracking_code", None)
        return data


class InquiryDetailOutputSerializer(InquiryOutputSerializer):
    events = EventOutputSerializer(many=True, read_only=True)

    class Meta(InquiryOutputSerializer.Meta):
        fields = [*InquiryOutputSerializer.Meta.fields, "events"]


class InquirySummarySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Inquiry
        fields = ["id", "kind", "kind_label", "body", "status", "status_label", "created_at"]


class ReferralWithInquirySerializer(ReferralOutputSerializer):
    inquiry = InquirySummarySerializer(read_only=True)

    class Meta(ReferralOutputSerializer.Meta):
        fields = [*ReferralOutputSerializer.Meta.fields, "inquiry"]
