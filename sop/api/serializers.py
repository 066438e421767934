"""Output shapes of the SOP API (inputs are nested in the views, one per operation)."""

from rest_framework import serializers

from ..models import Assignment, Share, Sop, SopStep


class StepOutputSerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="role.name", default=None)

    class Meta:
        model = SopStep
        fields = [
            "order",
            "activity",
            "role",
            "symbol",
            "stage",
            "kelengkapan",
            "standard_minutes",
            "output",
            "notes",
        ]


class SopOutputSerializer(serializers.ModelSerializer):
    decree = serializers.SerializerMethodField()

    class Meta:
        model = Sop
        fields = [
            "id",
            "title",
            "kind",
            "version",
            "status",
            "template_key",
            "decree",
            "activated_at",
            "retired_at",
        ]

    def get_decree(self, sop) -> dict | None:
        if sop.decree_id is None:
            return None
        return {"id": sop.decree_id, "number": sop.decree.number, "date": sop.decree.date}


class SopDetailOutputSerializer(SopOutputSerializer):
    steps = StepOutputSerializer(many=True)

    class Meta(SopOutputSerializer.Meta):
        fields = [*SopOutputSerializer.Meta.fields, "steps"]


class ShareOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Share
        fields = ["account_label", "account_ref", "post_url", "recorded_at"]


class AssignmentOutputSerializer(serializers.ModelSerializer):
    assignee = serializers.CharField(source="assignee.username")
    created_by = serializers.CharField(source="created_by.username")
    sop_version = serializers.IntegerField(source="sop.version")

    class Meta:
        model = Assignment
        fields = [
            "id",
            "event",
            "place",
            "event_at",
            "assignee",
            "nota_dinas",
            "created_by",
            "created_at",
            "sop",
            "sop_version",
            "page",
            "draft_created_at",
            "published_at",
            "shares_recorded_at",
            "completed_at",
        ]


class TimelineRowSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    activity = serializers.CharField()
    role = serializers.CharField()
    state_code = serializers.CharField()
    attempt = serializers.IntegerField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    minutes = serializers.FloatField(allow_null=True)
    standard_minutes = serializers.IntegerField()
    over = serializers.BooleanField()


class AssignmentDetailOutputSerializer(AssignmentOutputSerializer):
    steps = serializers.SerializerMethodField()
    shares = ShareOutputSerializer(many=True)

    class Meta(AssignmentOutputSerializer.Meta):
        fields = [*AssignmentOutputSerializer.Meta.fields, "steps", "shares"]

    def get_steps(self, assignment) -> list[dict]:
        return TimelineRowSerializer(self.context["timeline"], many=True).data


class SopStatsOutputSerializer(serializers.Serializer):
    sop_active = serializers.BooleanField()
    items_published = serializers.IntegerField()
    shares_recorded = serializers.IntegerField()
    steps_total = serializers.IntegerField()
    steps_within_standard = serializers.IntegerField()
    share_within_standard = serializers.FloatField(allow_null=True)
    median_minutes_per_step = serializers.DictField(child=serializers.FloatField())
