"""The exceptions the client raises. Every one derives from :class:`QforgeError`."""


class QforgeError(Exception):
    """Anything that stops a qforge call: configuration, transport, API problem, integrity."""


class ConfigError(QforgeError):
    """The client is not configured (no API key, a malformed base URL)."""


class TransportError(QforgeError):
    """The service could not be reached, or the connection broke, after the retries allowed."""


class ApiError(QforgeError):
    """An HTTP error answer; ``problem`` is its RFC 9457 body (``application/problem+json``) when it had one.

    ``str(error)`` is the problem's ``detail`` followed by one line per entry of ``errors`` (a 422
    names every bad field), so a command line can print it as it is.
    """

    def __init__(self, status, problem=None, reason=""):
        self.status = status
        self.problem = problem if isinstance(problem, dict) else {}
        self.title = self.problem.get("title") or reason or "HTTP %d" % status
        self.detail = self.problem.get("detail") or self.title
        self.errors = self.problem.get("errors") or []
        super().__init__(self._message())

    def _message(self):
        lines = [self.detail]
        for e in self.errors:
            if isinstance(e, dict):
                lines.append("  %s: %s" % (e.get("field", "?"), e.get("message", "")))
        return "\n".join(lines)


class IntegrityError(QforgeError):
    """A downloaded file's SHA-256 or length differs from what the service announced."""


class JobFailed(QforgeError):
    """A job ended FAILED or CANCELLED; ``job`` is its last state (``job["error"]`` says why it failed)."""

    def __init__(self, job):
        self.job = job
        status = job.get("status")
        if status == "FAILED":
            message = "job %s FAILED: %s" % (job.get("id"), job.get("error") or "no reason given")
        else:
            message = "job %s ended %s" % (job.get("id"), status)
        super().__init__(message)
