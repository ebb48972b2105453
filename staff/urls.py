from django.urls import path

from . import views, views_people

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
    path("people/", views_people.people, name="people"),
    path("dispatch/", views_people.dispatch_list, name="dispatch_list"),
    path("dispatch/<int:pk>/", views_people.dispatch_detail, name="dispatch_detail"),
    path("swaps/", views_people.swaps, name="swaps"),
    path("returns/", views_people.returns, name="returns"),
    path("posts/", views_people.posts, name="posts"),
    path("posts/change/", views_people.post_change, name="post_change"),
    path("rota/", views.rota, name="rota"),
    path("attendance/report/", views.attendance_report_view, name="attendance_report"),
    path(
        "attendance/report.<str:fmt>", views.attendance_report_view, name="attendance_report_file"
    ),
]
