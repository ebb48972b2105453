from django.urls import path

from . import views

app_name = "accountability"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("take-up/", views.take_up, name="take_up"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/hear/", views.case_hear, name="case_hear"),
    path("cases/<int:pk>/decide/", views.case_decide, name="case_decide"),
    path("cases/<int:pk>/dismiss/", views.case_dismiss, name="case_dismiss"),
    path("hearings/<int:pk>/", views.hearing_detail, name="hearing"),
    path("hearings/<int:pk>/notice.pdf", views.hearing_pdf, name="hearing_pdf"),
    path("decisions/<int:pk>/notice.pdf", views.decision_pdf, name="decision_pdf"),
    path("decisions/<int:pk>/<str:action>/", views.decision_act, name="decision_act"),
    path("appeals/<int:pk>/review/", views.appeal_review, name="appeal_review"),
    path("effects/<int:pk>/hand-in/", views.effect_hand_in, name="effect_hand_in"),
    path("effects/<int:pk>/criticism.pdf", views.criticism_pdf, name="criticism_pdf"),
    path("records/people/<int:pk>/", views.record_person, name="record_person"),
    path("records/windows/<int:pk>/", views.record_window, name="record_window"),
]
