"""Helpers of the end-to-end tests: free ports, Python stubs generated from
our proto, dyadtoned processes, the throwaway PostgreSQL clusters of
scripts/postgres-test-cluster.sh, synthetic articles, and the check that a
store holds every acknowledged article exactly once with exact rollups.

Python's grpcio and grpc_tools are Debian's (python3-grpcio,
python3-grpc-tools), under /usr/bin/python3.
"""

import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def generate_stubs(out_dir, repo):
    """Python stubs for our API and the standard health service, importable
    as dyadtone.v1.tone_service_pb2(_grpc), dyadtone.v1.admin_service_pb2
    (_grpc) and health_check.health_pb2(_grpc) once this returns."""
    from grpc_tools import protoc  # Debian: python3-grpc-tools
    import grpc_tools
    include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    # The health proto under another module path: "grpc" is grpcio's own
    # package name.
    health_dir = os.path.join(out_dir, "protos")
    os.makedirs(os.path.join(health_dir, "health_check"), exist_ok=True)
    with open("/usr/share/grpc-proto/grpc/health/v1/health.proto") as src, \
            open(os.path.join(health_dir, "health_check", "health.proto"),
                 "w") as dst:
        dst.write(src.read())
    ours = os.path.join(repo, "proto")
    protos = [(ours, "dyadtone/v1/" + name) for name in
              sorted(os.listdir(os.path.join(ours, "dyadtone", "v1")))
              if name.endswith(".proto")]
    for proto_path, proto in protos + [
            (health_dir, "health_check/health.proto")]:
        rc = protoc.main(["protoc", "-I" + proto_path, "-I" + include,
                          "--python_out=" + out_dir,
                          "--grpc_python_out=" + out_dir,
                          os.path.join(proto_path, proto)])
        if rc != 0:
            raise RuntimeError("protoc failed for " + proto)
    sys.path.insert(0, out_dir)


class Api:
    """The generated modules, after generate_stubs()."""

    def __init__(self):
        import grpc
        from dyadtone.v1 import tone_service_pb2, tone_service_pb2_grpc
        from health_check import health_pb2, health_pb2_grpc
        self.grpc = grpc
        self.pb, self.pb_grpc = tone_service_pb2, tone_service_pb2_grpc
        self.health_pb, self.health_grpc = health_pb2, health_pb2_grpc

    def stub(self, channel):
        return self.pb_grpc.ToneServiceStub(channel)

    def health(self, target, timeout=2):
        """The health service's status name, or the RPC error's code name."""
        try:
            with self.grpc.insecure_channel(target) as ch:
                r = self.health_grpc.HealthStub(ch).Check(
                    self.health_pb.HealthCheckRequest(), timeout=timeout)
                return self.health_pb.HealthCheckResponse.ServingStatus.Name(
                    r.status)
        except self.grpc.RpcError as e:
            return e.code().name


