import {upload, ApiError} from '../api.js';
import {h, mount, problemBox} from '../dom.js';

/** A file + optional name form posting to path; shows the upload's problems inline, calls done(created). */
export function uploadForm(id, path, accept, done) {
  const file = h('input', {type: 'file', id: id + '-file', accept, required: true});
  const name = h('input', {type: 'text', id: id + '-name', placeholder: 'name (default: the file name)'});
  const button = h('button', {type: 'submit', id: id + '-submit'}, 'Upload');
  const out = h('div', {id: id + '-result'});
  const form = h('form', {class: 'inline', id}, file, name, button);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    if (!file.files.length) return;
    button.disabled = true;
    mount(out, h('p', {class: 'muted'}, 'Uploading and checking ', file.files[0].name, '…'));
    try {
      const created = await upload(path, file.files[0], name.value.trim());
      mount(out, h('p', {class: 'ok'}, 'Stored ', h('strong', {}, created.name), '.'));
      form.reset();
      done(created);
    } catch (e) {
      mount(out, problemBox(e instanceof ApiError ? e.problem : {detail: String(e)}));
    } finally {
      button.disabled = false;
    }
  });
  return h('div', {class: 'card'}, form, out);
}
