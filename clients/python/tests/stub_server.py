"""A scripted HTTP server on 127.0.0.1 for the client's unit tests: each request is answered by
the next function queued for its path, and recorded (method, path, headers, body). It stands in for
the service only where the real one cannot be made to misbehave on cue (429, a dropped stream)."""

import collections
import http.server
import threading


class StubServer:
    def __init__(self):
        self.script = collections.defaultdict(collections.deque)
        self.requests = []
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                stub.requests.append((self.command, self.path, dict(self.headers), body))
                queue = stub.script[(self.command, self.path.split("?")[0])]
                if not queue:
                    self.send_error(599, "nothing scripted for %s %s" % (self.command, self.path))
                    return
                queue.popleft()(self)

            do_GET = do_POST = do_DELETE = _handle

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def on(self, method, path, *answers):
        self.script[(method, path)].extend(answers)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def answer(status, body=b"", content_type="application/json", headers=None):
    if isinstance(body, str):
        body = body.encode("utf-8")

    def respond(handler):
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            handler.send_header(k, v)
        handler.end_headers()
        handler.wfile.write(body)
    return respond


def event_stream(*events, drop=False):
    """An SSE answer of ``(id, type, data)`` events; with ``drop`` the connection is cut mid-event afterwards."""
    def respond(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(b":keep-alive\n\n")
        for i, kind, data in events:
            handler.wfile.write(("id:%d\nevent:%s\ndata:%s\n\n" % (i, kind, data)).encode())
        if drop:
            handler.wfile.write(b"id:99\nevent:EPOCH\ndata:{\"half")
        handler.wfile.flush()
        handler.close_connection = True
    return respond
