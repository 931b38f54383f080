"""A ``multipart/form-data`` body streamed from a file on disk.

The body is the file part (``file``) followed by optional small text fields; its length is known
before anything is read (``len(body)``), so it is sent with a Content-Length and never held in
memory: :meth:`MultipartFile.chunks` reads the file in ``chunk_size`` pieces.
"""

import os
import uuid

CHUNK_SIZE = 64 * 1024


def _quote(value):
    """A header parameter value as browsers send it (HTML's form encoding: ``"`` CR LF percent-encoded)."""
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


class MultipartFile:
    """One file part named ``field`` (the file's bytes, streamed) plus text ``fields``."""

    def __init__(self, path, field="file", filename=None, fields=None, boundary=None,
                 content_type="application/octet-stream"):
        self.path = os.fspath(path)
        self.size = os.path.getsize(self.path)
        self.boundary = boundary or "qforge-" + uuid.uuid4().hex
        name = filename if filename is not None else os.path.basename(self.path)
        head = []
        for key, value in (fields or {}).items():
            if value is None:
                continue
            head.append("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                        % (self.boundary, _quote(key), value))
        head.append("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                    "Content-Type: %s\r\n\r\n" % (self.boundary, _quote(field), _quote(name), content_type))
        self._head = "".join(head).encode("utf-8")
        self._tail = ("\r\n--%s--\r\n" % self.boundary).encode("ascii")

    @property
    def content_type(self):
        return "multipart/form-data; boundary=" + self.boundary

    def __len__(self):
        return len(self._head) + self.size + len(self._tail)

    def chunks(self, chunk_size=CHUNK_SIZE, on_progress=None):
        """The body in pieces; ``on_progress(sent, total)`` after each piece (bytes of the whole body).

        The file must still have the size it had when this body was made: a file that changed
        while it is being sent raises ``OSError`` rather than sending a body whose length lies.
        """
        total = len(self)
        sent = 0

        def step(piece):
            nonlocal sent
            sent += len(piece)
            if on_progress:
                on_progress(sent, total)
            return piece

        yield step(self._head)
        remaining = self.size
        with open(self.path, "rb") as f:
            while remaining > 0:
                piece = f.read(min(chunk_size, remaining))
                if not piece:
                    raise OSError("%s shrank while it was being uploaded" % self.path)
                remaining -= len(piece)
                yield step(piece)
            if f.read(1):
                raise OSError("%s grew while it was being uploaded" % self.path)
        yield step(self._tail)
