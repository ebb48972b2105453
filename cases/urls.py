from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("cases/", views.case_list, name="list"),
    path("cases/new/", views.intake, name="intake"),
    path("cases/inquiries/", views.inquiry_list, name="inquiries"),
    path("cases/inquiries/new/", views.inquiry_new, name="inquiry_new"),
    path("cases/<str:number>/", views.case_detail, name="detail"),
    path("cases/<str:number>/do/<slug:action>/", views.case_action, name="action"),
    path(
        "cases/<str:number>/extensions/<int:pk>/decide/",
        views.extension_decide,
        name="extension_decide",
    ),
    path("cases/<str:number>/parts/<int:pk>/complete/", views.part_complete, name="part_complete"),
    path("cases/<str:number>/documents/<int:pk>/", views.document_page, name="document"),
    path("cases/<str:number>/documents/<int:pk>/pdf/", views.document_pdf, name="document_pdf"),
    # Public: no login, no personal data.
    path("track/", views.track, name="track"),
]
