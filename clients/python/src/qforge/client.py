"""The qforge API as Python calls.

    from qforge import Client
    c = Client()                       # QFORGE_URL (default http://localhost:8080), QFORGE_API_KEY
    report = c.quantize("m.onnx", "d.npz", weight_bits=8, output="m.int8.onnx")
"""

import hashlib
import json
import os
import queue
import re
import threading
import time
import urllib.parse
import uuid

from . import spec as job_spec
from .errors import ApiError, IntegrityError, JobFailed, QforgeError, TransportError
from .multipart import MultipartFile
from .sse import SseParser, lines
from .transport import Transport

DEFAULT_URL = "http://localhost:8080"
TERMINAL = ("SUCCEEDED", "FAILED", "CANCELLED")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class Event(dict):
    """A job event: ``id``, ``type`` (PHASE, EPOCH, SUCCEEDED ...), ``data`` (a dict)."""

    @property
    def id(self):
        return self["id"]

    @property
    def type(self):
        return self["type"]

    @property
    def data(self):
        return self["data"]


def _q(value):
    return urllib.parse.quote(str(value), safe="")


class Client:
    """A client of one qforge service for one API key.

    ``url`` and ``api_key`` default to the environment variables ``QFORGE_URL`` and
    ``QFORGE_API_KEY``. ``on_retry(status, seconds, why)`` is told of every wait before a retry
    (``status`` None for a connection failure).
    """

    def __init__(self, url=None, api_key=None, timeout=60.0, max_retries=5, max_retry_wait=120.0, on_retry=None):
        url = url or os.environ.get("QFORGE_URL") or DEFAULT_URL
        api_key = api_key or os.environ.get("QFORGE_API_KEY")
        self.http = Transport(url, api_key, timeout=timeout, max_retries=max_retries,
                              max_retry_wait=max_retry_wait, on_retry=on_retry)
        self._etags = {}

    # ---- models and datasets

    def upload_model(self, path, name=None, on_progress=None):
        """Uploads an ONNX file (streamed from disk); returns the Model (id, inputs, outputs, ops, ...)."""
        return self._upload("/v1/models", path, name, on_progress)

    def upload_dataset(self, path, name=None, on_progress=None):
        """Uploads an .npz dataset (x_train, y_train, x_test, y_test); returns the Dataset."""
        return self._upload("/v1/datasets", path, name, on_progress)

    def _upload(self, route, path, name, on_progress):
        if not os.path.isfile(path):
            raise QforgeError("%s: no such file" % path)
        part = MultipartFile(path, fields={"name": name})

        def body():  # called again for a retry (after a 429/503), reading the file from the start
            return part.chunks(on_progress=on_progress), len(part)

        headers = {"Content-Type": part.content_type, "Accept": "application/json"}
        return self.http.request("POST", route, headers=headers, body=body).json()

    def model(self, model_id):
        return self.http.json("GET", "/v1/models/" + _q(model_id))

    def dataset(self, dataset_id):
        return self.http.json("GET", "/v1/datasets/" + _q(dataset_id))

    def models(self, page=0, size=20):
        return self.http.json("GET", "/v1/models?page=%d&size=%d" % (page, size))

    def datasets(self, page=0, size=20):
        return self.http.json("GET", "/v1/datasets?page=%d&size=%d" % (page, size))

    # ---- jobs

    def submit(self, model_id, dataset_id, spec=None, idempotency_key=None, **spec_fields):
        """Queues a job (``POST /v1/jobs``); returns the Job. Spec fields as a dict and/or keywords
        (``weight_bits=4`` or ``weightBits=4``). A retry after a lost answer carries the same
        ``Idempotency-Key`` (one is made when none is given), so it never queues a second job."""
        body = {"modelId": model_id, "datasetId": dataset_id, "spec": job_spec.build(spec, **spec_fields)}
        key = idempotency_key or str(uuid.uuid4())
        return self.http.json("POST", "/v1/jobs", body, headers={"Idempotency-Key": key})

    def job(self, job_id):
        """The job now (``GET /v1/jobs/{id}``): sends the last ETag, so an unchanged job costs a 304."""
        headers = {"Accept": "application/json"}
        cached = self._etags.get(job_id)
        if cached:
            headers["If-None-Match"] = cached[0]
        response = self.http.request("GET", "/v1/jobs/" + _q(job_id), headers=headers)
        if response.status == 304 and cached:
            response.close()
            return dict(cached[1])
        body = response.json()
        etag = response.header("ETag")
        if etag:
            self._etags[job_id] = (etag, body)
        return body

    def jobs(self, status=None, page=0, size=20):
        """A page of the tenant's jobs, newest first: ``{"items": [...], "page", "size", "total"}``."""
        query = "page=%d&size=%d" % (page, size)
        if status:
            query += "&status=" + _q(status)
        return self.http.json("GET", "/v1/jobs?" + query)

    def cancel(self, job_id):
        """Cancels a job: a queued one at once (status CANCELLED), a running one at its next step
        (``cancelRequested`` true). Returns the Job."""
        return self.http.json("DELETE", "/v1/jobs/" + _q(job_id))

    def report(self, job_id):
        """The accuracy comparison of a SUCCEEDED job (a dict; see :func:`qforge.report.format_report`)."""
        return self.http.json("GET", "/v1/jobs/%s/report" % _q(job_id))

    def artifacts(self, job_id):
        return self.http.json("GET", "/v1/jobs/%s/artifacts" % _q(job_id))

    def events(self, job_id, after=0, limit=1000):
        """Events recorded so far (JSON, no waiting)."""
        return [Event(e) for e in self.http.json("GET", "/v1/jobs/%s/events?after=%d&limit=%d" % (_q(job_id), after, limit))]

    def stream_events(self, job_id, last_event_id=0, reconnect_delay=1.0, max_failures=10, idle_timeout=60.0):
        """The job's events as they happen (Server-Sent Events), until the job has ended and every
        event was delivered. A stream that drops, or stays silent for ``idle_timeout`` s (the service
        sends a keep-alive every few seconds), is reopened with ``Last-Event-ID``, so no event is lost
        or repeated; ``max_failures`` consecutive failed reconnects raise TransportError."""
        parser = SseParser(str(last_event_id) if last_event_id else "")
        failures = 0
        while True:
            headers = {"Accept": "text/event-stream"}
            if parser.last_id:
                headers["Last-Event-ID"] = parser.last_id
            got = False
            try:
                response = self.http.request("GET", "/v1/jobs/%s/events" % _q(job_id), headers=headers,
                                             timeout=idle_timeout)
                with response:
                    for line in lines(iter(response.raw.readline, b"")):
                        event = parser.feed(line)
                        if event is not None:
                            got = True
                            yield Event(id=int(event.id) if event.id.isdigit() else event.id, type=event.type,
                                        data=json.loads(event.data) if event.data.startswith("{") else event.data)
            except (OSError, TransportError) as e:
                failures = 0 if got else failures + 1
                if failures >= max_failures:
                    raise TransportError("the event stream of job %s kept failing: %s" % (job_id, e)) from e
            else:
                failures = 0
                if self.job(job_id).get("status") in TERMINAL:
                    # the service ends the stream once the job ended and every event was sent;
                    # read what is left after the last id we saw (none, unless it ended meanwhile)
                    rest = self.events(job_id, after=int(parser.last_id) if parser.last_id.isdigit() else 0)
                    for e in rest:
                        yield e
                    return
            time.sleep((parser.retry_ms / 1000.0) if parser.retry_ms else reconnect_delay)

    def wait(self, job_id, on_update=None, on_event=None, poll_interval=1.0):
        """Follows a job to its end and returns its final state.

        The event stream (PHASE, EPOCH with metrics, ...) is read by a background thread and each
        event handed to ``on_event(event)``; the job is polled every ``poll_interval`` s (a 304
        while nothing changed) and handed to ``on_update(job)`` for percent, step and ETA. Ctrl-C
        (KeyboardInterrupt) reaches the caller, who decides whether to cancel the job.
        """
        inbox = queue.Queue()
        stop = threading.Event()

        def pump():
            try:
                for event in self.stream_events(job_id):
                    if stop.is_set():
                        return
                    inbox.put(event)
            except QforgeError as e:
                inbox.put(e)
            finally:
                inbox.put(None)

        thread = threading.Thread(target=pump, name="qforge-events-" + str(job_id), daemon=True)
        thread.start()
        streaming = True
        try:
            while True:
                job = self.job(job_id)
                if on_update:
                    on_update(job)
                if job.get("status") in TERMINAL:
                    if streaming:
                        # let the stream deliver the last events (it ends on its own once the job ended)
                        deadline = time.monotonic() + 5
                        while streaming and time.monotonic() < deadline:
                            try:
                                item = inbox.get(timeout=max(0.0, deadline - time.monotonic()))
                            except queue.Empty:
                                break
                            streaming = self._deliver(item, on_event)
                    return job
                deadline = time.monotonic() + poll_interval
                while streaming:
                    try:
                        item = inbox.get(timeout=max(0.0, deadline - time.monotonic()))
                    except queue.Empty:
                        break
                    streaming = self._deliver(item, on_event)
                if not streaming:
                    time.sleep(max(0.0, deadline - time.monotonic()))
        finally:
            stop.set()

    @staticmethod
    def _deliver(item, on_event):
        """Hands an item of the event thread on; False once the stream is over (or failed: then polling goes on)."""
        if item is None:
            return False
        if isinstance(item, Exception):
            return True
        if on_event:
            on_event(item)
        return True

    # ---- downloads

    def download(self, job_id, name="model.int8.onnx", path=None, on_progress=None):
        """Downloads an artifact to ``path`` (default: its name, in the current directory), checking its
        SHA-256 against the artifact list and the ETag while it streams to ``path + ".part"``; the
        file appears under its name only when it matched. Returns the SHA-256 (hex)."""
        listed = {a["name"]: a for a in self.artifacts(job_id)}
        if name not in listed:
            raise QforgeError("job %s has no artifact %r (it has: %s)" % (job_id, name, ", ".join(sorted(listed)) or "none"))
        artifact = listed[name]
        path = os.fspath(path or name)
        href = artifact.get("href") or "/v1/jobs/%s/artifacts/%s" % (_q(job_id), _q(name))
        response = self.http.request("GET", href, headers={"Accept": "*/*"}, timeout=self.http.timeout)
        digest = hashlib.sha256()
        size = 0
        part = path + ".part"
        try:
            with response, open(part, "wb") as out:
                while True:
                    chunk = response.raw.read(64 * 1024)
                    if not chunk:
                        break
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                    if on_progress:
                        on_progress(size, artifact.get("size"))
            sha = digest.hexdigest()
            etag = (response.header("ETag") or "").strip('"')
            if sha != artifact["sha256"] or (etag and etag != sha) or size != artifact.get("size", size):
                raise IntegrityError("%s of job %s: received %d bytes with SHA-256 %s, the service announced %s bytes "
                                     "with SHA-256 %s (ETag %s); the file was not kept"
                                     % (name, job_id, size, sha, artifact.get("size"), artifact["sha256"], etag or "none"))
            os.replace(part, path)
            return sha
        except BaseException:
            if os.path.exists(part):
                os.remove(part)
            raise

    # ---- the whole flow

    def resolve_model(self, model, on_progress=None):
        """A model id: ``model`` itself if it is an id and no such file exists, else the id of its upload."""
        if _UUID.match(str(model)) and not os.path.exists(str(model)):
            return str(model)
        return self.upload_model(model, on_progress=on_progress)["id"]

    def resolve_dataset(self, dataset, on_progress=None):
        if _UUID.match(str(dataset)) and not os.path.exists(str(dataset)):
            return str(dataset)
        return self.upload_dataset(dataset, on_progress=on_progress)["id"]

    def quantize(self, model, dataset, output=None, spec=None, idempotency_key=None, on_update=None,
                 on_event=None, cancel_on_interrupt=True, **spec_fields):
        """Uploads (or takes the ids of) a model and a dataset, runs a job, follows it, downloads
        ``model.int8.onnx`` to ``output`` (when given) checking its SHA-256, and returns the report.
        Raises :class:`JobFailed` when the job fails or is cancelled; on KeyboardInterrupt the job is
        cancelled first (``cancel_on_interrupt``)."""
        model_id = self.resolve_model(model)
        dataset_id = self.resolve_dataset(dataset)
        job = self.submit(model_id, dataset_id, spec=spec, idempotency_key=idempotency_key, **spec_fields)
        try:
            job = self.wait(job["id"], on_update=on_update, on_event=on_event)
        except KeyboardInterrupt:
            if cancel_on_interrupt:
                self.cancel(job["id"])
            raise
        if job["status"] != "SUCCEEDED":
            raise JobFailed(job)
        report = self.report(job["id"])
        if output:
            self.download(job["id"], "model.int8.onnx", output)
        return report



