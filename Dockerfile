# Balans: one ASGI worker (uvicorn, through facilitation/serve.py) per container. compose.yaml runs the production shape;
# docs/operations.md explains it.
FROM python:3.11-slim

# Settings find templates/, static/ and facilitation/locale/ beside the package, so the app runs from
# its source folder: PYTHONPATH puts /app ahead of the installed copy for every command.
# BALANS_DATA_DIR holds the collected static files (and, only in embedded use, SQLite and a
# generated secret key).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    BALANS_DATA_DIR=/app/var \
    BALANS_ENV=production

WORKDIR /app

RUN groupadd --system --gid 10001 balans \
    && useradd --system --uid 10001 --gid balans --home-dir /app --shell /usr/sbin/nologin balans

# Dependencies first, in a layer of their own that is rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Then the project itself. collectstatic gets a throwaway key so that no secret is written into the
# image (without SECRET_KEY, settings would generate one in the data folder).
COPY . .
RUN pip install --no-deps . \
    && rm -rf build ./*.egg-info \
    && SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput --verbosity 0 \
    && chown -R balans:balans "$BALANS_DATA_DIR"

# The numeric id lets the runtime check that the container does not run as root.
USER 10001:10001
EXPOSE 8000

# Any HTTP answer below 500 means the worker is serving. A static file needs neither the database
# nor an allowed host name.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import http.client as h, sys; c = h.HTTPConnection('127.0.0.1', 8000, timeout=4); c.request('GET', '/static/balans.css'); sys.exit(c.getresponse().status >= 500)"]

# Serving directly, HTTPS-only by default (BALANS_ENV=production). Behind a reverse proxy set
# TRUSTED_PROXIES to its address, so that client addresses (rate limits) and https come from its
# X-Forwarded-For and X-Forwarded-Proto (compose.yaml does); the server itself rewrites no
# addresses (no --proxy-headers). On SIGTERM sockets are closed with 1012 (browsers reconnect) and
# the process exits 0.
CMD ["python", "-m", "facilitation.serve", "--host", "0.0.0.0", "--port", "8000"]
