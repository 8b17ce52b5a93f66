#!/usr/bin/python3
"""Two replicas, one database: two dyadtoned processes on different loopback
ports against the same PostgreSQL schema.

1. A grpcio client with the round_robin policy over both addresses
   (ipv4:127.0.0.1:P1,127.0.0.1:P2) ingests the examples, one stream per
   article, so that each replica stores about half (their request logs
   show both did); GetTrend PAK/USA from either replica is the same
   complete trend.
2. Four client threads stream synthetic articles (variants of the examples
   with new ids and dates) through the same channel while one replica is
   killed (SIGKILL) mid-ingest: every acknowledged article is stored exactly
   once and every rollup equals its recomputation from the stored articles.
   The streams that failed are sent again (to the survivor) and then every
   article is there exactly once; the killed replica, restarted, serves the
   same trend.

The database: the run's cluster (the postgres_cluster CTest fixture), whose
URL is in --postgres-url-file; or --postgres-url.

Usage: postgres_replicas_test.py --dyadtoned PATH --repo PATH
           (--postgres-url-file PATH | --postgres-url URL) [--seed N]
"""

import argparse
import os
import random
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dyadtone_e2e as e2e  # noqa: E402

ARGS = None
EXPECTED_PERIODS = ["2021-12-01", "2022-12-01", "2023-04-01", "2023-06-01",
                    "2024-05-01"]
SYNTHETIC = 600


class TwoReplicas(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="dyadtone_replicas_")
        e2e.generate_stubs(cls.tmp.name, ARGS.repo)
        cls.api = e2e.Api()
        url = ARGS.postgres_url or e2e.read_url_file(ARGS.postgres_url_file)
        cls.schema = e2e.PostgresSchema(url, "dyadtone_replicas")
        cls.servers = []

    @classmethod
    def tearDownClass(cls):
        try:
            for s in cls.servers:
                if s.alive():
                    s.stop()
        finally:
            cls.schema.drop()
            cls.tmp.cleanup()

    def start(self, name):
        server = e2e.Server(ARGS.dyadtoned, self.schema.url(),
                            e2e.free_port(),
                            os.path.join(self.tmp.name, name + ".log"))
        self.servers.append(server)
        return server

    def trend(self, target):
        pb = self.api.pb
        with self.api.grpc.insecure_channel(target) as ch:
            return self.api.stub(ch).GetTrend(pb.GetTrendRequest(
                dyad=pb.Dyad(a="PAK", b="USA"),
                granularity=pb.GRANULARITY_MONTH), timeout=10)

    def test_two_replicas(self):
        api, pb, grpc = self.api, self.api.pb, self.api.grpc
        # Both at once: the migration must not race.
        one, two = self.start("one"), self.start("two")
        one.wait_serving(api)
        two.wait_serving(api)
        channel = grpc.insecure_channel(
            "ipv4:%s,%s" % (one.target, two.target),
            options=[("grpc.lb_policy_name", "round_robin")])
        grpc.channel_ready_future(channel).result(timeout=10)
        stub = api.stub(channel)
        # Until round_robin has both replicas ready: calls reach both.
        for _ in range(100):
            stub.GetServerInfo(pb.GetServerInfoRequest(), timeout=10)
            if min(one.served("GetServerInfo"), two.served("GetServerInfo")):
                break
            time.sleep(0.02)

        # 1. The examples, one stream each, spread over both replicas.
        for name, text in e2e.example_articles(ARGS.repo):
            r = stub.IngestArticles(iter([pb.IngestArticlesRequest(
                article=pb.Article(id=name[:-4], text=text))]), timeout=30)
            self.assertEqual(r.stored, 1, r)
        by_one, by_two = (one.served("IngestArticles"),
                          two.served("IngestArticles"))
        print("examples ingested through replica one: %d, two: %d"
              % (by_one, by_two))
        self.assertEqual(by_one + by_two, 5)
        self.assertGreaterEqual(min(by_one, by_two), 2)
        for server in (one, two):
            points = self.trend(server.target).points
            self.assertEqual([p.period_start for p in points],
                             EXPECTED_PERIODS, server.target)
            self.assertEqual([p.article_count for p in points], [1] * 5)
        self.assertEqual(self.trend(one.target), self.trend(two.target))

        # 2. Synthetic articles from four threads; replica two is killed
        # mid-ingest.
        rng = random.Random(ARGS.seed)
        articles = e2e.synthetic_articles(ARGS.repo, SYNTHETIC, rng,
                                          "replica")
        ingester = e2e.Ingester(api, channel, articles, threads=4,
                                per_stream=10, pause=0.002).start()
        time.sleep(rng.uniform(0.3, 0.8))
        in_flight = ingester.in_flight()
        two.kill()
        killed_after = len(ingester.acked)
        ingester.join()
        print("replica two killed with %d streams in flight, after %d "
              "acknowledged articles; %d streams failed"
              % (in_flight, killed_after, len(ingester.failed)))
        self.assertTrue(one.alive())
        examples = {n[:-4] for n, _ in e2e.example_articles(ARGS.repo)}
        sent = set(ingester.sent) | examples
        acked = set(ingester.acked) | examples
        stored = e2e.check_store(self, api, one.target, sent, acked)
        print("after the kill: %d articles acknowledged, %d stored "
              "(each once; rollups exact)" % (len(acked), stored))
        self.assertLess(killed_after, SYNTHETIC, "the kill came too late")

        # The failed streams again: all go to the survivor.
        retry = e2e.Ingester(api, channel, [a for c, _ in ingester.failed
                                            for a in c], pause=0,
                             retries=3).start()
        retry.join()
        self.assertEqual(retry.failed, [])
        sent |= retry.sent
        total = e2e.check_store(self, api, one.target, sent, set(sent))
        self.assertEqual(total, SYNTHETIC + 5)
        channel.close()

        # The killed replica, restarted, sees the same.
        three = self.start("two-again")
        three.wait_serving(api)
        self.assertEqual(self.trend(one.target), self.trend(three.target))
        e2e.check_store(self, api, three.target, sent, set(sent))
        self.assertEqual(one.stop(), 0)
        self.assertEqual(three.stop(), 0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--dyadtoned", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--postgres-url-file")
    parser.add_argument("--postgres-url")
    parser.add_argument("--seed", type=int, default=20240301)
    ARGS, rest = parser.parse_known_args()
    if not ARGS.postgres_url and not ARGS.postgres_url_file:
        parser.error("--postgres-url-file or --postgres-url is required")
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
