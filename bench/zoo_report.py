"""The zoo table (markdown) from bench/zoo.sh's results-OPSET.jsonl, then the failures grouped by cause.
Usage: zoo_report.py results-13.jsonl [results-17.jsonl ...]"""
import json, os, re, sys

rows = [json.loads(l) for f in sys.argv[1:] for l in open(f) if l.strip()]
yn = lambda v: "–" if v is None else ("yes" if v else "no")
print("| model | opset | imported | PTQ ok | QAT ok | FP32 max abs diff vs ORT (relative) | top-1 sim vs int8 | top-1 int8 vs ORT "
      "| integer MAC share | float islands | QAT img/s qforge / PyTorch | peak RSS MB qforge / PyTorch "
      "| qforge s: load / base / calib / train / conv / eval / export | load avg |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
fails = {}
for r in rows:
    t = r.get("torch", {})
    m = re.search(r"see (\S+\.log)", r.get("error") or "")
    if r.get("imported") is None and m and os.path.exists(m.group(1)):
        # a JVM killed by the outer timeout printed no row: how far it got is in its log
        # ("phase X rss N MB (peak P MB)" at each phase start, "epoch ..." after each QAT epoch)
        log = open(m.group(1), errors="replace").read()
        ph = re.findall(r"^phase (\w+) rss \d+ MB \(peak (\d+) MB\)", log, re.M)
        if ph:
            order = ["LOADING", "BASELINE", "CALIBRATING", "TRAINING", "CONVERTING", "EVALUATING", "EXPORTING"]
            r["imported"] = order.index(ph[-1][0]) >= 1
            r["ptqOk"] = order.index(ph[-1][0]) >= 3
            r["qatOk"] = False
            r["peakRssMb"] = f">= {ph[-1][1]}"
            r["failedIn"] = ph[-1][0]
    fp = ""
    if r.get("fp32MaxAbsDiffOrt") is not None:
        rel = r["fp32MaxAbsDiffOrt"] / r["fp32OutputMaxAbs"] if r.get("fp32OutputMaxAbs") else float("nan")
        fp = f"{r['fp32MaxAbsDiffOrt']:.1e} ({rel:.0e})"
    f4 = lambda k: "" if r.get(k) is None else f"{r[k]:.4f}"
    ph = r.get("phases", {})
    secs = " / ".join(f"{ph[p]['s']:.0f}" if p in ph else "–"
                      for p in ("LOADING", "BASELINE", "CALIBRATING", "TRAINING", "CONVERTING", "EVALUATING", "EXPORTING"))
    ips = lambda v: "–" if v is None else f"{v:.1f}"
    isl = r.get("floatIslandOps") or ("0" if r.get("qatOk") else "")
    load = r.get("load", ["", ""])
    print(f"| {r['model']} | {r.get('opset', '')} | {yn(r.get('imported'))} | {yn(r.get('ptqOk'))} | {yn(r.get('qatOk'))} | {fp} "
          f"| {f4('simVsInt8')} | {f4('int8VsOrt')} | {f4('integerMacShare')} | {isl} "
          f"| {ips(r.get('qatImagesPerSecond'))} / {ips(t.get('qatImagesPerSecond'))} "
          f"| {r.get('peakRssMb', '–')} / {t.get('peakRssMb', '–')} | {secs} | {load[0]}-{load[1]} |")
    if r.get("error"):
        where = r.get("failedIn") or ""
        cause = re.sub(r"'[^']*'", "'..'", r["error"])[:200]
        fails.setdefault(cause, []).append(f"{r['model']}@{r.get('opset')}" + (f" ({where})" if where else ""))
    if t.get("error"):
        fails.setdefault("PyTorch side: " + t["error"][:200], []).append(f"{r['model']}@{r.get('opset')}")
if fails:
    print("\nFailures by cause:\n")
    for cause, ms in fails.items():
        print(f"- {', '.join(ms)}: {cause}")
