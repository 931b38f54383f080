"""Combines the JSON lines of bench/qat_torch.py and QatBenchmark into the markdown table of
bench/qat.sh and judges issue 3's item-9 targets. Usage: qat_report.py torch.json qforge.json out.md

Targets (judged on the accuracy of the artifact a user gets: the exported QDQ file in ONNX
Runtime, which the integer engine matches; the simulation is shown next to it):
  * W8A8 QAT within 0.3 pt of FP32, and >= PyTorch's QAT (its converted int8 model);
  * W4A4 LSQ QAT within 2 pt of FP32 on the LeNet-style model;
  * qforge's fake-quant training step <= 1.15x its FP32 step (same model, batch, threads).
"""
import json
import sys

NAMES = {"lenet": "LeNet-BN", "dwsep": "DW-sep CNN"}


def last_json(path):
    return json.loads([line for line in open(path) if line.startswith("{")][-1])


def pct(v):
    return "–" if v is None else f"{100 * v:.2f}"


def main():
    t, q, out = last_json(sys.argv[1]), last_json(sys.argv[2]), sys.argv[3]
    lines = ["| Model | Scheme | FP32 | qforge PTQ sim / int8 | qforge QAT sim / int8 / ORT | PyTorch PTQ sim / int8 "
             "| PyTorch QAT sim / int8 | step ratio qforge (ms) | step ratio PyTorch (ms) |",
             "|---|---|---|---|---|---|---|---|---|"]
    targets = []
    for name, qm in q["models"].items():
        tm = t["models"][name]
        for scheme, qs in qm["schemes"].items():
            ts = tm["schemes"][scheme]
            t_ptq_int8 = tm["ptq_int8"] if scheme == "W8A8" else None
            q_ratio = qs["qat_step_ms"] / qm["fp32_step_ms"]
            t_ratio = ts["qat_step_ms"] / tm["fp32_step_ms"]
            lines.append(
                f"| {NAMES.get(name, name)} | {scheme} | {pct(qm['fp32'])} | {pct(qs['ptq_sim'])} / {pct(qs['ptq_int8'])} "
                f"| {pct(qs['qat_sim'])} / {pct(qs['qat_int8'])} / **{pct(qs['qat_ort'])}** "
                f"| {pct(ts['ptq_sim'])} / {pct(t_ptq_int8)} | {pct(ts['qat_sim'])} / {pct(ts.get('qat_int8'))} "
                f"| {q_ratio:.2f}x ({qs['qat_step_ms']:.1f} / {qm['fp32_step_ms']:.1f}) "
                f"| {t_ratio:.2f}x ({ts['qat_step_ms']:.1f} / {tm['fp32_step_ms']:.1f}) |")
            label = f"{NAMES.get(name, name)} {scheme}"
            drop = 100 * (qm["fp32"] - qs["qat_ort"])
            if scheme == "W8A8":
                targets.append((f"{label}: QAT within 0.3 pt of FP32", drop <= 0.3,
                                f"FP32 {pct(qm['fp32'])}, QAT (ORT) {pct(qs['qat_ort'])}: QAT - FP32 = {-drop:+.2f} pt"))
                targets.append((f"{label}: QAT >= PyTorch's QAT", qs["qat_ort"] >= ts["qat_int8"],
                                f"qforge {pct(qs['qat_ort'])} vs PyTorch int8 {pct(ts['qat_int8'])}"))
            if scheme == "W4A4-LSQ" and name == "lenet":
                targets.append((f"{label}: QAT within 2 pt of FP32", drop <= 2.0,
                                f"FP32 {pct(qm['fp32'])}, QAT (ORT) {pct(qs['qat_ort'])}: QAT - FP32 = {-drop:+.2f} pt"))
            targets.append((f"{label}: fake-quant step <= 1.15x FP32 step", q_ratio <= 1.15,
                            f"{q_ratio:.2f}x (PyTorch {t_ratio:.2f}x)"))
    lines.append("")
    lines.append("| Target | Result | |")
    lines.append("|---|---|---|")
    for what, ok, detail in targets:
        lines.append(f"| {what} | {'met' if ok else '**MISSED**'} | {detail} |")
    missed = [w for w, ok, _ in targets if not ok]
    lines.append("")
    lines.append(f"Missed: {len(missed)} of {len(targets)} target checks" + (": " + "; ".join(missed) if missed else "."))
    text = "\n".join(lines) + "\n"
    open(out, "w").write(text)
    print(text)


if __name__ == "__main__":
    main()
