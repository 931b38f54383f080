import {api} from '../api.js';
import {h, mount, table, bytes, shape, when} from '../dom.js';
import {uploadForm} from './upload-form.js';

export async function list(main) {
  const rows = h('tbody');
  const refresh = async () => {
    const page = await api('/v1/models?size=200');
    mount(rows, page.items.length ? page.items.map(m => h('tr', {dataset: {id: m.id}},
      h('td', {}, h('a', {href: '#/models/' + m.id}, m.name)),
      h('td', {class: 'num'}, bytes(m.size)),
      h('td', {class: 'num'}, m.parameters.toLocaleString()),
      h('td', {class: 'num'}, m.opset),
      h('td', {}, Object.keys(m.ops).length + ' op types'),
      h('td', {}, when(m.createdAt)))) : h('tr', {}, h('td', {colspan: 6, class: 'muted'}, 'No models yet.')));
  };
  mount(main, h('h1', {}, 'Models'),
    h('h2', {}, 'Upload an ONNX model'),
    uploadForm('model-upload', '/v1/models', '.onnx', refresh),
    h('table', {id: 'models'}, h('thead', {}, h('tr', {}, ['name', 'size', 'parameters', 'opset', 'ops', 'uploaded']
      .map(x => h('th', {}, x)))), rows));
  await refresh();
}

export async function detail(main, id) {
  const m = await api('/v1/models/' + id);
  const tensors = list => table(['name', 'type', 'shape'], list.map(t => h('tr', {},
    h('td', {}, t.name), h('td', {}, t.type), h('td', {class: 'mono'}, shape(t.shape)))));
  mount(main, h('h1', {id: 'model-name'}, m.name),
    h('div', {class: 'card'}, h('dl', {class: 'kv'},
      h('dt', {}, 'id'), h('dd', {class: 'mono'}, m.id),
      h('dt', {}, 'size'), h('dd', {}, bytes(m.size)),
      h('dt', {}, 'SHA-256'), h('dd', {class: 'mono'}, m.sha256),
      h('dt', {}, 'parameters'), h('dd', {id: 'model-parameters'}, m.parameters.toLocaleString()),
      h('dt', {}, 'opset'), h('dd', {}, m.opset),
      h('dt', {}, 'uploaded'), h('dd', {}, when(m.createdAt)))),
    h('div', {class: 'grid2'},
      h('div', {class: 'card'}, h('h2', {}, 'Inputs'), tensors(m.inputs), h('h2', {}, 'Outputs'), tensors(m.outputs)),
      h('div', {class: 'card'}, h('h2', {}, 'Ops'), table(['op type', {text: 'nodes', attrs: {class: 'num'}}],
        Object.entries(m.ops).sort((a, b) => b[1] - a[1]).map(([op, n]) => h('tr', {}, h('td', {}, op), h('td', {class: 'num'}, n))),
        {id: 'model-ops'}))),
    h('p', {}, h('a', {class: 'button', href: '#/jobs/new?model=' + m.id}, 'New job with this model')));
}
