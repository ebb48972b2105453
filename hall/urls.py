from django.urls import path

from . import views

app_name = "hall"

urlpatterns = [
    path("", views.alert_list, name="alerts"),
    path("read/", views.alerts_read, name="alerts_read"),
]
