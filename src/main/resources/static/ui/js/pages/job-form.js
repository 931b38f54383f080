// The job form, built from GET /v1/job-spec (the table the server validates with): every field with
// its default and allowed range. Each change is checked with POST /v1/job-spec/check (spec values and
// the pairing of model and dataset) and the problems are shown next to their fields before submit.
import {api, ApiError} from '../api.js';
import {h, mount, problemBox} from '../dom.js';

function allowed(f) {
  if (f.enum) return 'one of ' + f.enum.join(', ');
  if (f.type === 'boolean') return 'true or false';
  if (f.minimum === undefined) return f.type === 'integer' ? 'any integer' : 'any number';
  return f.minimum + (f.exclusiveMinimum ? ' < ' : ' ≤ ') + f.name + (f.exclusiveMaximum ? ' < ' : ' ≤ ') + f.maximum;
}

function input(f) {
  const id = 'spec-' + f.name;
  if (f.enum) {
    return h('select', {id, name: f.name}, f.enum.map(v => h('option', {value: v, selected: v === f.default}, v)));
  }
  if (f.type === 'boolean') return h('input', {type: 'checkbox', id, name: f.name, checked: f.default === true});
  const attrs = {type: 'number', id, name: f.name, value: String(f.default), step: f.type === 'integer' ? '1' : 'any'};
  if (f.minimum !== undefined && !f.exclusiveMinimum) attrs.min = String(f.minimum);
  if (f.maximum !== undefined && !f.exclusiveMaximum) attrs.max = String(f.maximum);
  return h('input', attrs);
}

/** The value to send, or undefined to leave the field out (the server applies its default). */
function value(f, el) {
  if (f.enum) return el.value;
  if (f.type === 'boolean') return el.checked;
  if (el.value.trim() === '') return undefined;
  return Number(el.value);
}

/** One key per submit: a retried POST (double click, flaky network) returns the same job. */
function idempotencyKey() {
  return 'ui-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12);
}

export async function render(main, query) {
  const params = new URLSearchParams(query || '');
  const [spec, models, datasets] = await Promise.all([
    api('/v1/job-spec'), api('/v1/models?size=200'), api('/v1/datasets?size=200')]);
  const model = h('select', {id: 'job-model', name: 'modelId'},
    models.items.map(m => h('option', {value: m.id, selected: m.id === params.get('model')}, m.name + ' (' + m.id.slice(0, 8) + ')')));
  const dataset = h('select', {id: 'job-dataset', name: 'datasetId'},
    datasets.items.map(d => h('option', {value: d.id, selected: d.id === params.get('dataset')}, d.name + ' (' + d.id.slice(0, 8) + ')')));
  const errorSlots = {modelId: h('div', {class: 'field-error', id: 'error-modelId'}),
    datasetId: h('div', {class: 'field-error', id: 'error-datasetId'})};
  const inputs = {};
  const rows = spec.fields.map(f => {
    inputs[f.name] = input(f);
    errorSlots['spec.' + f.name] = h('div', {class: 'field-error', id: 'error-spec-' + f.name});
    return h('tr', {},
      h('td', {}, h('label', {for: 'spec-' + f.name}, f.name)),
      h('td', {}, inputs[f.name], errorSlots['spec.' + f.name]),
      h('td', {class: 'help'}, f.description, h('br'), 'default ', h('code', {}, String(f.default)), '; allowed: ', allowed(f)));
  });
  const status = h('div', {id: 'job-check'});
  const submit = h('button', {type: 'submit', id: 'job-submit', disabled: true}, 'Start job');
  const form = h('form', {id: 'job-form'},
    h('div', {class: 'card'}, h('h2', {}, 'Model and dataset'),
      h('table', {class: 'spec'}, h('tbody', {},
        h('tr', {}, h('td', {}, h('label', {for: 'job-model'}, 'model')), h('td', {}, model, errorSlots.modelId)),
        h('tr', {}, h('td', {}, h('label', {for: 'job-dataset'}, 'dataset')), h('td', {}, dataset, errorSlots.datasetId))))),
    h('div', {class: 'card'}, h('h2', {}, 'Spec'), h('table', {class: 'spec', id: 'job-spec-fields'},
      h('thead', {}, h('tr', {}, h('th', {}, 'field'), h('th', {}, 'value'), h('th', {}, 'default and range'))),
      h('tbody', {}, rows))),
    status, submit);

  const body = () => {
    const s = {};
    for (const f of spec.fields) {
      const v = value(f, inputs[f.name]);
      if (v !== undefined) s[f.name] = v;
    }
    return {modelId: model.value, datasetId: dataset.value, spec: s};
  };

  let seq = 0;
  const check = async () => {
    const mine = ++seq;
    submit.disabled = true;
    Object.values(errorSlots).forEach(el => el.replaceChildren());
    if (!model.value || !dataset.value) {
      mount(status, problemBox({detail: 'Upload a model and a dataset first.'}));
      return;
    }
    try {
      await api('/v1/job-spec/check', {method: 'POST', json: body()});
      if (mine !== seq) return;
      mount(status, h('p', {class: 'ok', id: 'job-check-ok'}, 'The model and dataset fit and the spec is valid.'));
      submit.disabled = false;
    } catch (e) {
      if (mine !== seq) return;
      const problem = e instanceof ApiError ? e.problem : {detail: String(e)};
      const general = [];
      for (const err of problem.errors || []) {
        const slot = errorSlots[err.field];
        if (slot) slot.appendChild(h('div', {}, err.message));
        else general.push(err);
      }
      mount(status, problemBox(Object.assign({}, problem, {errors: general.length ? general : problem.errors})));
    }
  };
  let timer = null;
  const later = () => { clearTimeout(timer); timer = setTimeout(check, 250); };
  form.addEventListener('input', later);
  form.addEventListener('change', later);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    submit.disabled = true;
    try {
      const job = await api('/v1/jobs', {method: 'POST', json: body(), headers: {'Idempotency-Key': idempotencyKey()}});
      location.hash = '#/jobs/' + job.id;
    } catch (e) {
      mount(status, problemBox(e instanceof ApiError ? e.problem : {detail: String(e)}));
      submit.disabled = false;
    }
  });
  mount(main, h('h1', {}, 'New QAT job'), form);
  await check();
  return () => clearTimeout(timer);
}
