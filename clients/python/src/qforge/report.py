"""The report of a finished job as text: the accuracy comparison table, sizes, agreement,
ONNX Runtime kernels and latency. Fields the report lacks are left out."""

ROWS = (
    ("fp32", "FP32 (uploaded model)"),
    ("ptqFakeQuant", "PTQ, simulated"),
    ("ptqInt8", "PTQ, INT8 engine"),
    ("qatFakeQuant", "QAT, simulated"),
    ("qatInt8", "QAT, INT8 engine"),
    ("qatOrt", "QAT, ONNX Runtime"),
)


def _size(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return ("%d %s" % (n, unit)) if unit == "B" else ("%.1f %s" % (n, unit))
        n /= 1024.0
    return str(n)


def accuracy_table(report):
    rows = [(label, report[key]) for key, label in ROWS if isinstance(report.get(key), dict)]
    if not rows:
        return ""
    base = (report.get("fp32") or {}).get("accuracy")
    width = max(len(label) for label, _ in rows)
    out = ["%-*s  %9s  %8s  %9s" % (width, "", "accuracy", "loss", "vs FP32")]
    for label, m in rows:
        acc = m.get("accuracy")
        loss = m.get("loss")
        delta = "" if base is None or acc is None or m is report.get("fp32") else "%+.2f pt" % ((acc - base) * 100)
        out.append("%-*s  %9s  %8s  %9s" % (width, label, "" if acc is None else "%.2f %%" % (acc * 100),
                                           "" if loss is None else "%.4f" % loss, delta))
    return "\n".join(out)


def format_report(report):
    lines = []
    table = accuracy_table(report)
    if table:
        lines.append(table)
    sizes = report.get("sizes")
    if isinstance(sizes, dict) and sizes.get("fp32Bytes"):
        lines.append("size: FP32 %s -> INT8 %s (%.2fx)" % (_size(sizes["fp32Bytes"]), _size(sizes["int8Bytes"]),
                                                         sizes["int8Bytes"] / float(sizes["fp32Bytes"])))
    agreement = report.get("agreement")
    if isinstance(agreement, dict):
        lines.append("agreement (top-1): simulation vs INT8 engine %.2f %%, INT8 engine vs ONNX Runtime %.2f %%"
                     % (agreement.get("simulationVsInt8Top1", 0) * 100, agreement.get("int8VsOrtTop1", 0) * 100))
    if "ortUsesIntegerKernels" in report:
        kernels = report.get("ortKernels") or {}
        listed = ", ".join("%s %d" % (k, kernels[k]) for k in sorted(kernels))
        lines.append("ONNX Runtime integer kernels: %s%s" % ("yes" if report["ortUsesIntegerKernels"] else "NO",
                                                             " (" + listed + ")" if listed else ""))
    latency = report.get("latency")
    if isinstance(latency, dict) and latency.get("points"):
        parts = []
        for p in latency["points"]:
            fp32 = p.get("fp32Ms")
            text = "batch %d: INT8 %.3f ms" % (p["batch"], p["int8Ms"])
            if fp32 is not None:
                text += ", FP32 %.3f ms (INT8/FP32 %.2f)" % (fp32, p.get("int8OverFp32") or p["int8Ms"] / fp32)
            parts.append(text)
        lines.append("ONNX Runtime latency (%s thread(s), median of %s): %s"
                     % (latency.get("threads"), latency.get("timedRuns"), "; ".join(parts)))
    return "\n".join(lines)
