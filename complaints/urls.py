from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("complain/", views.public_new, name="public_new"),
    path("complain/track/", views.public_track, name="public_track"),
    path("complaints/", views.complaint_list, name="list"),
    path("complaints/new/", views.complaint_new, name="new"),
    path("complaints/<str:number>/", views.complaint_detail, name="detail"),
    path("complaints/<str:number>/<str:action>/", views.complaint_act, name="act"),
]
