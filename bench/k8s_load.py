#!/usr/bin/env python3
"""The load of bench/k8s_scale.sh, against a control plane of scripts/k8s-up
(its env file gives the URL, CA and admin token):

  k8s_load.py create ENV NAMESPACES PODS
      creates NAMESPACES namespaces (bench-000, ...) and PODS pods spread
      over them, straight through the API (16 connections at a time; no
      scheduler, so they stay Pending); waits for each namespace's default
      service account first. Prints the seconds it took.
  k8s_load.py churn ENV PODS PER_MINUTE
      replaces PER_MINUTE pods a minute (one deleted, one created, evenly
      spread) among the pods of the bench namespaces, until killed.
  k8s_load.py count PORT UPSTREAM_PORT FILE
      a TCP proxy on 127.0.0.1:PORT to 127.0.0.1:UPSTREAM_PORT that passes
      TLS through untouched and writes the bytes it has carried from the
      server to the client into FILE, once a second.
"""

import asyncio
import os
import http.client
import json
import random
import ssl
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor


def read_env(path):
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            env[k] = v.strip("'")
    return env


class Api:
    """One keep-alive connection per thread."""

    def __init__(self, env):
        url = urllib.parse.urlsplit(env["K8S_URL"])
        self.host = url.hostname
        self.port = url.port
        self.ctx = ssl.create_default_context(cafile=env["K8S_CA"])
        self.token = env["K8S_ADMIN_TOKEN"]
        self.local = threading.local()

    def call(self, method, path, body=None, ok=(200, 201, 202)):
        for _ in range(5):
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = http.client.HTTPSConnection(self.host, self.port,
                                                   context=self.ctx,
                                                   timeout=30)
                self.local.conn = conn
            try:
                conn.request(method, path, body=json.dumps(body) if body
                             else None,
                             headers={"Authorization": "Bearer " + self.token,
                                      "Content-Type": "application/json"})
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException):
                self.local.conn = None
                time.sleep(0.2)
                continue
            if resp.status in ok:
                return json.loads(data) if data else None
            if resp.status in (409, 429, 500, 503):
                time.sleep(0.2)
                continue
            raise RuntimeError("%s %s: %d %s" % (method, path, resp.status,
                                                 data[:200]))
        raise RuntimeError("%s %s: gave up" % (method, path))


def pod(name):
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "labels": {"app": "bench"}},
            "spec": {"containers": [{
                "name": "app", "image": "registry.k8s.io/pause:3.10",
                "resources": {"limits": {"cpu": "100m", "memory": "64Mi"}}}]}}


def namespaces(n):
    return ["bench-%03d" % i for i in range(n)]


def create(env, n_ns, n_pods):
    api = Api(env)
    t0 = time.time()
    for ns in namespaces(n_ns):
        api.call("POST", "/api/v1/namespaces",
                 {"apiVersion": "v1", "kind": "Namespace",
                  "metadata": {"name": ns}}, ok=(200, 201, 409))
    for ns in namespaces(n_ns):
        while True:
            try:
                api.call("GET", "/api/v1/namespaces/%s/serviceaccounts/"
                         "default" % ns)
                break
            except RuntimeError:
                time.sleep(0.2)
    jobs = [(namespaces(n_ns)[i % n_ns], "pod-%05d" % i)
            for i in range(n_pods)]
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda j: api.call(
            "POST", "/api/v1/namespaces/%s/pods" % j[0], pod(j[1])), jobs))
    print("%.1f" % (time.time() - t0))


def churn(env, n_pods, per_minute):
    api = Api(env)
    nss = sorted({"bench-%03d" % i for i in range(100)})
    alive = []
    for ns in nss:
        lst = api.call("GET", "/api/v1/namespaces/%s/pods" % ns)
        alive += [(ns, p["metadata"]["name"]) for p in lst["items"]]
    seq = 0
    gap = 60.0 / per_minute
    while True:
        t0 = time.time()
        i = random.randrange(len(alive))
        ns, name = alive[i]
        api.call("DELETE", "/api/v1/namespaces/%s/pods/%s" % (ns, name),
                 ok=(200, 202, 404))
        new = "churn-%06d" % seq
        seq += 1
        api.call("POST", "/api/v1/namespaces/%s/pods" % ns, pod(new))
        alive[i] = (ns, new)
        time.sleep(max(0.0, gap - (time.time() - t0)))


def count(port, upstream, path):
    total = [0]

    async def pipe(reader, writer, counted):
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                if counted:
                    total[0] += len(data)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def handle(creader, cwriter):
        try:
            sreader, swriter = await asyncio.open_connection("127.0.0.1",
                                                             upstream)
        except OSError:
            cwriter.close()
            return
        await asyncio.gather(pipe(creader, swriter, False),
                             pipe(sreader, cwriter, True))

    async def report():
        while True:
            with open(path + ".new", "w", encoding="utf-8") as f:
                f.write("%d\n" % total[0])
            os.replace(path + ".new", path)
            await asyncio.sleep(1)

    async def main():
        srv = await asyncio.start_server(handle, "127.0.0.1", port)
        asyncio.ensure_future(report())
        async with srv:
            await srv.serve_forever()

    asyncio.run(main())


if __name__ == "__main__":
    a = sys.argv
    if len(a) == 5 and a[1] == "create":
        create(read_env(a[2]), int(a[3]), int(a[4]))
    elif len(a) == 5 and a[1] == "churn":
        churn(read_env(a[2]), int(a[3]), int(a[4]))
    elif len(a) == 5 and a[1] == "count":
        count(int(a[2]), int(a[3]), a[4])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)
