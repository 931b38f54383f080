"""HTTP to the qforge service on the standard library's ``http.client``.

One connection per request. Answers 429 and 503 are retried after their ``Retry-After`` (seconds
or an HTTP date; without one, 1, 2, 4 ... s), at most ``max_retries`` times and never waiting
longer than ``max_retry_wait`` seconds at once. A request that could not be sent or whose answer
never came is retried the same way only when repeating it is harmless: GET, DELETE, and a POST
carrying an ``Idempotency-Key``. Any other status >= 400 raises :class:`ApiError` with the
problem+json body.
"""

import email.utils
import http.client
import json
import socket
import time
import urllib.parse

from . import __version__
from .errors import ApiError, ConfigError, TransportError

RETRY_STATUSES = (429, 503)


def retry_after_seconds(value, now=None):
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date); ``None`` if unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0, int(when.timestamp() - now + 0.999))


class Response:
    """An answer whose body has not been read yet: ``status``, ``headers`` (case-insensitive) and ``raw``."""

    def __init__(self, conn, raw):
        self._conn = conn
        self.raw = raw
        self.status = raw.status
        self.headers = raw.headers

    def header(self, name, default=None):
        return self.headers.get(name, default)

    def read(self):
        try:
            return self.raw.read()
        finally:
            self.close()

    def json(self):
        body = self.read()
        return json.loads(body.decode("utf-8")) if body else None

    def close(self):
        self._conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Transport:
    def __init__(self, url, api_key, timeout=60.0, max_retries=5, max_retry_wait=120.0, on_retry=None,
                 sleep=time.sleep):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError("the qforge URL must be http(s)://host[:port][/prefix], got %r" % url)
        if not api_key:
            raise ConfigError("no API key: set QFORGE_API_KEY (or pass api_key / --api-key)")
        self.url = url
        self._scheme = parts.scheme
        self._host = parts.hostname
        self._port = parts.port
        self._prefix = parts.path.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self.on_retry = on_retry
        self._sleep = sleep

    def _connection(self, timeout):
        cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
        return cls(self._host, self._port, timeout=timeout)

    def path(self, path):
        """The request target of an API path such as ``/v1/jobs`` (or an ``href`` the service gave)."""
        return self._prefix + path

    def request(self, method, path, headers=None, body=None, timeout=None, check=True):
        """Sends one request and returns its :class:`Response` (body unread).

        ``body``: ``None``, bytes, or a callable returning ``(iterable of bytes, length)`` so a
        streamed body can be produced again for a retry. With ``check``, a status >= 400 (after
        the retries) raises :class:`ApiError`.
        """
        all_headers = {"Authorization": "Bearer " + self.api_key, "User-Agent": "qforge-python/" + __version__}
        all_headers.update(headers or {})
        harmless = method in ("GET", "HEAD", "DELETE") or any(k.lower() == "idempotency-key" for k in all_headers)
        attempt = 0
        while True:
            try:
                response = self._send(method, path, all_headers, body, timeout)
            except (OSError, http.client.HTTPException) as e:
                if not harmless or attempt >= self.max_retries:
                    raise TransportError("%s %s: %s" % (method, self.url.rstrip("/") + path, _describe(e))) from e
                wait = min(2 ** attempt, self.max_retry_wait)
                self._notify(None, wait, _describe(e))
                self._sleep(wait)
                attempt += 1
                continue
            if response.status in RETRY_STATUSES and attempt < self.max_retries:
                seconds = retry_after_seconds(response.header("Retry-After"))
                wait = min(2 ** attempt if seconds is None else seconds, self.max_retry_wait)
                problem = _problem(response)
                self._notify(response.status, wait, problem.get("detail") or "")
                self._sleep(wait)
                attempt += 1
                continue
            if check and response.status >= 400:
                raise ApiError(response.status, _problem(response), response.raw.reason)
            return response

    def _notify(self, status, wait, why):
        if self.on_retry:
            self.on_retry(status, wait, why)

    def _send(self, method, path, headers, body, timeout):
        conn = self._connection(self.timeout if timeout is None else timeout)
        try:
            if callable(body):
                chunks, length = body()
                headers = dict(headers, **{"Content-Length": str(length)})
                conn.putrequest(method, self.path(path), skip_accept_encoding=True)
                for k, v in headers.items():
                    conn.putheader(k, v)
                conn.endheaders()
                try:
                    for chunk in chunks:
                        conn.send(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    # the service may refuse a body unread (too large, over quota) and close: its answer says why
                    pass
            else:
                conn.request(method, self.path(path), body=body, headers=headers)
            return Response(conn, conn.getresponse())
        except BaseException:
            conn.close()
            raise

    def json(self, method, path, payload=None, headers=None, expect=None):
        """A JSON call: the decoded answer (``None`` for an empty body); ``expect`` lists the statuses accepted."""
        headers = dict(headers or {})
        headers.setdefault("Accept", "application/json")
        body = None
        if payload is not None:
            body = json.dumps(payload).encode("utf-8")
            headers["Content-Type"] = "application/json"
        response = self.request(method, path, headers=headers, body=body)
        if expect and response.status not in expect:
            response.close()
            raise ApiError(response.status, None, "unexpected status %d" % response.status)
        return response.json()


def _problem(response):
    try:
        body = response.read()
    except (OSError, http.client.HTTPException):
        return {}
    try:
        value = json.loads(body.decode("utf-8"))
    except ValueError:
        text = body.decode("utf-8", errors="replace").strip()
        return {"detail": text[:500]} if text else {}
    return value if isinstance(value, dict) else {}


def _describe(e):
    if isinstance(e, socket.timeout):
        return "timed out"
    return str(e) or type(e).__name__
