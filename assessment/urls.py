from django.urls import path, register_converter

from . import views, views_reports


class KindConverter:
    regex = "month|year"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class KeyConverter:
    regex = r"\d{4}(-\d{2})?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(KindConverter, "kind")
register_converter(KeyConverter, "pkey")

app_name = "assessment"

urlpatterns = [
    path("", views.home, name="home"),
    path("public/", views.public, name="public"),
    path("<kind:kind>/<pkey:key>/", views.period_view, name="period"),
    path("<kind:kind>/<pkey:key>/<str:action>/", views.period_action, name="period_action"),
    path("scores/<int:pk>/", views.score_view, name="score"),
    path("scores/<int:pk>/object/", views.score_object, name="object"),
    path("scores/<int:pk>/correct/", views.score_correct_view, name="correct"),
    path("objections/<int:pk>/answer/", views.objection_answer_view, name="answer"),
    path("commendations/", views.commendations, name="commendations"),
    path(
        "commendations/<int:pk>/withdraw/",
        views.commendation_withdraw_view,
        name="commendation_withdraw",
    ),
    path("commendations/<int:pk>/evidence/", views.commendation_evidence, name="evidence"),
    path("merit/<int:year>/", views.merit, name="merit"),
    # Reports (issue 9 point 4): the page, and its PDF or workbook made by the worker.
    path("reports/", views_reports.report_view, name="report"),
    path("reports/files/", views_reports.report_file_new, name="report_file_new"),
    path("reports/files/<int:pk>/", views_reports.report_file_view, name="report_file"),
    path(
        "reports/files/<int:pk>/download/",
        views_reports.report_file_download,
        name="report_file_download",
    ),
]
