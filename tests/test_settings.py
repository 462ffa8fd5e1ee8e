"""Production settings are secure by default; the embedded default serves plain http; the
database waits are bounded."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# What compose.yaml gives every worker, with deploy/env.example's values (docs/operations.md).
PRODUCTION_ENV = {
    "BALANS_ENV": "production",
    "DATABASE_URL": "postgres://balans:secret@db:5432/balans",
    "REDIS_URL": "redis://redis:6379/0",
    "SECRET_KEY": "k3Jw9vQ2xT7mN4pL8sR1yU6bH5cF0gZaEeDdWwXxYyZzAaBbCc-_",
    "ALLOWED_HOSTS": "balans.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://balans.example.org",
    "PUBLIC_URL": "https://balans.example.org",
    "TRUSTED_PROXIES": "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16",
}
# Settings that would otherwise leak in from the shell running the tests.
CLEARED = {
    "DEBUG",
    "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "BALANS_ENV",
    "DATABASE_URL",
    "DATABASE_TIMEOUT",
    "DATABASE_CONNECT_TIMEOUT",
    "DATABASE_STATEMENT_TIMEOUT",
}


def manage(tmp_path, env, *args, code):
    full = {k: v for k, v in os.environ.items() if k not in CLEARED | set(PRODUCTION_ENV)}
    full.update(env, BALANS_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="facilitation.settings")
    return subprocess.run(
        [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_the_production_settings_reports_nothing(tmp_path):
    args = ["check", "--deploy", "--fail-level", "WARNING"]
    result = manage(tmp_path, PRODUCTION_ENV, *args, code="")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_compose_and_the_image_run_the_production_settings():
    compose = (ROOT / "compose.yaml").read_text()
    assert "BALANS_ENV: ${BALANS_ENV:-production}" in compose
    assert '"--proxy-headers"' not in compose  # the app, not the server, reads them
    assert "BALANS_ENV=production" in (ROOT / "Dockerfile").read_text()


def test_the_proxy_configs_send_hsts():
    for config in ("deploy/Caddyfile", "deploy/nginx.conf"):
        assert (
            'Strict-Transport-Security "max-age=31536000; includeSubDomains"'
            in (ROOT / config).read_text()
        )


SHOW = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
    "s.CSRF_COOKIE_SECURE)"
)


def test_production_is_https_only_unless_told_otherwise(tmp_path):
    assert manage(tmp_path, PRODUCTION_ENV, code=SHOW).stdout.split() == [
        "True",
        "31536000",
        "True",
        "True",
    ]
    plain = {**PRODUCTION_ENV, "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0"}
    assert manage(tmp_path, plain, code=SHOW).stdout.split()[::2] == ["False", "False"]


def test_the_embedded_default_serves_plain_http(tmp_path):
    assert manage(tmp_path, {}, code=SHOW).stdout.split() == ["False", "0", "False", "False"]


SHOW_DATABASE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: v for k, v in s.DATABASES['default']['OPTIONS'].items() "
    "if isinstance(v, (str, int, float, dict))}))"
)


def database_options(tmp_path, env):
    result = manage(tmp_path, env, code=SHOW_DATABASE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_lost_postgresql_is_noticed_within_seconds(tmp_path):
    """Connecting, waiting for a pooled connection and a statement are each bounded by default."""
    options = database_options(tmp_path, {"DATABASE_URL": PRODUCTION_ENV["DATABASE_URL"]})
    assert options["connect_timeout"] == 3
    assert options["pool"]["timeout"] == 5
    assert options["options"] == "-c statement_timeout=30000"
    assert options["tcp_user_timeout"] == 10_000
    assert options["keepalives"] == 1


def test_the_database_timeouts_come_from_the_environment(tmp_path):
    url = PRODUCTION_ENV["DATABASE_URL"] + "?options=-c%20search_path%3Dbalans"
    env = {
        "DATABASE_URL": url,
        "DATABASE_TIMEOUT": "8",
        "DATABASE_CONNECT_TIMEOUT": "4",
        "DATABASE_STATEMENT_TIMEOUT": "2.5",
    }
    options = database_options(tmp_path, env)
    assert (options["connect_timeout"], options["pool"]["timeout"]) == (4, 8)
    assert options["options"] == "-c search_path=balans -c statement_timeout=2500"
    no_limit = database_options(tmp_path, {**env, "DATABASE_STATEMENT_TIMEOUT": "0"})
    assert no_limit["options"] == "-c search_path=balans"


def test_sqlite_waits_a_minute_for_its_write_lock(tmp_path):
    options = database_options(tmp_path, {})
    assert options["timeout"] == 60
    assert options["transaction_mode"] == "IMMEDIATE"
    assert database_options(tmp_path, {"DATABASE_TIMEOUT": "90"})["timeout"] == 90
