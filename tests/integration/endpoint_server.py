#!/usr/bin/env python3
"""A small HTTP (or, with --tls CERT KEY, HTTPS) server on 127.0.0.1 for
the endpoint check's tests. Paths:

  /ok        200 "ok"
  /down      503 "upstream unavailable"
  /degraded  200 "status: degraded"
  /slow      200 "ok" after 1.5 s
  /hang      accepts and never answers
  /redirect  302 to /ok

  endpoint_server.py PORT [--tls CERT KEY]

Writes nothing to stdout; the test waits for the port."""

import http.server
import socketserver
import ssl
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):
    def reply(self, status, body, headers=()):
        data = body.encode()
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/ok":
            self.reply(200, "ok")
        elif self.path == "/down":
            self.reply(503, "upstream unavailable")
        elif self.path == "/degraded":
            self.reply(200, "status: degraded")
        elif self.path == "/slow":
            time.sleep(1.5)
            self.reply(200, "ok")
        elif self.path == "/hang":
            time.sleep(3600)
        elif self.path == "/redirect":
            self.reply(302, "", [("Location", "/ok")])
        else:
            self.reply(404, "no such path")

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    port = int(sys.argv[1])
    srv = Server(("127.0.0.1", port), Handler)
    if len(sys.argv) == 5 and sys.argv[2] == "--tls":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[3], sys.argv[4])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
