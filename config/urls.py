from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from hall.views_accounts import PasswordChangeView, login_log, session_status

admin.site.site_header = _("Service Hall administration")
admin.site.site_title = _("Service Hall")

urlpatterns = [
    path("", include("portal.urls")),
    path("guide/", include("windows.urls")),
    path("", include("cases.urls")),
    path("alerts/", include("hall.urls")),
    path("staff/", include("staff.urls")),
    path("", include("complaints.urls")),
    path("patrols/", include("patrols.urls")),
    path("accountability/", include("accountability.urls")),
    path("assessment/", include("assessment.urls")),
    path("", include("supervision.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path("accounts/session/", session_status, name="session"),
    path("accounts/log/", login_log, name="login_log"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
