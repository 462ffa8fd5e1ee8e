"""Continuing a WebM recording from a new page: its audio joined to what came before.

A browser's MediaRecorder starts every recording with a header (the EBML header, the segment,
its info and tracks) and counts time from zero. When a page that was closed or reloaded takes
a recording up again, its audio is a second such stream. Appended as it is, it would make a
file with two headers whose clock runs backwards, which players stop at. So the new stream's
header is left out and each of its clusters' time codes is moved on by the audio already
recorded: the file stays one WebM stream with one clock.

The chunks arrive in arbitrary pieces (an element can be cut anywhere), so ``restamp`` works on
one piece at a time and keeps what it needs to go on in a small state (a dict, stored with the
recording): the bytes of an element header not yet complete, and how many bytes of the current
element are still to be copied or dropped. Blocks of audio are copied as they come.
"""

EBML = 0x1A45DFA3
SEGMENT = 0x18538067
CLUSTER = 0x1F43B675
TIMECODE = 0xE7
# An element header is at most 4 bytes of id and 8 of size; a time code element at most 10.
LONGEST_HEADER = 12


def new_state(shift_ms):
    """The state of a stream that starts now and goes on ``shift_ms`` after the audio before."""
    return {"shift_ms": int(shift_ms), "pending": "", "copy": 0, "drop": 0, "in_clusters": False}


def restamp(data, state):
    """The bytes of ``data`` (the next piece of a continuing stream) to append to the audio,
    and the state to go on with: header elements dropped, cluster time codes moved on."""
    state = dict(state)
    buffer = bytes.fromhex(state["pending"]) + data
    out = bytearray()
    i = 0
    while i < len(buffer):
        if state["copy"] or state["drop"]:
            key = "copy" if state["copy"] else "drop"
            take = min(state[key], len(buffer) - i)
            if key == "copy":
                out += buffer[i : i + take]
            state[key] -= take
            i += take
            continue
        header = element_header(buffer, i)
        if header is None:
            break  # the rest of the header is in the next piece
        element_id, size, length = header
        if element_id == SEGMENT:
            i += length  # the audio before has its segment; go into this one's elements
        elif element_id == CLUSTER:
            state["in_clusters"] = True
            out += buffer[i : i + length]
            i += length
        elif element_id == TIMECODE and state["in_clusters"]:
            if size is None or size > 8:
                raise ValueError("a cluster's time code is not a number")
            if i + length + size > len(buffer):
                break  # wait for the whole time code
            value = int.from_bytes(buffer[i + length : i + length + size], "big")
            out += timecode_element(value + state["shift_ms"])
            i += length + size
        elif size is None:
            # Another element of unknown size holds elements: go into it.
            if state["in_clusters"]:
                out += buffer[i : i + length]
            i += length
        elif state["in_clusters"]:
            out += buffer[i : i + length]
            i += length
            state["copy"] = size
        else:
            # The EBML header, the segment's info and tracks, ...: the audio before has them.
            i += length
            state["drop"] = size
    state["pending"] = buffer[i:].hex()
    if len(state["pending"]) > 2 * LONGEST_HEADER:
        raise ValueError("not a WebM stream")
    return bytes(out), state


def element_header(buffer, i):
    """(id, size or None when unknown, header length) of the element at ``i``, or None when
    the buffer ends before its header does."""
    id_length = vint_length(buffer, i, limit=4)
    if id_length is None or i + id_length >= len(buffer):
        return None
    element_id = int.from_bytes(buffer[i : i + id_length], "big")
    j = i + id_length
    size_length = vint_length(buffer, j, limit=8)
    if size_length is None or j + size_length > len(buffer):
        return None
    size = buffer[j] & (0xFF >> size_length)
    for byte in buffer[j + 1 : j + size_length]:
        size = (size << 8) | byte
    unknown = size == (1 << (7 * size_length)) - 1
    return element_id, None if unknown else size, id_length + size_length


def vint_length(buffer, i, *, limit):
    if i >= len(buffer):
        return None
    first = buffer[i]
    for length in range(1, limit + 1):
        if first & (0x80 >> (length - 1)):
            return length
    raise ValueError("not a WebM stream")


def timecode_element(value):
    payload = value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")
    return bytes([TIMECODE, 0x80 | len(payload)]) + payload
