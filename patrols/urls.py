from django.urls import path

from . import views, views_summary

app_name = "patrols"

urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/start/", views.round_start_view, name="round_start"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/sign/", views.round_sign_view, name="round_sign"),
    path("rounds/<int:pk>/windows/<int:window_pk>/", views.round_window, name="round_window"),
    path("rounds/<int:pk>/windows/<int:window_pk>/pass/", views.check_pass_view, name="check_pass"),
    path("rounds/<int:pk>/windows/<int:window_pk>/undo/", views.check_undo_view, name="check_undo"),
    path("findings/", views.finding_list, name="findings"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("findings/<int:pk>/photo/", views.finding_photo, name="finding_photo"),
    path("findings/<int:pk>/<str:action>/", views.finding_act, name="finding_act"),
    path("coverage/", views.coverage_view, name="coverage"),
    path("summary/", views_summary.summary_view, name="summary"),
    path("summary.pdf", views_summary.summary_view, {"fmt": "pdf"}, name="summary_pdf"),
    path("summary.xlsx", views_summary.summary_view, {"fmt": "xlsx"}, name="summary_xlsx"),
]
