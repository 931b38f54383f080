// The dashboard's router: #/login, #/models[/id], #/datasets[/id], #/jobs, #/jobs/new, #/jobs/id, #/jobs/id/report.
import {session} from './api.js';
import {h, mount, problemBox} from './dom.js';
import * as login from './pages/login.js';
import * as models from './pages/models.js';
import * as datasets from './pages/datasets.js';
import * as jobs from './pages/jobs.js';
import * as jobForm from './pages/job-form.js';
import * as job from './pages/job.js';
import * as report from './pages/report.js';

const routes = [
  [/^#\/login$/, login.render],
  [/^#\/models$/, models.list],
  [/^#\/models\/([0-9a-f-]{36})$/, models.detail],
  [/^#\/datasets$/, datasets.list],
  [/^#\/datasets\/([0-9a-f-]{36})$/, datasets.detail],
  [/^#\/jobs$/, jobs.list],
  [/^#\/jobs\/new(?:\?(.*))?$/, jobForm.render],
  [/^#\/jobs\/([0-9a-f-]{36})$/, job.render],
  [/^#\/jobs\/([0-9a-f-]{36})\/report$/, report.render],
];

const main = document.getElementById('main');
let cleanup = null;

async function route() {
  if (cleanup) { try { cleanup(); } catch (e) { /* the old page is gone anyway */ } cleanup = null; }
  const loggedIn = !!session.key();
  document.getElementById('nav').hidden = !loggedIn;
  document.getElementById('logout').hidden = !loggedIn;
  let hash = location.hash || '#/models';
  if (!loggedIn && hash !== '#/login') {
    sessionStorage.setItem('qforge.after', hash);
    location.replace('#/login');
    return;
  }
  for (const [pattern, page] of routes) {
    const m = hash.match(pattern);
    if (m) {
      mount(main, h('p', {class: 'muted'}, 'Loading…'));
      try {
        cleanup = await page(main, ...m.slice(1)) || null;
      } catch (e) {
        mount(main, h('h1', {}, 'Something went wrong'), problemBox(e.problem || {detail: String(e.message || e)}));
      }
      document.body.dataset.page = hash.replace(/[0-9a-f-]{36}/g, ':id');
      return;
    }
  }
  mount(main, h('h1', {}, 'Not found'), h('p', {}, 'No page at ', h('code', {}, hash)));
}

document.getElementById('logout').addEventListener('click', () => {
  session.clear();
  location.hash = '#/login';
});
window.addEventListener('qforge:logged-out', () => { if (location.hash !== '#/login') location.hash = '#/login'; });
window.addEventListener('hashchange', route);
route();
