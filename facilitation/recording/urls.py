from django.urls import path

from . import views

# Included before the screens' routes (see facilitation/urls.py).
urlpatterns = [
    path(
        "console/rounds/<id:round_id>/recordings/",
        views.console_start_recording,
        name="console-start-recording",
    ),
    path(
        "console/rounds/<id:round_id>/recordings/<id:recording_id>/",
        views.console_recording,
        name="console-recording",
    ),
    path(
        "console/rounds/<id:round_id>/recordings/<id:recording_id>/audio/",
        views.console_recording_audio,
        name="console-recording-audio",
    ),
    path(
        "console/rounds/<id:round_id>/recordings/<id:recording_id>/chapters.vtt",
        views.console_recording_chapters,
        name="console-recording-chapters",
    ),
    path(
        "console/rounds/<id:round_id>/recordings/<id:recording_id>/field-notes.vtt",
        views.console_recording_field_notes,
        name="console-recording-field-notes",
    ),
    path(
        "console/rounds/<id:round_id>/recordings/<id:recording_id>/chunks/",
        views.console_recording_chunk,
        name="console-recording-chunks",
    ),
    path(
        "console/rounds/<id:round_id>/recordings/<id:recording_id>/<str:action>/",
        views.console_recording_action,
        name="console-recording-action",
    ),
]
