// The API client: the key lives in sessionStorage only and goes in an Authorization header,
// never in a URL or a cookie.
const KEY = 'qforge.apiKey';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  set: key => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || ('HTTP ' + status));
    this.status = status;
    this.problem = problem || {title: 'HTTP ' + status, status};
  }
}

function authHeaders(extra) {
  const headers = new Headers(extra || {});
  const key = session.key();
  if (key) headers.set('Authorization', 'Bearer ' + key);
  return headers;
}

async function fail(res) {
  let problem;
  try { problem = await res.json(); } catch (e) { problem = {title: res.statusText || ('HTTP ' + res.status), status: res.status}; }
  if (res.status === 401) {
    session.clear();
    window.dispatchEvent(new CustomEvent('qforge:logged-out', {detail: problem}));
  }
  throw new ApiError(res.status, problem);
}

/** JSON request; resolves to the parsed body (null for 204), rejects with ApiError carrying the problem. */
export async function api(path, {method = 'GET', json, body, headers} = {}) {
  const h = authHeaders(headers);
  if (json !== undefined) {
    h.set('Content-Type', 'application/json');
    body = JSON.stringify(json);
  }
  const res = await fetch(path, {method, headers: h, body, cache: 'no-store'});
  if (!res.ok) await fail(res);
  return res.status === 204 ? null : res.json();
}

/** GET with If-None-Match: {status: 304} while unchanged, else {status, etag, body}. */
export async function getIfChanged(path, etag) {
  const h = authHeaders();
  if (etag) h.set('If-None-Match', etag);
  const res = await fetch(path, {headers: h, cache: 'no-store'});
  if (res.status === 304) return {status: 304, etag};
  if (!res.ok) await fail(res);
  return {status: res.status, etag: res.headers.get('ETag'), body: await res.json()};
}

/** Multipart upload of one file (part "file") and an optional name. */
export async function upload(path, file, name) {
  const form = new FormData();
  if (name) form.append('name', name);
  form.append('file', file, file.name);
  const res = await fetch(path, {method: 'POST', headers: authHeaders(), body: form});
  if (!res.ok) await fail(res);
  return res.json();
}

/** Downloads path with the key and hands it to the browser as a file named name. */
export async function download(path, name) {
  const res = await fetch(path, {headers: authHeaders(), cache: 'no-store'});
  if (!res.ok) await fail(res);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return blob.size;
}

/**
 * Follows a text/event-stream with fetch (EventSource cannot send the Authorization header):
 * calls onEvent({id, type, data}) for each event; resolves when the server ends the stream.
 */
export async function stream(path, afterId, onEvent, signal) {
  const h = authHeaders({'Accept': 'text/event-stream'});
  if (afterId) h.set('Last-Event-ID', String(afterId));
  const res = await fetch(path, {headers: h, cache: 'no-store', signal});
  if (!res.ok) await fail(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const {value, done} = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = {id: null, type: 'message', data: ''};
      const data = [];
      for (const line of block.split('\n')) {
        if (!line || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let val = colon < 0 ? '' : line.slice(colon + 1);
        if (val.startsWith(' ')) val = val.slice(1);
        if (field === 'id') event.id = Number(val);
        else if (field === 'event') event.type = val;
        else if (field === 'data') data.push(val);
      }
      if (data.length) {
        event.data = JSON.parse(data.join('\n'));
        onEvent(event);
      }
    }
  }
}
