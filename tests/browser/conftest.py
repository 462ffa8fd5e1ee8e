"""Browser flows run against real servers: the fixtures are those of tests/e2e."""

from tests.e2e.conftest import (  # noqa: F401 (fixtures and the report hook, shared)
    chromium,
    new_page,
    pytest_runtest_makereport,
    sqlite_deployment,
    sqlite_deployment_template,
    start_server,
)
