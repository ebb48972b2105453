from django.urls import path

from . import views

app_name = "staff"

urlpatterns = [
    path("absences/new/", views.absence_new, name="absence_new"),
    path("absences/<int:pk>/back/", views.absence_back, name="absence_back"),
    path("attendance/in/", views.sign_in, name="sign_in"),
    path("attendance/out/", views.sign_out, name="sign_out"),
    path("whereabouts/new/", views.whereabouts_new, name="whereabouts_new"),
    path("whereabouts/<int:pk>/back/", views.whereabouts_back, name="whereabouts_back"),
    path("whereabouts/<int:pk>/grant/", views.whereabouts_grant, name="whereabouts_grant"),
    path("leave/new/", views.leave_new, name="leave_new"),
    path("leave/<int:pk>/decide/", views.leave_decide_view, name="leave_decide"),
    path("visits/", views.visits, name="visits"),
    path("rota/", views.rota, name="rota"),
    path("attendance/report/", views.attendance_report_view, name="attendance_report"),
    path(
        "attendance/report.<str:fmt>", views.attendance_report_view, name="attendance_report_file"
    ),
]
