"""Wagtail admin wiring of the inbox: its screens under /admin/kotak-masuk/ and the menu."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from . import views

app_name = "inbox_admin"
admin_urlpatterns = [
    path("", views.received_box, name="received"),
    path("dirujuk/", views.referred_box, name="referred"),
    path("terlambat/", views.overdue_all, name="overdue"),
    path("catat/", views.inquiry_record, name="record"),
    path("analisis/", views.feedback_analysis, name="analysis"),
    path("pesan/<int:inquiry_id>/", views.inquiry_detail, name="detail"),
    path("pesan/<int:inquiry_id>/jawab/", views.inquiry_answer, name="answer"),
    path("pesan/<int:inquiry_id>/rujuk/", views.inquiry_refer, name="refer"),
    path("pesan/<int:inquiry_id>/balas/", views.inquiry_reply, name="reply"),
    path("pesan/<int:inquiry_id>/tutup/", views.inquiry_close, name="close"),
    path("pesan/<int:inquiry_id>/topik/", views.inquiry_topics, name="topics"),
    path("rujukan/<int:referral_id>/jawab/", views.referral_answer, name="referral_answer"),
    path("rujukan/<int:referral_id>/tolak/", views.referral_decline, name="referral_decline"),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("kotak-masuk/", include((admin_urlpatterns, app_name), namespace=app_name))]


class SuperOnlyMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(getattr(getattr(request, "tenant", None), "is_super", False))


@hooks.register("register_admin_menu_item")
def register_inbox_menu():
    items = [
        MenuItem("Pesan diterima", reverse("inbox_admin:received"), icon_name="mail", order=100),
        MenuItem(
            "Dirujuk ke kami", reverse("inbox_admin:referred"), icon_name="resubmit", order=200
        ),
        MenuItem("Catat pesan", reverse("inbox_admin:record"), icon_name="plus", order=300),
        MenuItem(
            "Analisis masukan", reverse("inbox_admin:analysis"), icon_name="list-ul", order=400
        ),
        SuperOnlyMenuItem(
            "Rujukan terlambat", reverse("inbox_admin:overdue"), icon_name="warning", order=500
        ),
    ]
    return SubmenuMenuItem(
        "Kotak Masuk", Menu(items=items), icon_name="mail", name="kotak-masuk", order=250
    )
