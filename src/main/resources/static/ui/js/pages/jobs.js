import {api} from '../api.js';
import {h, mount, when} from '../dom.js';

export async function list(main) {
  const page = await api('/v1/jobs?size=100');
  mount(main, h('h1', {}, 'Jobs'),
    h('p', {}, h('a', {class: 'button', href: '#/jobs/new'}, 'New job')),
    h('table', {id: 'jobs'},
      h('thead', {}, h('tr', {}, ['job', 'status', 'phase', 'progress', 'bits (w/a)', 'epochs', 'created', ''].map(x => h('th', {}, x)))),
      h('tbody', {}, page.items.length ? page.items.map(j => h('tr', {dataset: {id: j.id}},
        h('td', {class: 'mono'}, h('a', {href: '#/jobs/' + j.id}, j.id.slice(0, 8))),
        h('td', {}, h('span', {class: 'badge ' + j.status}, j.status)),
        h('td', {}, j.phase || ''),
        h('td', {class: 'num'}, j.percent.toFixed(1) + '%'),
        h('td', {}, j.spec.weightBits + ' / ' + j.spec.activationBits),
        h('td', {class: 'num'}, j.spec.epochs),
        h('td', {}, when(j.createdAt)),
        h('td', {}, j.status === 'SUCCEEDED' ? h('a', {href: '#/jobs/' + j.id + '/report'}, 'report') : '')))
        : h('tr', {}, h('td', {colspan: 8, class: 'muted'}, 'No jobs yet.')))));
}
