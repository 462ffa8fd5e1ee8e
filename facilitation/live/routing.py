from django.urls import re_path

from .consumers import RoundConsumer

websocket_urlpatterns = [
    re_path(
        r"^ws/(?P<audience>participant|projector|facilitator)/(?P<key>[A-Za-z0-9]{1,40})/$",
        RoundConsumer.as_asgi(),
    ),
]
