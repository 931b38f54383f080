"""A one-line progress bar for a job, redrawn in place on a terminal.

On something that is not a terminal (a log, CI) it prints a plain line only when the phase or the
epoch changes, or every 10 percent, so logs stay short and never hold carriage returns.
"""


def format_duration(seconds):
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return "%d:%02d:%02d" % (hours, minutes, secs) if hours else "%d:%02d" % (minutes, secs)


def bar(percent, width=30):
    """``[=========>          ]`` for ``percent`` (0..100, clamped)."""
    percent = max(0.0, min(100.0, float(percent)))
    filled = int(width * percent / 100.0)
    if filled >= width:
        return "[" + "=" * width + "]"
    return "[" + "=" * filled + ">" + " " * (width - filled - 1) + "]"


def describe(job):
    """The state after the bar: status or phase, epoch k/N, step s/S, ETA."""
    status = job.get("status") or "?"
    parts = [job.get("phase") or status if status == "RUNNING" else status]
    if status == "RUNNING" and job.get("phase") == "TRAINING" and job.get("totalEpochs") and job.get("epoch"):
        parts.append("epoch %d/%d" % (job["epoch"], job["totalEpochs"]))
        if job.get("stepsPerEpoch") and job.get("step"):
            parts.append("step %d/%d" % (job["step"], job["stepsPerEpoch"]))
    if job.get("cancelRequested") and status == "RUNNING":
        parts.append("cancelling")
    if status == "RUNNING" and job.get("etaSeconds") is not None:
        parts.append("ETA " + format_duration(job["etaSeconds"]))
    return " ".join(parts)


def line(job, width=30):
    return "%s %5.1f%% %s" % (bar(job.get("percent") or 0, width), job.get("percent") or 0, describe(job))


class ProgressBar:
    def __init__(self, stream, tty=None, width=30):
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.width = width
        self._shown = 0  # length of the line on screen (tty)
        self._last_key = None
        self._current = None

    def update(self, job):
        """Shows the job's progress (``job`` as ``GET /v1/jobs/{id}`` answers it)."""
        text = line(job, self.width)
        self._current = text
        if self.tty:
            self._draw(text)
            return
        key = (job.get("status"), job.get("phase"), job.get("epoch"), int((job.get("percent") or 0) // 10))
        if key != self._last_key:
            self._last_key = key
            self.stream.write(text + "\n")
            self.stream.flush()

    def message(self, text):
        """Prints a line of its own above the bar."""
        if self.tty and self._shown:
            self.stream.write("\r" + " " * self._shown + "\r")
            self._shown = 0
        self.stream.write(text + "\n")
        if self.tty and self._current:
            self._draw(self._current)
        self.stream.flush()

    def close(self):
        if self.tty and self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = 0

    def _draw(self, text):
        pad = max(0, self._shown - len(text))
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()
        self._shown = len(text)
