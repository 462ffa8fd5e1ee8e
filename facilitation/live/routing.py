from channels.auth import AuthMiddlewareStack
from channels.sessions import CookieMiddleware
from django.urls import re_path

from .consumers import RoundConsumer

KEY = r"(?P<key>[A-Za-z0-9]{1,40})"

# Only a console's socket needs the session (whose user must facilitate the round). Phones are
# known by their cookie and projectors by their key: a session on each of a hall's sockets would
# cost memory, and a check at every frame pushed to it.
websocket_urlpatterns = [
    re_path(
        rf"^ws/(?P<audience>facilitator)/{KEY}/$",
        AuthMiddlewareStack(RoundConsumer.as_asgi()),
    ),
    re_path(
        rf"^ws/(?P<audience>participant|projector)/{KEY}/$",
        CookieMiddleware(RoundConsumer.as_asgi()),
    ),
]
