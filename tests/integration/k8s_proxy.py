#!/usr/bin/env python3
"""Two helpers for the Kubernetes integration tests, one process each.

proxy: plain HTTP on 127.0.0.1:PORT in front of the real kube-apiserver
(HTTPS), forwarding every request as it is, streamed, unless the control
file (JSON, read again for each request and every 0.1 s by a stream) says:

  {"mode": "pass" | "401" | "500" | "hang" | "garbage" | "gone" | "refuse",
   "cut": N,          # when N changes, every open watch is cut
   "gone_once": N,    # when N changes, the next watch whose path has
                      # gone_match ("/pods?") in it gets 410 Gone
   "metrics": {...},  # a metrics-server: discovery, and this as pods
   "node_metrics": {...}}

  401, 500, hang, garbage: every request gets that (garbage: 200 and a body
  that is not JSON); gone: every watch gets 410 Gone as its first event;
  refuse: watches get 503, lists pass.
Each request is appended to the log file as one line: METHOD PATH.

kubelet: HTTPS on 127.0.0.1:PORT with a self-signed certificate, serving
/containerLogs/NS/POD/CONTAINER the way a kubelet does to the API server,
from a script file (JSON) keyed "NS/POD/CONTAINER":
  {"current": [lines], "previous": [lines], "flood": N, "follow_s": S}
flood: N more numbered lines as fast as the reader takes them; follow_s: a
followed stream stays open that long after its lines.

  k8s_proxy.py proxy PORT UPSTREAM CAFILE CONTROL LOG
  k8s_proxy.py kubelet PORT CERT KEY SCRIPT
"""

import http.client
import http.server
import json
import os
import socket
import socketserver
import ssl
import sys
import threading
import time
import urllib.parse

GONE = (b'{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1",'
        b'"metadata":{},"status":"Failure","message":"too old resource '
        b'version: 1 (2)","reason":"Expired","code":410}}\n')


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = None
    context = None
    control = None
    log = None
    gone_seen = None

    def log_message(self, fmt, *args):
        pass

    def note(self):
        with open(self.log, "a", encoding="utf-8") as f:
            f.write("%s %s\n" % (self.command, self.path))

    def reply(self, status, body, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def status(self, code, reason, message):
        body = json.dumps({"kind": "Status", "apiVersion": "v1",
                           "metadata": {}, "status": "Failure",
                           "message": message, "reason": reason,
                           "code": code}).encode()
        self.reply(code, body)

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def handle_any(self):
        self.note()
        ctl = read_json(self.control)
        mode = ctl.get("mode", "pass")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        watch = query.get("watch", ["0"])[0] in ("1", "true")
        if mode == "401":
            self.status(401, "Unauthorized", "Unauthorized")
            return
        if mode == "500":
            self.status(500, "InternalError",
                        "Internal error occurred: etcdserver: leader "
                        "changed")
            return
        if mode == "hang":
            time.sleep(3600)
            return
        if mode == "garbage":
            self.reply(200, b'{"kind":"PodList","items":[{"metadata":',
                       "application/json")
            return
        if mode == "refuse" and watch:
            self.status(503, "ServiceUnavailable", "watches are off")
            return
        if self.path.startswith("/apis/metrics.k8s.io/") and "metrics" in ctl:
            self.metrics(ctl)
            return
        once = (ctl.get("gone_once", 0) != Proxy.gone_seen[0] and
                ctl.get("gone_match", "/pods?") in self.path)
        if watch and (mode == "gone" or once):
            Proxy.gone_seen[0] = ctl.get("gone_once", 0)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.chunk(GONE)
            self.wfile.write(b"0\r\n\r\n")
            return
        self.forward(watch, ctl.get("cut", 0))

    def metrics(self, ctl):
        """A metrics-server's answers: discovery, pods, nodes."""
        path = urllib.parse.urlsplit(self.path).path
        if path == "/apis/metrics.k8s.io/v1beta1":
            self.reply(200, json.dumps({
                "kind": "APIResourceList", "apiVersion": "v1",
                "groupVersion": "metrics.k8s.io/v1beta1",
                "resources": [{"name": "pods", "namespaced": True,
                               "kind": "PodMetrics", "verbs": ["get",
                                                               "list"]},
                              {"name": "nodes", "namespaced": False,
                               "kind": "NodeMetrics", "verbs": ["get",
                                                                "list"]}]
            }).encode())
        elif path.endswith("/pods"):
            self.reply(200, json.dumps(ctl["metrics"]).encode())
        elif path.endswith("/nodes"):
            self.reply(200, json.dumps(ctl.get("node_metrics", {
                "kind": "NodeMetricsList", "apiVersion":
                "metrics.k8s.io/v1beta1", "items": []})).encode())
        else:
            self.status(404, "NotFound", "the server could not find the "
                        "requested resource")

    def forward(self, watch, cut):
        length = int(self.headers.get("Content-Length", "0") or 0)
        body = self.rfile.read(length) if length else None
        conn = http.client.HTTPSConnection(self.upstream, context=self.context,
                                           timeout=3600)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("host", "connection",
                                        "accept-encoding")}
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "content-length",
                                 "connection"):
                self.send_header(k, v)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        stop = threading.Event()
        if watch:
            threading.Thread(target=self.cutter, args=(cut, conn, stop),
                             daemon=True).start()
        try:
            while True:
                data = resp.read1(65536)
                if not data:
                    break
                self.chunk(data)
            self.wfile.write(b"0\r\n\r\n")
        except (OSError, http.client.HTTPException):
            self.close_connection = True
        finally:
            stop.set()
            conn.close()

    def cutter(self, cut, conn, stop):
        """Cuts this watch mid-stream, both ways, once "cut" changes: no
        last chunk, the connection drops."""
        while not stop.wait(0.1):
            if read_json(self.control).get("cut", 0) == cut:
                continue
            for s in (self.connection, conn.sock):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except (OSError, AttributeError):
                    pass
            return

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


