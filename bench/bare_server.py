"""The bare baseline for bench/votes.py: Balans's live-results job with nothing but asyncio.

No framework, no database, no channel layer: votes arrive over HTTP and are counted in a dict; the
tally goes to the projector and phone websockets at the same pace as Balans's hub
(facilitation/live/push.py): at most every 0.1 s to the projector and every 1 s to the phones, the
first change after a quiet spell at once, later ones coalesced into the latest state.

HTTP on --http-port (plain asyncio streams, keep-alive):
    GET  /       a small page, so a phone's connection is open before it votes (as with Balans)
    POST /vote   form fields participant=<int>, option=<int> (a new vote replaces the old one)
WebSockets on --ws-port (the ``websockets`` library, no compression, like daphne):
    /projector and /phone: a snapshot on connect, then the paced tally

Run by votes.py; on its own: python bench/bare_server.py --http-port 8001 --ws-port 8002
"""

import argparse
import asyncio
from urllib.parse import parse_qs

from websockets.asyncio.server import broadcast, serve

PACE = {"projector": 0.1, "phone": 1.0}


class Tally:
    def __init__(self, options):
        self.options = options
        self.votes = {}  # participant -> option

    def vote(self, participant, option):
        if not 0 <= option < self.options:
            raise ValueError(option)
        changed = self.votes.get(participant) != option
        self.votes[participant] = option
        return changed

    def render(self):
        """The results fragment, shaped like Balans's (votes.py reads "N answers in all")."""
        counts = [0] * self.options
        for option in self.votes.values():
            counts[option] += 1
        total = len(self.votes)
        bars = "".join(
            f'<li class="bar"><span class="bar-label">Option {i + 1}</span>'
            f'<span class="bar-value">{percent(n, total)}% · {n} votes</span></li>'
            for i, n in enumerate(counts)
        )
        noun = "answer" if total == 1 else "answers"
        return (
            f'<section id="results" class="results"><ol class="bars">{bars}</ol>'
            f'<p class="total">{total} {noun} in all</p></section>'
        )


def percent(part, whole):
    return round(100 * part / whole) if whole else 0


class Audience:
    """The sockets of one audience and their pacing (the same rule as LiveHub.heard)."""

    def __init__(self, pace, render):
        self.pace = pace
        self.render = render
        self.sockets = set()
        self.last_flush = 0.0
        self.task = None

    def changed(self):
        if self.task and not self.task.done():
            return  # a push is already scheduled; it will carry the latest state
        delay = max(0.0, self.last_flush + self.pace - asyncio.get_running_loop().time())
        self.task = asyncio.create_task(self.flush_later(delay))

    async def flush_later(self, delay):
        if delay:
            await asyncio.sleep(delay)
        self.last_flush = asyncio.get_running_loop().time()
        self.task = None
        broadcast(self.sockets, self.render())


class BareServer:
    def __init__(self, options):
        self.tally = Tally(options)
        self.audiences = {
            f"/{name}": Audience(pace, self.tally.render) for name, pace in PACE.items()
        }

    async def websocket(self, connection):
        audience = self.audiences.get(connection.request.path)
        if audience is None:
            await connection.close(4404)
            return
        audience.sockets.add(connection)
        try:
            await connection.send(self.tally.render())
            await connection.wait_closed()
        finally:
            audience.sockets.discard(connection)

    async def http(self, reader, writer):
        """A minimal HTTP/1.1 loop: enough for httpx with keep-alive, nothing more."""
        try:
            while request_line := await reader.readline():
                method, target, _ = request_line.decode("latin-1").split(" ", 2)
                headers = {}
                while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", 0)))
                status, text = self.respond(method, target, body)
                payload = text.encode()
                writer.write(
                    f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n"
                    f"Content-Length: {len(payload)}\r\n\r\n".encode()
                    + payload
                )
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()

    def respond(self, method, target, body):
        if method == "GET" and target == "/":
            return "200 OK", "<!doctype html><title>Bare</title><p>Vote now.</p>"
        if method == "POST" and target == "/vote":
            form = parse_qs(body.decode())
            try:
                participant, option = int(form["participant"][0]), int(form["option"][0])
                changed = self.tally.vote(participant, option)
            except (KeyError, ValueError):
                return "400 Bad Request", "<p>Not a vote.</p>"
            if changed:
                for audience in self.audiences.values():
                    audience.changed()
            return "200 OK", "<p>Your answer is saved.</p>"
        return "404 Not Found", "<p>Not found.</p>"


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--ws-port", type=int, required=True)
    parser.add_argument("--options", type=int, default=3, help="how many options the dilemma has")
    args = parser.parse_args()
    server = BareServer(args.options)
    async with serve(server.websocket, args.host, args.ws_port, compression=None):
        http = await asyncio.start_server(server.http, args.host, args.http_port)
        async with http:
            await http.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
