"""Websockets of the three audiences: authorise on connect, then hand the socket to the hub.

The hub sends a full snapshot on every connect (so a reconnect is a catch-up) and pushes changes
afterwards. Sockets only listen: every write goes over HTTP.
"""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from facilitation.screens.identity import attendee_id_from_cookies, remembered_phone
from facilitation.screens.stages import (
    FACILITATOR,
    PARTICIPANT,
    PROJECTOR,
    public_base_url,
    render_push,
)
from facilitation.workshops.models import Round

from .push import Socket, hub_for_this_process

# Application close codes: the htmx ws extension does not reconnect after these.
CLOSE_NOT_FOUND = 4404
CLOSE_FORBIDDEN = 4403


@database_sync_to_async
def authorise(audience, key, scope):
    """(round id, member) for an allowed socket, or the close code that refuses it."""
    if audience == FACILITATOR and not (key.isdigit() and len(key) < 19):
        return None, CLOSE_NOT_FOUND  # a console's key is its round's id
    lookup = {
        PARTICIPANT: {"join_code": key},
        PROJECTOR: {"projector_key": key},
        FACILITATOR: {"pk": key},
    }[audience]
    # Each key names one round: get() orders nothing (first() orders by the workshop).
    try:
        round = Round.objects.select_related("workshop").get(**lookup)
    except Round.DoesNotExist:
        round = None
    if round is None and audience == PARTICIPANT:
        # As a code that exists but is not one's own: a socket must not tell a guesser which
        # join codes exist (the pages limit unknown codes per address; screens.code_guessing).
        return None, CLOSE_FORBIDDEN
    if round is None:
        return None, CLOSE_NOT_FOUND
    if audience == PARTICIPANT:
        # Their phone's page, loaded just before, found them: in a joining hall, no query.
        participant_id = attendee_id_from_cookies(scope.get("cookies", {}), round)
        if participant_id is None:
            return None, CLOSE_FORBIDDEN
        return (round.pk, participant_id), None
    if audience == FACILITATOR and not round.workshop.is_facilitated_by(scope["user"]):
        return None, CLOSE_FORBIDDEN
    return (round.pk, public_base_url(_origin(scope))), None


def _origin(scope):
    """The address this socket's page was served from, as Django would build it for a request."""
    headers = dict(scope.get("headers", []))
    host = headers.get(b"host", b"").decode("latin-1")
    secure = scope.get("scheme") == "wss"
    if settings.SECURE_PROXY_SSL_HEADER:
        secure = headers.get(b"x-forwarded-proto", b"").decode("latin-1") == "https"
    return f"{'https' if secure else 'http'}://{host}"


class RoundConsumer(AsyncWebsocketConsumer):
    # The hub, not each socket, listens to the channel layer (one subscription per process).
    channel_layer_alias = None

    async def connect(self):
        kwargs = self.scope["url_route"]["kwargs"]
        self.socket = None
        audience, key = kwargs["audience"], kwargs["key"]
        # A phone whose page this worker has just served is known: in a joining hall, its
        # socket costs no query and no hand-off to a thread.
        if audience == PARTICIPANT and (
            known := remembered_phone(self.scope.get("cookies", {}), key)
        ):
            allowed, refusal = known, None
        else:
            allowed, refusal = await authorise(audience, key, self.scope)
        # A refused socket is accepted, then closed with a 4xxx code: the browser stops retrying.
        await self.accept()
        if refusal:
            await self.close(code=refusal)
            return
        round_id, member = allowed
        self.socket = Socket(round_id, kwargs["audience"], member, self.push, self.close_slow)
        self.hub = hub_for_this_process(render_push)
        await self.hub.join(self.socket)

    async def push(self, text):
        await self.send(text_data=text)

    async def close_slow(self, code):
        """The hub drops a socket that does not keep up; the browser reconnects for a snapshot."""
        await self.close(code=code)

    async def disconnect(self, code):
        if self.socket is not None:
            await self.hub.leave(self.socket)

    async def receive(self, text_data=None, bytes_data=None):
        """Ignore what clients send (htmx may send form values); writes go over HTTP."""
