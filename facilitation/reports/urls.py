from django.urls import path

from . import views

# Included before the screens' routes (see facilitation/urls.py).
urlpatterns = [
    path("r/<str:code>/report/", views.phone_report, name="phone-report"),
    path("console/rounds/<id:round_id>/report/", views.console_report, name="console-report"),
    path(
        "console/rounds/<id:round_id>/report/publish/",
        views.console_publish_report,
        name="console-publish-report",
    ),
]
