"""The ``qforge`` command line (also ``python -m qforge``).

Results go to stdout (an id, a table, or JSON with ``--json``); progress, notices and errors go to
stderr. Exit status: 0 done, 1 an API error or a job that did not succeed, 2 a usage or
configuration error, 3 a download whose SHA-256 did not match, 130 interrupted (Ctrl-C).
"""

import argparse
import json
import os
import signal
import sys

from . import __version__
from . import spec as job_spec
from .client import Client
from .errors import ApiError, ConfigError, IntegrityError, JobFailed, QforgeError
from .progress import ProgressBar, bar, line
from .report import format_report

EXIT_ERROR, EXIT_USAGE, EXIT_INTEGRITY, EXIT_INTERRUPTED = 1, 2, 3, 130


def _err(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _out(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _print_json(value):
    _out(json.dumps(value, indent=2, sort_keys=False))


def add_spec_options(parser):
    """One option per JobSpec field of :data:`qforge.spec.FIELDS` (``weightBits`` -> ``--weight-bits``)."""
    group = parser.add_argument_group("job spec (every field optional; the service's default applies)")
    for f in job_spec.FIELDS:
        option = "--" + job_spec.kebab(f.name)
        kw = {"dest": "spec_" + f.name, "default": None, "help": job_spec.describe(f)}
        if f.type == "boolean":
            group.add_argument(option, action=argparse.BooleanOptionalAction, **kw)
        elif f.type == "integer":
            group.add_argument(option, type=int, metavar="N", **kw)
        elif f.type == "number":
            group.add_argument(option, type=float, metavar="X", **kw)
        else:
            group.add_argument(option, type=str.upper, choices=f.choices, metavar="|".join(f.choices), **kw)


def spec_from_args(args):
    return {f.name: getattr(args, "spec_" + f.name) for f in job_spec.FIELDS
            if getattr(args, "spec_" + f.name) is not None}


def build_parser():
    p = argparse.ArgumentParser(
        prog="qforge",
        description="Quantization-aware training as a service: upload an FP32 ONNX model and an .npz dataset, "
                    "get back a verified INT8 ONNX model and an accuracy report.",
        epilog="Environment: QFORGE_URL (default http://localhost:8080), QFORGE_API_KEY.")
    p.add_argument("--url", help="service URL (default $QFORGE_URL, else http://localhost:8080)")
    p.add_argument("--api-key", help="API key (default $QFORGE_API_KEY)")
    p.add_argument("--json", action="store_true", help="print results as JSON")
    p.add_argument("--version", action="version", version="qforge " + __version__)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    for kind in ("model", "dataset"):
        s = sub.add_parser("upload-" + kind, help="upload %s; prints its id" % ("an ONNX model" if kind == "model" else "an .npz dataset"))
        s.add_argument("file")
        s.add_argument("--name", help="stored name (default: the file name)")

    s = sub.add_parser("quantize", help="upload, run a QAT job, follow it, print the report, download the INT8 model",
                       description="MODEL and DATA are files to upload or ids of earlier uploads. Ctrl-C cancels the "
                                   "job on the service and waits for it to stop (Ctrl-C again stops waiting); with "
                                   "--keep-on-interrupt Ctrl-C leaves the job running.")
    s.add_argument("model", metavar="MODEL", help="ONNX file or model id")
    s.add_argument("data", metavar="DATA", help=".npz file or dataset id")
    s.add_argument("-o", "--output", help="where to write model.int8.onnx (its SHA-256 is checked)")
    s.add_argument("--idempotency-key", help="a key making a repeated submission return the same job")
    s.add_argument("--detach", action="store_true", help="print the job id once it is queued and return")
    s.add_argument("--keep-on-interrupt", action="store_true", help="Ctrl-C stops following but leaves the job running")
    add_spec_options(s)

    s = sub.add_parser("jobs", help="list jobs, newest first")
    s.add_argument("--status", type=str.upper, choices=("QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"))
    s.add_argument("--page", type=int, default=0)
    s.add_argument("--size", type=int, default=20)

    s = sub.add_parser("job", help="one job's status, phase, progress and error")
    s.add_argument("job")

    s = sub.add_parser("report", help="a finished job's accuracy comparison")
    s.add_argument("job")

    s = sub.add_parser("cancel", help="cancel a job (a queued one at once, a running one at its next step)")
    s.add_argument("job")

    s = sub.add_parser("download", help="download an artifact, checking its SHA-256")
    s.add_argument("job")
    s.add_argument("name", nargs="?", default="model.int8.onnx")
    s.add_argument("-o", "--output", help="file to write (default: the artifact's name)")

    s = sub.add_parser("events", help="follow a job's events until it ends")
    s.add_argument("job")
    return p


def _retry_notice(status, seconds, why):
    what = "HTTP %d" % status if status else "connection failed"
    _err("qforge: %s%s; retrying in %s s" % (what, " (" + why + ")" if why else "", seconds))


def _upload_progress(label):
    if not sys.stderr.isatty():
        return None

    def show(sent, total):
        pct = 100.0 * sent / total if total else 100.0
        sys.stderr.write("\r%s %s %5.1f%%" % (label, bar(pct, 20), pct))
        if sent >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()
    return show


def describe_event(event):
    data = event.data if isinstance(event.data, dict) else {}
    if event.type == "PHASE":
        return "phase %s" % data.get("phase")
    if event.type == "EPOCH":
        metrics = data.get("metrics") or {}
        shown = " ".join("%s %.4f" % (k, v) for k, v in metrics.items() if isinstance(v, (int, float)))
        return "epoch %s/%s: %s" % (data.get("epoch"), data.get("totalEpochs"), shown)
    return "%s %s" % (event.type.lower(), json.dumps(data, separators=(",", ":")) if data else "")


def cmd_upload(client, args, kind):
    upload = client.upload_model if kind == "model" else client.upload_dataset
    result = upload(args.file, name=args.name, on_progress=_upload_progress("uploading " + os.path.basename(args.file)))
    if args.json:
        _print_json(result)
        return 0
    if kind == "model":
        ops = ", ".join("%s x%d" % (k, v) for k, v in sorted(result.get("ops", {}).items()))
        _err("model %s: %s, %d parameters, opset %s, ops %s%s" % (
            result["id"], result.get("name"), result.get("parameters", 0), result.get("opset"), ops,
            "" if result.get("supported", True) else " (NOT supported)"))
    else:
        _err("dataset %s: %s, %s train / %s test samples of shape %s, %s classes" % (
            result["id"], result.get("name"), result.get("trainSamples"), result.get("testSamples"),
            result.get("sampleShape"), result.get("classes")))
    _out(result["id"])
    return 0


def cmd_quantize(client, args):
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C raises even where SIGINT was ignored
    model_id = client.resolve_model(args.model, on_progress=_upload_progress("uploading model"))
    if model_id != args.model:
        _err("model %s uploaded from %s" % (model_id, args.model))
    dataset_id = client.resolve_dataset(args.data, on_progress=_upload_progress("uploading dataset"))
    if dataset_id != args.data:
        _err("dataset %s uploaded from %s" % (dataset_id, args.data))
    job = client.submit(model_id, dataset_id, spec=spec_from_args(args), idempotency_key=args.idempotency_key)
    job_id = job["id"]
    _err("job %s %s" % (job_id, job["status"]))
    if args.detach:
        _print_json(job) if args.json else _out(job_id)
        return 0
    progress = ProgressBar(sys.stderr)
    on_event = lambda e: progress.message(describe_event(e))  # noqa: E731
    try:
        job = client.wait(job_id, on_update=progress.update, on_event=on_event)
    except KeyboardInterrupt:
        progress.close()
        return _interrupted(client, job_id, args.keep_on_interrupt)
    progress.close()
    if job["status"] != "SUCCEEDED":
        raise JobFailed(job)
    report = client.report(job_id)
    if args.output:
        sha = client.download(job_id, "model.int8.onnx", args.output)
        _err("wrote %s (sha256 %s, matches the service's)" % (args.output, sha))
    if args.json:
        _print_json({"job": job, "report": report})
    else:
        _out(format_report(report))
    return 0


def _interrupted(client, job_id, keep):
    if keep:
        _err("interrupted: job %s keeps running (qforge cancel %s stops it)" % (job_id, job_id))
        return EXIT_INTERRUPTED
    _err("interrupted: cancelling job %s (Ctrl-C again to stop waiting)" % job_id)
    try:
        try:
            client.cancel(job_id)
        except ApiError as e:
            _err("qforge: cancel: %s" % e)  # e.g. 409: it had just ended
        job = client.wait(job_id)
        _err("job %s %s" % (job_id, job["status"]))
    except KeyboardInterrupt:
        _err("stopped waiting; job %s was asked to cancel" % job_id)
    return EXIT_INTERRUPTED


def cmd_jobs(client, args):
    page = client.jobs(status=args.status, page=args.page, size=args.size)
    if args.json:
        _print_json(page)
        return 0
    _out("%-36s  %-9s  %-11s  %6s  %s" % ("ID", "STATUS", "PHASE", "%", "CREATED"))
    for j in page["items"]:
        _out("%-36s  %-9s  %-11s  %6.1f  %s" % (j["id"], j["status"], j.get("phase") or "-", j.get("percent") or 0,
                                                j.get("createdAt", "")))
    _err("page %d, %d of %d job(s)" % (page["page"], len(page["items"]), page["total"]))
    return 0


def cmd_job(client, args):
    job = client.job(args.job)
    if args.json:
        _print_json(job)
        return 0
    _out("%s %s" % (job["id"], line(job)))
    if job.get("metrics"):
        _out("metrics: " + " ".join("%s %.4f" % (k, v) for k, v in job["metrics"].items()))
    if job.get("error"):
        _out("error: " + job["error"])
    return 0


def cmd_report(client, args):
    report = client.report(args.job)
    _print_json(report) if args.json else _out(format_report(report))
    return 0


def cmd_cancel(client, args):
    job = client.cancel(args.job)
    if args.json:
        _print_json(job)
    elif job["status"] == "CANCELLED":
        _out("job %s CANCELLED" % job["id"])
    else:
        _out("job %s %s: cancel requested, it stops at its next training step" % (job["id"], job["status"]))
    return 0


def cmd_download(client, args):
    path = args.output or args.name
    sha = client.download(args.job, args.name, path)
    _print_json({"path": path, "sha256": sha}) if args.json else _out("%s  %s" % (sha, path))
    return 0


def cmd_events(client, args):
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for event in client.stream_events(args.job):
        if args.json:
            _out(json.dumps(dict(event), separators=(",", ":")))
        else:
            _out("%s %s" % (event.id, describe_event(event)))
    return 0


COMMANDS = {
    "upload-model": lambda c, a: cmd_upload(c, a, "model"),
    "upload-dataset": lambda c, a: cmd_upload(c, a, "dataset"),
    "quantize": cmd_quantize,
    "jobs": cmd_jobs,
    "job": cmd_job,
    "report": cmd_report,
    "cancel": cmd_cancel,
    "download": cmd_download,
    "events": cmd_events,
}


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        client = Client(url=args.url, api_key=args.api_key, on_retry=_retry_notice)
        return COMMANDS[args.command](client, args)
    except ConfigError as e:
        _err("qforge: %s" % e)
        return EXIT_USAGE
    except ApiError as e:
        _err("qforge: error: HTTP %d %s: %s" % (e.status, e.title, e))
        return EXIT_ERROR
    except IntegrityError as e:
        _err("qforge: error: %s" % e)
        return EXIT_INTEGRITY
    except QforgeError as e:
        _err("qforge: error: %s" % e)
        return EXIT_ERROR
    except KeyboardInterrupt:
        _err("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
