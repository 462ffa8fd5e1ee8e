from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "facilitation.workshops"
