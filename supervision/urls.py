from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("supervision/", views.overview, name="overview"),
    path("supervision/appeals/", views.appeal_list, name="appeals"),
    path("supervision/appeals/<int:pk>/decide/", views.appeal_decide_view, name="appeal_decide"),
    # Public: the hall's display screen, no login and no personal data.
    path("screen/", views.screen, name="screen"),
]
