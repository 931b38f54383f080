import {api} from '../api.js';
import {h, mount, table, bytes, shape, when} from '../dom.js';
import {uploadForm} from './upload-form.js';

export async function list(main) {
  const rows = h('tbody');
  const refresh = async () => {
    const page = await api('/v1/datasets?size=200');
    mount(rows, page.items.length ? page.items.map(d => h('tr', {dataset: {id: d.id}},
      h('td', {}, h('a', {href: '#/datasets/' + d.id}, d.name)),
      h('td', {class: 'num'}, bytes(d.size)),
      h('td', {class: 'mono'}, shape(d.sampleShape)),
      h('td', {class: 'num'}, d.classes),
      h('td', {class: 'num'}, d.trainSamples + ' / ' + d.testSamples),
      h('td', {}, when(d.createdAt)))) : h('tr', {}, h('td', {colspan: 6, class: 'muted'}, 'No datasets yet.')));
  };
  mount(main, h('h1', {}, 'Datasets'),
    h('h2', {}, 'Upload a dataset (.npz with x_train, y_train, x_test, y_test)'),
    uploadForm('dataset-upload', '/v1/datasets', '.npz', refresh),
    h('table', {id: 'datasets'}, h('thead', {}, h('tr', {}, ['name', 'size', 'sample shape', 'classes', 'train / test', 'uploaded']
      .map(x => h('th', {}, x)))), rows));
  await refresh();
}

export async function detail(main, id) {
  const d = await api('/v1/datasets/' + id);
  mount(main, h('h1', {id: 'dataset-name'}, d.name),
    h('div', {class: 'card'}, h('dl', {class: 'kv'},
      h('dt', {}, 'id'), h('dd', {class: 'mono'}, d.id),
      h('dt', {}, 'format'), h('dd', {}, d.format),
      h('dt', {}, 'size'), h('dd', {}, bytes(d.size)),
      h('dt', {}, 'SHA-256'), h('dd', {class: 'mono'}, d.sha256),
      h('dt', {}, 'sample shape'), h('dd', {class: 'mono', id: 'dataset-sample-shape'}, shape(d.sampleShape)),
      h('dt', {}, 'classes'), h('dd', {id: 'dataset-classes'}, d.classes),
      h('dt', {}, 'train samples'), h('dd', {}, d.trainSamples),
      h('dt', {}, 'test samples'), h('dd', {}, d.testSamples),
      h('dt', {}, 'uploaded'), h('dd', {}, when(d.createdAt)))),
    h('div', {class: 'card'}, h('h2', {}, 'Arrays'), table(['name', 'dtype', 'shape'], d.arrays.map(a => h('tr', {},
      h('td', {}, a.name), h('td', {}, a.dtype), h('td', {class: 'mono'}, shape(a.shape)))), {id: 'dataset-arrays'})),
    h('p', {}, h('a', {class: 'button', href: '#/jobs/new?dataset=' + d.id}, 'New job with this dataset')));
}
