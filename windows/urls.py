from django.urls import path

from . import views

app_name = "windows"

urlpatterns = [
    path("", views.guide_list, name="guide_list"),
    path("<str:code>/", views.guide_detail, name="guide_detail"),
    path("<str:code>/pdf/", views.guide_pdf, name="guide_pdf"),
]
