from django.apps import AppConfig


class FieldnotesConfig(AppConfig):
    name = "facilitation.fieldnotes"
