"""Serve Balans: uvicorn with the options the measurements chose (bench/README.md).

    python -m facilitation.serve --host 0.0.0.0 --port 8000 [--proxy-headers]

uvicorn with httptools and the sans-I/O ``websockets`` implementation served the hall best of
daphne, granian and uvicorn's other implementations. Pushed frames are not compressed: one push
is rendered once and written to thousands of sockets, and per-message deflate would cost CPU and
memory per socket. On SIGTERM uvicorn closes every websocket with 1012 (service restart), which
the htmx ws extension reconnects on, waits for requests in flight, and this exits 0.
"""

import argparse
import gc
import signal
import sys

import uvicorn

APPLICATION = "facilitation.asgi:application"
# Seconds a stopping worker waits for requests in flight and sockets' close handshakes, then
# cancels what is left and exits. Well below compose's stop_grace_period (15 s): with 600 sockets
# on a loaded core the handshakes alone took longer than 10 s in the bench, and a SIGKILL then
# would end the worker unclean.
GRACEFUL_SHUTDOWN_SECONDS = 5
# Seconds an idle keep-alive connection stays open. uvicorn's default (5 s) closes a phone's or the
# proxy's connection just as a request may be on its way on it (the client then sees a reset, as
# the bench did while joining 600 phones): keep it longer than the idle timeout of the proxy in
# front (nginx's upstream keepalive_timeout is 60 s), so the proxy closes idle connections first.
KEEP_ALIVE_SECONDS = 75


# Allocations between two collections of the youngest generation (Python's default: 700). In a
# hall's burst the default collected thousands of times a second, and what lives a few hundred
# milliseconds (a queued request, a push on its way to 2,000 sockets) was carried into the oldest
# generation, whose full collections then scanned the whole heap: 300 to 400 ms each, with the
# server stopped meanwhile (bench/README.md). Collected this rarely, those objects are gone by the
# next collection.
GC_YOUNG_THRESHOLD = 50_000
# Young collections between two of the middle generation (Python's default: 10).
GC_MIDDLE_THRESHOLD = 20


def tune_garbage_collection():
    """Set the collector for a server holding thousands of sockets.

    Effects: freezes every object that exists now (the loaded application lives as long as the
    process, so no collection scans it again) and collects the young generations less often
    (``GC_YOUNG_THRESHOLD``, ``GC_MIDDLE_THRESHOLD``). Cyclic garbage is still collected.
    """
    gc.collect()  # what loading left behind is freed, not frozen
    gc.freeze()
    _young, _middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, GC_MIDDLE_THRESHOLD, old)


def config(host, port, *, proxy_headers=False, forwarded_allow_ips=None, log_level="info"):
    return uvicorn.Config(
        APPLICATION,
        host=host,
        port=port,
        http="httptools",
        ws="websockets-sansio",
        ws_per_message_deflate=False,
        # Django has no lifespan events; "off" spares a warning at every start.
        lifespan="off",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        # Client address and https from the proxy's X-Forwarded-For and X-Forwarded-Proto, taken
        # only from FORWARDED_ALLOW_IPS (default 127.0.0.1) or --forwarded-allow-ips.
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        access_log=False,
        log_level=log_level,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--proxy-headers", action="store_true", help="behind a reverse proxy")
    parser.add_argument("--forwarded-allow-ips", help="addresses of the proxy (comma-separated)")
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    serving = config(
        args.host,
        args.port,
        proxy_headers=args.proxy_headers,
        forwarded_allow_ips=args.forwarded_allow_ips,
        log_level=args.log_level,
    )
    serving.load()  # imports Django and the application, so that they are frozen with the rest
    tune_garbage_collection()
    server = uvicorn.Server(serving)
    # After a graceful shutdown uvicorn raises the signal that stopped it again, with the handler
    # that was there before it; without one the exit status would read "killed by SIGTERM". A
    # deliberate stop is a clean exit, so that handler does nothing.
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, lambda number, frame: None)
    server.run()
    return 0 if server.started else 3


if __name__ == "__main__":
    sys.exit(main())
