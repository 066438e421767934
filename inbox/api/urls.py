"""API routes of the inbox, included under /api/v1/ on every instansi host."""

from django.urls import path

from . import views

urlpatterns = [
    path("inquiries/", views.InquiryCollectionApi.as_view(), name="inbox-api-inquiries"),
    path("inquiries/stats/", views.InquiryStatsApi.as_view(), name="inbox-api-stats"),
    path(
        "inquiries/<int:inquiry_id>/",
        views.InquiryDetailApi.as_view(),
        name="inbox-api-inquiry",
    ),
    path(
        "inquiries/<int:inquiry_id>/answer/",
        views.InquiryAnswerApi.as_view(),
        name="inbox-api-inquiry-answer",
    ),
    path(
        "inquiries/<int:inquiry_id>/refer/",
        views.InquiryReferApi.as_view(),
        name="inbox-api-inquiry-refer",
    ),
    path(
        "inquiries/<int:inquiry_id>/reply/",
        views.InquiryReplyApi.as_view(),
        name="inbox-api-inquiry-reply",
    ),
    path(
        "inquiries/<int:inquiry_id>/close/",
        views.InquiryCloseApi.as_view(),
        name="inbox-api-inquiry-close",
    ),
    path(
        "inquiries/<int:inquiry_id>/topics/",
        views.InquiryTopicsApi.as_view(),
        name="inbox-api-inquiry-topics",
    ),
    path("referrals/", views.ReferralListApi.as_view(), name="inbox-api-referrals"),
    path(
        "referrals/<int:referral_id>/",
        views.ReferralDetailApi.as_view(),
        name="inbox-api-referral",
    ),
    path(
        "referrals/<int:referral_id>/answer/",
        views.ReferralAnswerApi.as_view(),
        name="inbox-api-referral-answer",
    ),
    path(
        "referrals/<int:referral_id>/decline/",
        views.ReferralDeclineApi.as_view(),
        name="inbox-api-referral-decline",
    ),
]
