#!/usr/bin/python3
"""End to end: the real dyadtoned binary, the real dyadtone CLI, and an
independent client generated from our proto by Debian's grpcio tools.

Starts dyadtoned on a free loopback port with a temporary SQLite file,
ingests the example articles with the CLI, then checks with Python's grpcio:
the health service says SERVING; GetTrend PAK/USA by month returns the five
warm periods; re-ingesting changes no count; a restart keeps every article.

Usage: e2e_test.py --dyadtoned PATH --cli PATH --repo PATH
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dyadtone_e2e  # noqa: E402
from dyadtone_e2e import free_port, generate_stubs  # noqa: E402

ARGS = None
EXPECTED_PERIODS = ["2021-12-01", "2022-12-01", "2023-04-01", "2023-06-01",
                    "2024-05-01"]


class Server(dyadtone_e2e.Server):
    """A dyadtoned process on a loopback port with a SQLite file."""

    def __init__(self, db, port):
        super().__init__(ARGS.dyadtoned, "sqlite:" + db, port, db + ".log")


class EndToEnd(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        import grpc
        cls.grpc = grpc
        cls.tmp = tempfile.TemporaryDirectory(prefix="dyadtone_e2e_")
        generate_stubs(cls.tmp.name, ARGS.repo)
        from dyadtone.v1 import tone_service_pb2, tone_service_pb2_grpc
        from health_check import health_pb2, health_pb2_grpc
        cls.pb, cls.pb_grpc = tone_service_pb2, tone_service_pb2_grpc
        cls.health_pb, cls.health_grpc = health_pb2, health_pb2_grpc
        cls.db = os.path.join(cls.tmp.name, "dyadtone.db")
        cls.port = free_port()
        cls.target = "127.0.0.1:%d" % cls.port
        cls.server = Server(cls.db, cls.port)
        cls.wait_serving()

    @classmethod
    def tearDownClass(cls):
        if cls.server.proc.poll() is None:
            cls.server.stop()
        cls.tmp.cleanup()

    @classmethod
    def wait_serving(cls):
        """Polls the health service, at most 150 times 0.1 s."""
        last = None
        for _ in range(150):
            try:
                with cls.grpc.insecure_channel(cls.target) as ch:
                    stub = cls.health_grpc.HealthStub(ch)
                    r = stub.Check(cls.health_pb.HealthCheckRequest(), timeout=1)
                    if r.status == cls.health_pb.HealthCheckResponse.SERVING:
                        return
            except cls.grpc.RpcError as e:
                last = e
            time.sleep(0.1)
        raise AssertionError("dyadtoned did not become SERVING: %s" % last)

    def stub(self):
        self.channel = self.grpc.insecure_channel(self.target)
        self.addCleanup(self.channel.close)
        return self.pb_grpc.ToneServiceStub(self.channel)

    def cli(self, *args):
        return subprocess.run(
            [ARGS.cli, "--target=" + self.target] + list(args),
            capture_output=True, text=True, timeout=120)

    def stored_articles(self):
        info = self.stub().GetServerInfo(self.pb.GetServerInfoRequest(),
                                         timeout=10)
        return info.stored_articles

    def trend(self):
        req = self.pb.GetTrendRequest(
            dyad=self.pb.Dyad(a="PAK", b="USA"),
            granularity=self.pb.GRANULARITY_MONTH)
        return self.stub().GetTrend(req, timeout=10)

    def check_trend(self):
        points = self.trend().points
        self.assertEqual([p.period_start for p in points], EXPECTED_PERIODS)
        for p in points:
            self.assertGreater(p.mean_tone, 0, p)
            self.assertEqual(p.article_count, 1)

    def buf_curl_trend(self):
        """GetTrend through `buf curl` (a third client, using reflection)."""
        buf = os.path.join(ARGS.repo, "node_modules", ".bin", "buf")
        out = subprocess.run(
            [buf, "curl", "--protocol", "grpc", "--http2-prior-knowledge",
             "-d", '{"dyad":{"a":"USA","b":"PAK"},'
                   '"granularity":"GRANULARITY_MONTH"}',
             "http://%s/dyadtone.v1.ToneService/GetTrend" % self.target],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout)

    def test_all(self):
        examples = os.path.join(ARGS.repo, "examples", "articles")
        first = self.cli("ingest", examples)
        self.assertEqual(first.returncode, 0, first.stdout + first.stderr)

        with self.grpc.insecure_channel(self.target) as ch:
            r = self.health_grpc.HealthStub(ch).Check(
                self.health_pb.HealthCheckRequest(), timeout=5)
            self.assertEqual(r.status,
                             self.health_pb.HealthCheckResponse.SERVING)
        self.assertEqual(self.stored_articles(), 5)
        self.check_trend()
        by_buf = self.buf_curl_trend()
        self.assertEqual([p["periodStart"] for p in by_buf["points"]],
                         EXPECTED_PERIODS)

        again = self.cli("--format=json", "ingest", examples)
        self.assertEqual(again.returncode, 0, again.stdout + again.stderr)
        summary = json.loads(again.stdout)
        self.assertEqual(summary.get("unchanged"), 5, summary)
        self.assertEqual(summary.get("stored", 0), 0, summary)
        self.assertEqual(self.stored_articles(), 5)
        self.check_trend()

        code = self.server.stop()
        self.assertEqual(code, 0, "dyadtoned exit code after SIGTERM")
        type(self).server = Server(self.db, self.port)
        self.wait_serving()
        self.assertEqual(self.stored_articles(), 5)
        self.check_trend()

    def test_sigterm_does_not_wait_for_an_idle_client(self):
        # A grpcio client that keeps its channel open between calls (a
        # dashboard, a notebook) reads nothing while it makes no call, so it
        # never answers the server's GOAWAY; grpc::Server::Shutdown alone
        # waits for such a connection until the grace period ends.
        db = os.path.join(self.tmp.name, "idle_client.db")
        server = dyadtone_e2e.Server(
            ARGS.dyadtoned, "sqlite:" + db, free_port(), db + ".log",
            ["--shutdown_grace_seconds=60"])
        try:
            server.wait_serving(dyadtone_e2e.Api())
            with self.grpc.insecure_channel(server.target) as ch:
                self.health_grpc.HealthStub(ch).Check(
                    self.health_pb.HealthCheckRequest(), timeout=5)
                start = time.monotonic()
                server.proc.send_signal(signal.SIGTERM)
                code = server.proc.wait(timeout=90)
                waited = time.monotonic() - start
        finally:
            if server.alive():
                server.kill()
        self.assertEqual(code, 0, server.log_text()[-2000:])
        # No call was in flight: the server closed the idle connection as
        # soon as it had stopped taking calls.
        self.assertIn('"msg":"stopped","calls":"all finished"',
                      server.log_text())
        self.assertLess(waited, 30, "SIGTERM to exit took %.1f s with an "
                        "idle client (the grace is 60 s)" % waited)

    def test_unparsable_message_is_rejected_alone(self):
        """A message proto3 cannot parse (invalid UTF-8 in a string field)
        is rejected on its own, naming the field; the stream goes on and
        the articles after it are stored. Sent as raw bytes, since grpcio's
        own serializer refuses to build such a message."""
        text = ("date 2020-02-03\nFrance and Germany reaffirmed their "
                "friendship and praised each other.\n").encode()

        def article(id_bytes, date=None):
            a = self.pb.Article(text=text)
            raw = a.SerializeToString() + field(1, id_bytes)
            if date is not None:
                raw += field(3, date)
            return field(1, raw)  # IngestArticlesRequest.article

        messages = [
            article(b"fra-deu-1"),
            article(b"bad\xff-id"),                    # id not UTF-8
            article(b"fra-deu-2", date=b"2020-\xc3("),  # date not UTF-8
            b"\xff\xff\xff",                           # not protobuf
            article(b"fra-deu-3"),
        ]
        self.stub()  # opens self.channel
        call = self.channel.stream_unary(
            "/dyadtone.v1.ToneService/IngestArticles",
            request_serializer=lambda raw: raw,
            response_deserializer=self.pb.IngestArticlesResponse.FromString)
        r = call(iter(messages), timeout=30)
        self.assertEqual([x.index for x in r.results], [0, 1, 2, 3, 4])
        self.assertEqual((r.stored, r.rejected), (2, 3), r)
        self.assertEqual(r.results[1].error,
                         "article.id: invalid UTF-8 at byte 3: "
                         "invalid lead byte")
        self.assertEqual(r.results[1].id, "")
        self.assertEqual(r.results[2].id, "fra-deu-2")
        self.assertEqual(r.results[2].error,
                         "article.date: invalid UTF-8 at byte 5: "
                         "truncated sequence")
        self.assertIn("not protobuf wire data", r.results[3].error)
        self.assertEqual(r.results[4].id, "fra-deu-3")
        self.assertEqual(r.results[4].outcome,
                         self.pb.IngestResult.OUTCOME_STORED)
        got = self.stub().GetArticle(self.pb.GetArticleRequest(id="fra-deu-3"),
                                     timeout=10)
        self.assertEqual((got.score.id, got.score.date),
                         ("fra-deu-3", "2020-02-03"))

    def test_unparsable_request_is_invalid_argument_naming_the_field(self):
        """The unary calls whose requests carry strings answer a request
        proto3 cannot parse with INVALID_ARGUMENT naming the field (gRPC's
        own parsing would answer UNIMPLEMENTED or INTERNAL, with no
        message), and the server serves on."""
        self.stub()  # opens self.channel
        text = b"date 2020-02-03\nFrance praised Germany.\n"
        cases = [
            ("ScoreArticle", field(1, field(1, b"x\xff") + field(2, text)),
             "article.id: invalid UTF-8 at byte 1: invalid lead byte"),
            ("ScoreArticle",
             field(1, field(2, text)) + field(2, field(1, b"FRA")) +
             field(2, field(1, b"DE\xc3")),
             "dyads[1].a: invalid UTF-8 at byte 2: truncated sequence"),
            ("GetTrend", field(1, field(1, b"PAK") + field(2, b"U\xffSA")),
             "dyad.b: invalid UTF-8 at byte 1: invalid lead byte"),
            ("GetTrend", field(1, field(1, b"PAK")) + field(2, b"2020-\xe2"),
             "from: invalid UTF-8 at byte 5: truncated sequence"),
            ("GetArticle", field(1, b"\xc0\xaf"),
             "id: invalid UTF-8 at byte 0: overlong encoding"),
            ("GetArticle", b"\xff\xff",
             "the message is not protobuf wire data "
             "(expected dyadtone.v1.GetArticleRequest)"),
        ]
        for method, raw, message in cases:
            call = self.channel.unary_unary(
                "/dyadtone.v1.ToneService/" + method,
                request_serializer=lambda r: r,
                response_deserializer=lambda r: r)
            with self.assertRaises(self.grpc.RpcError) as caught:
                call(raw, timeout=10)
            self.assertEqual(caught.exception.code(),
                             self.grpc.StatusCode.INVALID_ARGUMENT, method)
            self.assertEqual(caught.exception.details(), message)
        score = self.stub().ScoreArticle(self.pb.ScoreArticleRequest(
            article=self.pb.Article(text=text)), timeout=10).score
        self.assertEqual(score.date, "2020-02-03")
        self.assertIn('"method":"GetArticle","peer"',
                      self.server.log_text())


def field(number, payload):
    """A length-delimited protobuf field: tag, varint length, bytes."""
    size, length = len(payload), b""
    while True:
        low, size = size & 0x7F, size >> 7
        length += bytes([low | (0x80 if size else 0)])
        if not size:
            return bytes([number << 3 | 2]) + length + payload


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--dyadtoned", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--repo", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
