import pytest

from facilitation.deliberation.sample_activity import add_sample_round
from facilitation.research.scope import ExportScope


@pytest.fixture
def played_round(workshop, facilitator):
    """A closed round of the demo workshop, played through by twelve simulated participants."""
    round, _played = add_sample_round(workshop, facilitator=facilitator)
    return round


@pytest.fixture
def scope(workshop, played_round):
    return ExportScope(workshop)


def export_bytes(scope, key):
    from facilitation.research.exports import EXPORT_FORMATS

    return b"".join(EXPORT_FORMATS[key].chunks(scope))


def unescape(cell):
    """Undo the spreadsheet-safety apostrophe, as the data dictionary tells analysts to."""
    if isinstance(cell, str) and cell[:1] == "'" and cell[1:2] in tuple("=+-@\t\r"):
        return cell[1:]
    return cell