class Server:
    """A dyadtoned process on a loopback port, logging to `log_path`."""

    def __init__(self, dyadtoned, store, port, log_path, extra=()):
        self.store, self.port, self.log_path = store, port, log_path
        self.target = "127.0.0.1:%d" % port
        self.log = open(log_path, "a")
        self.proc = subprocess.Popen(
            [dyadtoned, "--listen=" + self.target, "--store=" + store]
            + list(extra),
            stdout=self.log, stderr=self.log)

    def wait_serving(self, api, attempts=200):
        """Polls the health service every 0.05 s until SERVING."""
        last = None
        for _ in range(attempts):
            if self.proc.poll() is not None:
                raise AssertionError(
                    "dyadtoned exited with %s; log:\n%s"
                    % (self.proc.returncode, self.log_text()[-3000:]))
            last = api.health(self.target, timeout=1)
            if last == "SERVING":
                return
            time.sleep(0.05)
        raise AssertionError("dyadtoned did not become SERVING: %s" % last)

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        """SIGTERM; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        self.log.close()
        return code

    def kill(self):
        """SIGKILL: no clean shutdown at all."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)
        self.log.close()

    def log_text(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def served(self, method):
        """How many calls of `method` the request log shows."""
        n = 0
        for line in self.log_text().splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("method") == method:
                n += 1
        return n


class PostgresCluster:
    """A cluster of scripts/postgres-test-cluster.sh in `directory`."""

    def __init__(self, script, directory):
        self.script, self.directory = script, directory

    def _run(self, command):
        out = subprocess.run([self.script, command, self.directory],
                             capture_output=True, text=True, timeout=180)
        if out.returncode != 0:
            raise RuntimeError("postgres-test-cluster.sh %s failed: %s"
                               % (command, out.stderr))
        return out.stdout.strip()

    def start(self):
        return self._run("start")

    def url(self):
        return self._run("url")

    def down(self):
        self._run("down")

    def up(self):
        self._run("up")

    def stop(self):
        self._run("stop")


def password_of(url):
    m = re.match(r"^[a-z]+://[^:/@]*:([^@/]*)@", url)
    return m.group(1) if m else ""


def psql(url, sql):
    out = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError("psql failed: %s" % out.stderr.replace(
            password_of(url) or "\0", "***"))
    return out.stdout.strip()


class PostgresSchema:
    """A schema of its own in a test server; url() sends the store there."""

    def __init__(self, server_url, prefix):
        self.server_url = server_url
        self.name = "%s_%d_%d" % (prefix, os.getpid(),
                                  random.randrange(10 ** 6))
        psql(server_url, "CREATE SCHEMA %s" % self.name)

    def url(self):
        sep = "&" if "?" in self.server_url else "?"
        return "%s%soptions=-csearch_path%%3D%s" % (self.server_url, sep,
                                                    self.name)

    def drop(self):
        psql(self.server_url, "DROP SCHEMA IF EXISTS %s CASCADE" % self.name)


def read_url_file(path):
    with open(path) as f:
        return f.readline().strip()


def example_articles(repo):
    """(file name, text bytes) of examples/articles, in name order."""
    folder = os.path.join(repo, "examples", "articles")
    out = []
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            out.append((name, f.read()))
    return out


def synthetic_articles(repo, count, rng, prefix):
    """`count` variants of the example articles: new ids, new dates in
    2021-2024 (passed as article.date, which wins over the text's), and a
    line that makes each text different. Returns dicts id/text/date."""
    examples = example_articles(repo)
    out = []
    for i in range(count):
        _, text = examples[i % len(examples)]
        date = "%04d-%02d-%02d" % (rng.randint(2021, 2024), rng.randint(1, 12),
                                   rng.randint(1, 28))
        out.append({"id": "%s-%05d" % (prefix, i),
                    "text": text + b"\n\nReference %d." % i,
                    "date": date})
    return out


class Ingester:
    """Threads that send articles through a channel, in client streams of
    `per_stream` articles (each paced by `pause` s per article, so that a
    stream is open for a while), until the queue is empty or stop() is
    called. A stream is acknowledged when its call returns OK; its ids are
    then in `acked`. A failed stream is sent again up to `retries` times;
    those that still failed are in `failed` (with the last error), every
    error in `errors`."""

    def __init__(self, api, channel, articles, threads=4, per_stream=10,
                 pause=0.002, retries=0):
        self.api = api
        self.stub = api.stub(channel)
        self.pending = [articles[i:i + per_stream]
                        for i in range(0, len(articles), per_stream)]
        self.pause, self.retries = pause, retries
        self.lock = threading.Lock()
        self.acked, self.sent = {}, set()
        self.failed, self.errors = [], []
        self.outcomes = {}
        self._in_flight = 0
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, daemon=True)
                        for _ in range(threads)]

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def stop(self):
        self.stopping.set()

    def join(self, timeout=120):
        for t in self.threads:
            t.join(timeout)

    def in_flight(self):
        """Streams open right now."""
        with self.lock:
            return self._in_flight

    def _requests(self, chunk):
        pb = self.api.pb
        for a in chunk:
            with self.lock:
                self.sent.add(a["id"])
            yield pb.IngestArticlesRequest(article=pb.Article(
                id=a["id"], text=a["text"], date=a["date"]))
            if self.pause:
                time.sleep(self.pause)

    def _send(self, chunk):
        """One stream; None when acknowledged, else the error."""
        with self.lock:
            self._in_flight += 1
        try:
            r = self.stub.IngestArticles(self._requests(chunk), timeout=30)
        except self.api.grpc.RpcError as e:
            return e.code().name
        finally:
            with self.lock:
                self._in_flight -= 1
        with self.lock:
            for res in r.results:
                self.acked[res.id] = chunk[res.index]
                self.outcomes[res.id] = res.outcome
        if len(r.results) != len(chunk) or r.rejected:
            return "incomplete: %s" % r
        return None

    def _run(self):
        while not self.stopping.is_set():
            with self.lock:
                if not self.pending:
                    return
                chunk = self.pending.pop(0)
            for attempt in range(self.retries + 1):
                error = self._send(chunk)
                if error is None:
                    break
                with self.lock:
                    self.errors.append(error)
                    if attempt == self.retries or self.stopping.is_set():
                        self.failed.append((chunk, error))
                        break
                time.sleep(0.05)


