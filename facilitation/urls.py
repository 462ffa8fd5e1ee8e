from django.contrib import admin
from django.urls import include, path

# Imported first: the screens' routes register the "id" converter the reports' routes use too.
from facilitation.screens import urls as screens_urls

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Before the screens' routes: their "console/rounds/<id>/<action>/" would take "report"
    # and "recordings".
    path("", include("facilitation.reports.urls")),
    path("", include("facilitation.recording.urls")),
    path("", include(screens_urls)),
]

handler400 = "facilitation.screens.errors.bad_request"
handler403 = "facilitation.screens.errors.forbidden"
handler404 = "facilitation.screens.errors.not_found"
handler500 = "facilitation.screens.errors.server_error"
