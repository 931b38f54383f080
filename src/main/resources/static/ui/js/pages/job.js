// A job followed live: the event stream (fetch + a stream parser, the key in a header) brings
// phases and per-epoch metrics; GET /v1/jobs/{id} with If-None-Match brings step progress and ETA.
import {api, getIfChanged, stream, ApiError} from '../api.js';
import {h, mount, problemBox, duration, when} from '../dom.js';
import {chartCard, lines} from '../charts.js';

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const POLL_MS = 1000;

export async function render(main, id) {
  let etag = null;
  let job = (await getIfChanged('/v1/jobs/' + id)).body;
  const badge = h('span', {id: 'job-status', class: 'badge'});
  const phase = h('span', {id: 'job-phase'});
  const bar = h('progress', {id: 'job-progress', max: 100, value: 0});
  const pct = h('span', {id: 'job-percent'});
  const epoch = h('span', {id: 'job-epoch'});
  const eta = h('span', {id: 'job-eta'});
  const error = h('div', {id: 'job-error'});
  const actions = h('div', {id: 'job-actions'});
  const log = h('tbody');
  const curves = chartCard('chart-curves', 'Loss and accuracy per epoch', {note: 'QAT fine-tuning: training and test split, as each epoch ends'});
  const chart = lines(curves.canvas, [], [
    {label: 'train loss', data: [], yAxisID: 'y'},
    {label: 'test loss', data: [], yAxisID: 'y'},
    {label: 'train accuracy', data: [], yAxisID: 'acc'},
    {label: 'test accuracy', data: [], yAxisID: 'acc'},
  ]);
  const seenEpochs = new Set();
  let actionsFor = null;

  const show = j => {
    job = j;
    badge.className = 'badge ' + j.status;
    badge.textContent = j.status;
    phase.textContent = j.phase || '–';
    bar.value = j.percent;
    pct.textContent = j.percent.toFixed(1) + '%';
    epoch.textContent = j.totalEpochs ? `epoch ${j.epoch ?? 0} / ${j.totalEpochs}` + (j.stepsPerEpoch ? `, step ${j.step ?? 0} / ${j.stepsPerEpoch}` : '') : '–';
    eta.textContent = TERMINAL.has(j.status) ? '–' : duration(j.etaSeconds);
    mount(error, j.error ? problemBox({detail: j.error}) : null);
    const state = j.status + '/' + j.cancelRequested;
    if (state === actionsFor) return; // the buttons are rebuilt only when they change, not at every poll
    actionsFor = state;
    mount(actions,
      j.status === 'SUCCEEDED' ? h('a', {class: 'button', id: 'job-report-link', href: '#/jobs/' + j.id + '/report'}, 'Report and downloads') : null,
      !TERMINAL.has(j.status) ? h('button', {type: 'button', class: 'danger', id: 'job-cancel', disabled: j.cancelRequested, onclick: cancel},
        j.cancelRequested ? 'Cancel requested' : 'Cancel') : null);
  };
  const cancel = async () => {
    if (!confirm('Cancel this job?')) return;
    try {
      show(await api('/v1/jobs/' + id, {method: 'DELETE'}));
    } catch (e) {
      mount(error, problemBox(e instanceof ApiError ? e.problem : {detail: String(e)}));
    }
  };
  const addEpoch = data => {
    if (seenEpochs.has(data.epoch)) return;
    seenEpochs.add(data.epoch);
    const m = data.metrics || {};
    chart.data.labels.push(data.epoch);
    chart.data.datasets[0].data.push(m.train_loss);
    chart.data.datasets[1].data.push(m.test_loss);
    chart.data.datasets[2].data.push(m.train_accuracy);
    chart.data.datasets[3].data.push(m.test_accuracy);
    chart.update();
  };

  mount(main, h('h1', {}, 'Job ', h('span', {class: 'mono'}, id)),
    h('div', {class: 'card'},
      h('p', {}, badge, ' phase ', h('strong', {}, phase), ' · ', epoch, ' · ETA ', eta),
      h('div', {class: 'progress'}, bar, pct), error, actions,
      h('p', {class: 'help'}, 'model ', h('a', {href: '#/models/' + job.modelId, class: 'mono'}, job.modelId.slice(0, 8)),
        ', dataset ', h('a', {href: '#/datasets/' + job.datasetId, class: 'mono'}, job.datasetId.slice(0, 8)),
        ', created ', when(job.createdAt), ', spec ', h('code', {}, JSON.stringify(job.spec)))),
    curves.card,
    h('div', {class: 'card'}, h('h2', {}, 'Events'), h('div', {class: 'events'}, h('table', {id: 'job-events'}, log))));
  show(job);

  let stopped = false;
  const abort = new AbortController();
  let last = 0;
  const onEvent = e => {
    last = e.id ?? last;
    log.prepend(h('tr', {}, h('td', {class: 'mono'}, e.id), h('td', {}, e.type), h('td', {class: 'mono'}, JSON.stringify(e.data))));
    if (e.type === 'EPOCH') addEpoch(e.data);
    if (e.type === 'PHASE') phase.textContent = e.data.phase;
  };
  (async () => {
    while (!stopped) {
      try {
        await stream('/v1/jobs/' + id + '/events', last, onEvent, abort.signal);
      } catch (e) {
        if (stopped) return;
      }
      if (TERMINAL.has(job.status) || stopped) return;
      await new Promise(r => setTimeout(r, 2000)); // the stream ended early (429, network): resume after the last event
    }
  })();
  const poll = async () => {
    if (stopped) return;
    try {
      const res = await getIfChanged('/v1/jobs/' + id, etag);
      etag = res.etag;
      if (res.status !== 304) show(res.body);
    } catch (e) { /* the next poll retries */ }
    if (!TERMINAL.has(job.status) && !stopped) timer = setTimeout(poll, POLL_MS);
  };
  let timer = setTimeout(poll, 0);
  return () => { stopped = true; clearTimeout(timer); abort.abort(); chart.destroy(); };
}
