"""Browser flows run against real servers: the fixtures are those of tests/e2e."""

from tests.e2e.conftest import (  # noqa: F401 (fixtures and the report hook, shared)
    chromium,
    new_page,
    pytest_runtest_makereport,
    sqlite_deployment,
    sqlite_deployment_template,
    start_server,
)


def pytest_collection_modifyitems(items):
    """The longest browser test (every projector state at every size) goes first: the other
    process takes the shorter ones meanwhile, instead of the long one starting last."""
    items.sort(
        key=lambda item: item.originalname != "test_every_state_of_every_step_fits_the_projector"
    )
