from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("facilitation.screens.urls")),
]

handler400 = "facilitation.screens.errors.bad_request"
handler403 = "facilitation.screens.errors.forbidden"
handler404 = "facilitation.screens.errors.not_found"
handler500 = "facilitation.screens.errors.server_error"
