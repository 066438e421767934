"""Admin URLs of the SOP app, mounted under /admin/sop/ by `wagtail_hooks`."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.SopIndexView.as_view(), name="index"),
    path("<int:pk>/", views.SopDetailView.as_view(), name="detail"),
    path("<int:pk>/ubah/", views.SopEditView.as_view(), name="edit"),
    path("<int:pk>/berlakukan/", views.sop_activate_view, name="activate"),
    path("<int:pk>/cabut/", views.sop_deactivate_view, name="deactivate"),
    path("<int:pk>/matriks.pdf", views.sop_matrix_pdf_view, name="matrix_pdf"),
    path("penugasan/", views.AssignmentIndexView.as_view(), name="assignment_index"),
    path("penugasan/<int:pk>/", views.AssignmentDetailView.as_view(), name="assignment_detail"),
    path("penugasan/<int:pk>/draf/", views.assignment_draft_view, name="assignment_draft"),
    path("penugasan/<int:pk>/unggahan/", views.assignment_shares_view, name="assignment_shares"),
    path("kepatuhan/", views.ComplianceView.as_view(), name="compliance"),
    path("notifikasi/", views.NotificationListView.as_view(), name="notifications"),
]
