from django.apps import AppConfig


class ScreensConfig(AppConfig):
    name = "facilitation.screens"

    def ready(self):
        from . import devices  # noqa: F401  (counts a known device's failed logins)
