"""Database ids from untrusted text: only whole numbers from 1 to 2**63 - 1 reach a query.

A bigger number makes SQLite raise OverflowError, a negative one or text is never an id, and
``str.isdigit`` also accepts digits such as "²" that ``int`` refuses, so every id a form or URL
carries goes through ``parse_id`` (forms and views) or the ``id`` URL converter.
"""

MAX_ID = 2**63 - 1
_MAX_DIGITS = len(str(MAX_ID))


def parse_id(value):
    """The id ``value`` names, or None when it is not a whole number in 1..MAX_ID."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > _MAX_DIGITS:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def parse_ids(values):
    """The ids ``values`` name, or None when any one of them is not an id."""
    ids = [parse_id(value) for value in values]
    return None if None in ids else ids


def is_whole_number(text, *, max_digits):
    """Plain ASCII digits, at most ``max_digits`` of them (a count, a number of seconds)."""
    return text.isascii() and text.isdigit() and len(text) <= max_digits


class IdConverter:
    """``<id:name>`` in a URL: an id in range, or no match (404)."""

    regex = f"[0-9]{{1,{_MAX_DIGITS}}}"

    def to_python(self, value):
        number = parse_id(value)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value):
        return str(value)
