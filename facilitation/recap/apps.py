from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecapConfig(AppConfig):
    name = "facilitation.recap"
    verbose_name = _("Recap of the last round")
