from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "facilitation.research"
    verbose_name = "Research exports"
