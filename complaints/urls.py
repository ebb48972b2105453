from django.urls import path

from . import views, views_ratings, views_reports

app_name = "complaints"

urlpatterns = [
    path("complain/", views.public_new, name="public_new"),
    path("complain/track/", views.public_track, name="public_track"),
    path("complain/results/", views.public_results, name="public_results"),
    path("complaints/", views.complaint_list, name="list"),
    path("complaints/new/", views.complaint_new, name="new"),
    path("complaints/export.xlsx", views.complaint_export, name="export"),
    path("complaints/report/", views_reports.report_view, name="report"),
    path("complaints/report.pdf", views_reports.report_view, {"fmt": "pdf"}, name="report_pdf"),
    path("complaints/report.xlsx", views_reports.report_view, {"fmt": "xlsx"}, name="report_xlsx"),
    # Ratings (好差评) and bad-review rectification.
    path("rate/", views_ratings.rate_by_phone, name="rate"),
    path("rate/tablet/<str:token>/", views_ratings.tablet, name="tablet"),
    path("ratings/", views_ratings.rating_list, name="ratings"),
    path("ratings/tablets/", views_ratings.tablets, name="tablets"),
    path("ratings/rectifications/", views_ratings.rectification_list, name="rectifications"),
    path(
        "ratings/rectifications/<int:pk>/",
        views_ratings.rectification_detail,
        name="rectification",
    ),
    path(
        "ratings/rectifications/<int:pk>/<str:action>/",
        views_ratings.rectification_act,
        name="rectification_act",
    ),
    path("complaints/<str:number>/", views.complaint_detail, name="detail"),
    path("complaints/<str:number>/pdf/", views.complaint_pdf, name="pdf"),
    path("complaints/<str:number>/<str:action>/", views.complaint_act, name="act"),
]
