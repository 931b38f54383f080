// A finished job's report as plots: FP32 / PTQ / QAT accuracies side by side (simulation, integer
// engine, ONNX Runtime), per-layer SQNR, ONNX Runtime's kernels, sizes, training curves, latency,
// and the artifacts to download (fetched with the key, handed to the browser as files).
import {api, download, ApiError} from '../api.js';
import {h, mount, table, bytes, percent, problemBox} from '../dom.js';
import {chartCard, bar, lines, COLORS} from '../charts.js';

/** The report's accuracy entries in the order they are compared. */
export const ACCURACIES = [
  ['fp32', 'FP32'],
  ['ptqFakeQuant', 'PTQ simulated'],
  ['ptqInt8', 'PTQ integer engine'],
  ['qatFakeQuant', 'QAT simulated'],
  ['qatInt8', 'QAT integer engine'],
  ['qatOrt', 'QAT ONNX Runtime'],
];

export async function render(main, id) {
  const [report, artifacts] = await Promise.all([api('/v1/jobs/' + id + '/report'), api('/v1/jobs/' + id + '/artifacts')]);
  const charts = [];
  const present = ACCURACIES.filter(([k]) => report[k]);

  const acc = chartCard('chart-accuracy', 'Top-1 accuracy on the test split');
  const sqnr = chartCard('chart-sqnr', 'Per-layer SQNR (FP32 vs integer engine)', {tall: true,
    note: 'dB, higher is better; a layer whose error is exactly zero has no bar'});
  const kernels = chartCard('chart-kernels', 'ONNX Runtime kernels (optimized graph)', {
    note: report.ortUsesIntegerKernels ? 'Every Conv/Gemm runs as an integer kernel.' : 'Not every Conv/Gemm runs as an integer kernel.'});
  const sizes = chartCard('chart-sizes', 'Model size');
  const epochs = chartCard('chart-epochs', 'QAT fine-tuning per epoch');

  const accuracyRows = present.map(([k, label]) => h('tr', {dataset: {metric: k}},
    h('td', {}, label), h('td', {class: 'num', dataset: {accuracy: k}}, percent(report[k].accuracy)),
    h('td', {class: 'num'}, report[k].loss === undefined ? '' : report[k].loss.toFixed(4))));
  const ag = report.agreement;
  const layers = report.layers || [];
  const ort = report.ortKernels || {};
  const latency = report.latency;

  mount(main, h('h1', {}, 'Report ', h('span', {class: 'mono'}, id)),
    h('p', {}, h('a', {href: '#/jobs/' + id}, '← job'), ' · model ', h('strong', {id: 'report-model'}, report.model || '')),
    h('div', {class: 'grid2'},
      acc.card,
      h('div', {class: 'card'}, h('h2', {}, 'Accuracy'), table(['', {text: 'top-1', attrs: {class: 'num'}}, {text: 'loss', attrs: {class: 'num'}}],
        accuracyRows, {id: 'report-accuracy'}),
        ag ? h('div', {}, h('h2', {}, 'Agreement'), table(['', {text: 'top-1', attrs: {class: 'num'}}, {text: 'within 1 step', attrs: {class: 'num'}}], [
          h('tr', {}, h('td', {}, 'simulation vs integer engine'), h('td', {class: 'num'}, percent(ag.simulationVsInt8Top1)), h('td', {class: 'num'}, percent(ag.simulationVsInt8Within1Lsb))),
          h('tr', {}, h('td', {}, 'integer engine vs ONNX Runtime'), h('td', {class: 'num'}, percent(ag.int8VsOrtTop1)), h('td', {class: 'num'}, percent(ag.int8VsOrtWithin1Lsb)))])) : null)),
    sqnr.card,
    h('div', {class: 'grid2'}, kernels.card, sizes.card),
    epochs.card,
    latency ? h('div', {class: 'card'}, h('h2', {}, 'ONNX Runtime latency (median ms, ' + latency.threads + ' thread)'),
      table(['batch', {text: 'FP32', attrs: {class: 'num'}}, {text: 'INT8', attrs: {class: 'num'}}, {text: 'INT8 / FP32', attrs: {class: 'num'}}],
        latency.points.map(p => h('tr', {}, h('td', {}, p.batch), h('td', {class: 'num'}, p.fp32Ms === null ? '–' : p.fp32Ms.toFixed(3)),
          h('td', {class: 'num'}, p.int8Ms.toFixed(3)), h('td', {class: 'num'}, p.int8OverFp32 === null ? '–' : p.int8OverFp32.toFixed(2)))),
        {id: 'report-latency'})) : null,
    h('div', {class: 'card'}, h('h2', {}, 'Artifacts'), h('div', {id: 'download-result'}),
      table(['name', {text: 'size', attrs: {class: 'num'}}, 'SHA-256', ''], artifacts.map(a => h('tr', {dataset: {artifact: a.name}},
        h('td', {}, a.name), h('td', {class: 'num'}, bytes(a.size)), h('td', {class: 'mono'}, a.sha256),
        h('td', {}, h('button', {type: 'button', class: 'secondary', dataset: {download: a.name}, onclick: () => save(a)}, 'Download')))),
        {id: 'report-artifacts'})));

  charts.push(bar(acc.canvas, present.map(([, label]) => label),
    [{label: 'top-1 accuracy', data: present.map(([k]) => report[k].accuracy), colors: present.map((_, i) => COLORS[Math.min(i, 6)])}],
    {yTitle: 'accuracy', max: 1}));
  charts.push(bar(sqnr.canvas, layers.map(l => l.layer + ' (' + l.opType + ')'),
    [{label: 'SQNR dB', data: layers.map(l => l.sqnrDb)}], {yTitle: 'dB'}));
  const kernelNames = Object.keys(ort).sort((a, b) => ort[b] - ort[a]);
  charts.push(bar(kernels.canvas, kernelNames, [{label: 'nodes', data: kernelNames.map(k => ort[k]),
    colors: kernelNames.map(k => /^(QLinear|QGemm|ConvInteger|MatMulInteger|DynamicQuantize)/.test(k) ? COLORS[2] : COLORS[0])}],
    {horizontal: true}));
  const s = report.sizes || {};
  charts.push(bar(sizes.canvas, ['FP32 upload', 'INT8 artifact'], [{label: 'KiB', data: [s.fp32Bytes / 1024, s.int8Bytes / 1024],
    colors: [COLORS[0], COLORS[2]]}], {yTitle: 'KiB'}));
  const ep = report.epochs || [];
  charts.push(lines(epochs.canvas, ep.map(e => e.epoch + 1), [ // 1-based, as on the job page
    {label: 'train loss', data: ep.map(e => e.trainLoss), yAxisID: 'y'},
    {label: 'test loss', data: ep.map(e => e.test.loss), yAxisID: 'y'},
    {label: 'train accuracy', data: ep.map(e => e.trainAccuracy), yAxisID: 'acc'},
    {label: 'test accuracy', data: ep.map(e => e.test.accuracy), yAxisID: 'acc'},
  ]));

  async function save(a) {
    const out = document.getElementById('download-result');
    try {
      const size = await download(a.href, a.name);
      mount(out, h('p', {class: 'ok'}, 'Downloaded ', a.name, ' (', bytes(size), ').'));
    } catch (e) {
      mount(out, problemBox(e instanceof ApiError ? e.problem : {detail: String(e)}));
    }
  }
  return () => charts.forEach(c => c.destroy());
}