def stored_dyads(api, score):
    """The dyads the store keeps for a score: those with signals or
    co-mentions (service/server/conversions.cc ToStoredDyads)."""
    out = []
    for d in score.dyads:
        if d.signals == 0 and d.co_mentions == 0:
            continue
        q = d.quad_counts
        out.append(((d.dyad.a, d.dyad.b), d.tone,
                    (q.verbal_cooperation, q.material_cooperation,
                     q.verbal_conflict, q.material_conflict)))
    return out


def check_store(test, api, target, sent, acked):
    """Checks, through the server at `target`, that every acknowledged id is
    stored, nothing but sent ids is, the article count matches, and every
    rollup equals its recomputation from the stored articles: per dyad the
    article count, first and last day and mean tone (ListDyads), and per day
    the counts of the busiest dyad (GetTrend by day). Returns the number of
    stored articles."""
    pb, grpc = api.pb, api.grpc
    with grpc.insecure_channel(target) as ch:
        stub = api.stub(ch)
        found = {}
        for article_id in sorted(sent):
            try:
                r = stub.GetArticle(pb.GetArticleRequest(id=article_id),
                                    timeout=10)
                found[article_id] = r.score
            except grpc.RpcError as e:
                test.assertEqual(e.code(), grpc.StatusCode.NOT_FOUND,
                                 "%s: %s" % (article_id, e))
        missing = sorted(set(acked) - set(found))
        test.assertEqual(missing, [], "acknowledged but not stored")
        info = stub.GetServerInfo(pb.GetServerInfoRequest(), timeout=10)
        test.assertEqual(info.stored_articles, len(found),
                         "stored articles other than those sent")

        # Recompute the rollups from the stored articles.
        per_dyad = {}
        for article_id, score in found.items():
            for dyad, tone, quads in stored_dyads(api, score):
                days = per_dyad.setdefault(dyad, {})
                day = days.setdefault(score.date, [0, 0.0, [0, 0, 0, 0]])
                day[0] += 1
                day[1] += tone
                for i in range(4):
                    day[2][i] += quads[i]
        listed = stub.ListDyads(pb.ListDyadsRequest(min_articles=0),
                                timeout=10).dyads
        got = {(d.dyad.a, d.dyad.b): d for d in listed}
        test.assertEqual(sorted(got), sorted(per_dyad), "dyads")
        for dyad, days in per_dyad.items():
            n = sum(d[0] for d in days.values())
            tone = sum(d[1] for d in days.values())
            g = got[dyad]
            test.assertEqual(g.article_count, n, dyad)
            test.assertEqual(g.first_date, min(days), dyad)
            test.assertEqual(g.last_date, max(days), dyad)
            test.assertAlmostEqual(g.mean_tone, tone / n, places=9, msg=dyad)
        if per_dyad:
            busiest = max(per_dyad, key=lambda k: sum(
                d[0] for d in per_dyad[k].values()))
            days = per_dyad[busiest]
            trend = stub.GetTrend(pb.GetTrendRequest(
                dyad=pb.Dyad(a=busiest[0], b=busiest[1]),
                granularity=pb.GRANULARITY_DAY), timeout=10)
            points = {p.period_start: p for p in trend.points}
            test.assertEqual(sorted(points), sorted(days), busiest)
            for day, (n, tone, quads) in days.items():
                p = points[day]
                test.assertEqual(p.article_count, n, (busiest, day))
                test.assertAlmostEqual(p.mean_tone, tone / n, places=9)
                q = p.quad_counts
                test.assertEqual([q.verbal_cooperation, q.material_cooperation,
                                  q.verbal_conflict, q.material_conflict],
                                 quads, (busiest, day))
        return len(found)
