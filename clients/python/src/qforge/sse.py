"""Server-Sent Events parsing (the WHATWG event-stream format), independent of any connection.

Feed it decoded lines without their line ending; a blank line ends an event. ``id`` survives from
event to event, and ``last_id`` (what a reconnect sends as ``Last-Event-ID``) takes it only when
the event is complete, so an event cut off by a dropped connection is asked for again; ``retry``
sets the reconnection delay; lines starting with ``:`` are comments (the service's keep-alives).
"""

from collections import namedtuple

SseEvent = namedtuple("SseEvent", "id type data")


class SseParser:
    def __init__(self, last_id=""):
        self.last_id = last_id
        self._id = last_id
        self.retry_ms = None
        self._type = ""
        self._data = []

    def feed(self, line):
        """Takes one line; returns the :class:`SseEvent` it completes, else ``None``."""
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            return None
        field, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if field == "data":
            self._data.append(value)
        elif field == "event":
            self._type = value
        elif field == "id":
            if "\0" not in value:
                self._id = value
        elif field == "retry":
            if value.isdigit():
                self.retry_ms = int(value)
        return None

    def _dispatch(self):
        data, kind = self._data, self._type
        self._data, self._type = [], ""
        self.last_id = self._id
        if not data:
            return None
        return SseEvent(self.last_id, kind or "message", "\n".join(data))


def lines(raw):
    """Decoded lines from an iterable of raw byte lines each ending in LF (a response read line by line).

    CRLF and a bare CR also end lines. A last piece without a line end (the connection dropped
    mid-line) is not a line and is dropped, so a half-received event is never dispatched.
    """
    for chunk in raw:
        if not chunk.endswith(b"\n"):
            return
        text = chunk.decode("utf-8", errors="replace")
        text = text[:-2] if text.endswith("\r\n") else text[:-1]
        for line in text.split("\r"):
            yield line


def parse(raw, parser=None):
    """The events of an event stream given as raw byte lines (``parser`` keeps ``last_id`` across calls)."""
    parser = parser or SseParser()
    for line in lines(raw):
        event = parser.feed(line)
        if event is not None:
            yield event
