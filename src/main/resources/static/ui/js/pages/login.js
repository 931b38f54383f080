import {api, session, ApiError} from '../api.js';
import {h, mount, problemBox} from '../dom.js';

/** The key is checked with one request, then kept in sessionStorage (this tab only). */
export async function render(main) {
  const key = h('input', {type: 'password', id: 'api-key', autocomplete: 'off', placeholder: 'qf_…', required: true});
  const out = h('div', {id: 'login-result'});
  const form = h('form', {class: 'card login', id: 'login-form'},
    h('h1', {}, 'qforge dashboard'),
    h('p', {}, 'Enter your API key (printed by the service on its first start, or made with the admin API). ',
      'It is kept in this tab\'s session storage and sent as an Authorization header; close the tab or log out to forget it.'),
    h('label', {for: 'api-key'}, 'API key'), key,
    h('button', {type: 'submit', id: 'login'}, 'Log in'), out);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    session.set(key.value.trim());
    try {
      await api('/v1/models?size=1');
      const after = sessionStorage.getItem('qforge.after');
      sessionStorage.removeItem('qforge.after');
      location.hash = after && after !== '#/login' ? after : '#/models';
    } catch (e) {
      session.clear();
      mount(out, problemBox(e instanceof ApiError ? e.problem : {detail: String(e)}));
    }
  });
  mount(main, form);
  key.focus();
}
