from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "facilitation.questions"
    verbose_name = _("Questions from the room")
