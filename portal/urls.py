"""The portal's URLs: the apps, the admin, login and the language switch."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

admin.site.site_header = _("Academic process monitoring")
admin.site.site_title = _("Academic process monitoring")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", include("reports.urls")),
    path("sessions/", include("sessions_app.urls")),
    path("resolutions/", include("reports.resolutions.urls")),
    path("execution/", include("reports.execution.urls")),
    path("api/", include("reports.api_urls")),
    path("accreditation/", include("accreditation.urls")),
    path("surveys/", include("surveys.urls")),
    path("jobs/", include("jobs.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language can be switched before logging in, on the login page itself.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
