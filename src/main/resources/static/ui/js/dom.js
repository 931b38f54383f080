// Building DOM without HTML strings: every text goes through textContent, so names and messages
// from the server (model names, file names, problem details) can never become markup.

/** h('td', {class: 'num', dataset: {metric: 'fp32'}}, 'text', childNode, [more]) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** Replaces the contents of el. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function table(headers, rows, attrs = {}) {
  return h('table', attrs,
    h('thead', {}, h('tr', {}, headers.map(x => typeof x === 'string' ? h('th', {}, x) : h('th', x.attrs || {}, x.text)))),
    h('tbody', {}, rows));
}

export function bytes(n) {
  if (n === null || n === undefined) return '';
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KiB';
  return (n / 1024 / 1024).toFixed(2) + ' MiB';
}

export function percent(x) {
  return x === null || x === undefined ? '–' : (x * 100).toFixed(2) + '%';
}

export function shape(s) {
  return '[' + (s || []).map(d => d < 0 ? '?' : d).join(', ') + ']';
}

export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m} min ${s % 60} s` : `${s} s`;
}

/** An RFC 9457 problem as a box: its detail and one line per entry of errors. */
export function problemBox(problem) {
  const errors = (problem && problem.errors) || [];
  return h('div', {class: 'problems', role: 'alert'},
    h('strong', {}, (problem && (problem.detail || problem.title)) || 'Request failed'),
    errors.length ? h('ul', {}, errors.map(e => h('li', {}, h('code', {}, e.field || '(body)'), ': ', e.message))) : null);
}