class Kubelet(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    script = None

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        parts = url.path.split("/")
        if len(parts) != 5 or parts[1] != "containerLogs":
            self.send_error(404)
            return
        key = "/".join(parts[2:5])
        entry = read_json(self.script).get(key)
        if entry is None:
            self.send_error(404, "no such container")
            return
        previous = query.get("previous", ["false"])[0] == "true"
        follow = query.get("follow", ["false"])[0] == "true"
        lines = entry.get("previous" if previous else "current", [])
        if previous and not lines:
            self.send_response(400)
            self.end_headers()
            return
        tail = int(query.get("tailLines", ["-1"])[0])
        if tail >= 0:
            lines = lines[-tail:] if tail else []
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for line in lines:
                self.chunk(line.encode("utf-8", "surrogateescape") + b"\n")
            n = entry.get("flood", 0) if not previous else 0
            batch = []
            for i in range(n):
                batch.append(b"flood line %d of %d" % (i + 1, n))
                if len(batch) == 200:
                    self.chunk(b"\n".join(batch) + b"\n")
                    batch = []
            if batch:
                self.chunk(b"\n".join(batch) + b"\n")
            if follow:
                time.sleep(entry.get("follow_s", 0))
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()


def main():
    if len(sys.argv) == 7 and sys.argv[1] == "proxy":
        port, upstream, ca, control, log = sys.argv[2:]
        Proxy.upstream = urllib.parse.urlsplit(upstream).netloc
        Proxy.context = ssl.create_default_context(cafile=ca)
        Proxy.control = control
        Proxy.log = log
        Proxy.gone_seen = [read_json(control).get("gone_once", 0)]
        Server(("127.0.0.1", int(port)), Proxy).serve_forever()
    elif len(sys.argv) == 6 and sys.argv[1] == "kubelet":
        port, cert, key, script = sys.argv[2:]
        Kubelet.script = script
        srv = Server(("127.0.0.1", int(port)), Kubelet)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
        srv.serve_forever()
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
