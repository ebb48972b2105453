from django.urls import path

from . import views

app_name = "staff"

urlpatterns = [
    path("absences/new/", views.absence_new, name="absence_new"),
    path("absences/<int:pk>/back/", views.absence_back, name="absence_back"),
]
