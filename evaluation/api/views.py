"""REST API of evaluation on an instansi's host: its own annual reports and released evaluations."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.policy import SESSION_ONLY

from .. import selectors, services

TAG = ["laporan tahunan"]


def _tenant(request):
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        raise Http404
    return tenant


class ReportListApi(APIView):
    """The instansi's annual reports, newest first."""

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "EvaluationReportListItem"

        year = serializers.IntegerField()
        status = serializers.CharField()
        status_label = serializers.CharField(source="get_status_display")
        submitted_at = serializers.DateTimeField(allow_null=True)

    @extend_schema(
        operation_id="evaluation_report_list",
        summary="Daftar laporan tahunan instansi ini",
        tags=TAG,
        responses={200: OutputSerializer(many=True)},
    )
    def get(self, request):
        reports = selectors.report_list(instansi=_tenant(request))
        return Response(self.OutputSerializer(reports, many=True).data)


class ReportDetailApi(APIView):
    """One report of the instansi: items (a)–(h), numbers with how computed, its evaluation."""

    class FigureSerializer(serializers.Serializer):
        class Meta:
            ref_name = "EvaluationReportFigure"

        key = serializers.CharField()
        item = serializers.CharField()
        label = serializers.CharField()
        value = serializers.IntegerField(allow_null=True)
        computed = serializers.IntegerField(allow_null=True)
        how = serializers.CharField()
        correction = serializers.DictField(allow_null=True)

    class ScoreSerializer(serializers.Serializer):
        class Meta:
            ref_name = "EvaluationCriterionScore"

        criterion = serializers.CharField(source="criterion.name")
        weight = serializers.IntegerField(source="criterion.weight")
        max_score = serializers.IntegerField(source="criterion.max_score")
        score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
        note = serializers.CharField()

    class EvaluationSerializer(serializers.Serializer):
        class Meta:
            ref_name = "EvaluationResult"

        total = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
        predicate = serializers.CharField()
        summary = serializers.CharField()
        released_at = serializers.DateTimeField()
        scores = serializers.SerializerMethodField()
        recommendations = serializers.SerializerMethodField()

        def get_scores(self, obj) -> list[dict]:
            return ReportDetailApi.ScoreSerializer(obj.scores.all(), many=True).data

        def get_recommendations(self, obj) -> list[str]:
            return [r.text for r in obj.recommendations.all()]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "EvaluationReportDetail"

        year = serializers.IntegerField()
        status = serializers.CharField()
        status_label = serializers.CharField()
        submitted_at = serializers.DateTimeField(allow_null=True)
        narrative = serializers.DictField(child=serializers.CharField())
        figures = serializers.ListField(child=serializers.DictField())
        evaluation = serializers.DictField(allow_null=True)

    @extend_schema(
        operation_id="evaluation_report_retrieve",
        summary="Rincian laporan tahunan dan hasil evaluasinya (bila sudah disampaikan)",
        tags=TAG,
        responses={200: OutputSerializer},
    )
    def get(self, request, year: int):
        report = selectors.report_get(instansi=_tenant(request), year=year)
        if report is None:
            raise Http404
        evaluation = selectors.released_evaluation(report=report)
        data = {
            "year": report.year,
            "status": report.status,
            "status_label": report.get_status_display(),
            "submitted_at": report.submitted_at,
            "narrative": {f: getattr(report, f) for f in services.NARRATIVE_FIELDS},
            "figures": self.FigureSerializer(selectors.report_rows(report), many=True).data,
            "evaluation": self.EvaluationSerializer(evaluation).data if evaluation else None,
        }
        return Response(data)


class ReportSubmitApi(APIView):
    """Submit the report (Kepala Instansi or Pejabat Pengelola only); numbers are frozen."""

    @extend_schema(
        operation_id="evaluation_report_submit",
        auth=SESSION_ONLY,
        summary="Sampaikan laporan tahunan (angka dibekukan)",
        tags=TAG,
        request=None,
        responses={
            200: inline_serializer(
                "ReportSubmitOutput",
                {"year": serializers.IntegerField(), "status": serializers.CharField()},
            )
        },
    )
    def post(self, request, year: int):
        report = selectors.report_get(instansi=_tenant(request), year=year)
        if report is None:
            raise Http404
        report = services.report_submit(report=report, actor=request.user)
        return Response({"year": report.year, "status": report.status})
