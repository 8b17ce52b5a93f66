#!/usr/bin/python3
"""Crash safety: dyadtoned killed with SIGKILL at random points while
clients ingest, restarted, several times (seeded), for one store backend.

Each round starts dyadtoned on the store, lets three client threads stream
synthetic articles (variants of the examples with new ids and dates, in
paced streams of 10 so that streams are open when the kill comes), kills
the server with SIGKILL at a random point (after a random number of
acknowledged streams, plus a random fraction of a stream's time, so that it
lands mid-ingest whatever the backend's speed), restarts it and checks that
every article acknowledged before the kill is stored exactly once, that
nothing else but sent articles is stored, and that nothing half-written is
visible: the article count matches and every rollup equals its
recomputation from the stored articles (per dyad: count, first and last
day, mean tone; per day of the busiest dyad: count, mean tone, quad
counts). At the end the streams that never got through are sent again and
everything must be there, exactly once.

Usage: crash_test.py --dyadtoned PATH --repo PATH --backend sqlite
       crash_test.py --dyadtoned PATH --repo PATH --backend postgresql
           (--postgres-url-file PATH | --postgres-url URL)
       [--kills N] [--seed N]
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
ARTICLES_PER_ROUND = 300


class CrashSafety(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="dyadtone_crash_")
        e2e.generate_stubs(cls.tmp.name, ARGS.repo)
        cls.api = e2e.Api()
        cls.schema = None
        if ARGS.backend == "sqlite":
            cls.store = "sqlite:" + os.path.join(cls.tmp.name, "crash.db")
        else:
            url = ARGS.postgres_url or e2e.read_url_file(
                ARGS.postgres_url_file)
            cls.schema = e2e.PostgresSchema(url, "dyadtone_crash")
            cls.store = cls.schema.url()
        cls.server = None

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.server is not None and cls.server.alive():
                cls.server.kill()
        finally:
            if cls.schema is not None:
                cls.schema.drop()
            cls.tmp.cleanup()

    def start_server(self):
        type(self).server = e2e.Server(
            ARGS.dyadtoned, self.store, e2e.free_port(),
            os.path.join(self.tmp.name, "dyadtoned.log"))
        self.server.wait_serving(self.api)
        return self.server

    def test_kills(self):
        api, grpc = self.api, self.api.grpc
        rng = random.Random(ARGS.seed)
        sent, acked, unsent_or_failed = set(), set(), []
        interrupted_streams = 0
        checked = 0
        for kill in range(ARGS.kills):
            server = self.start_server()
            articles = e2e.synthetic_articles(
                ARGS.repo, ARTICLES_PER_ROUND, rng, "crash%d" % kill)
            channel = grpc.insecure_channel(server.target)
            ingester = e2e.Ingester(api, channel, articles, threads=3,
                                    per_stream=10, pause=0.002).start()
            target = 10 * rng.randint(1, 20)
            while (len(ingester.acked) < target and ingester.pending
                   and all(t.is_alive() for t in ingester.threads)):
                time.sleep(0.002)
            time.sleep(rng.uniform(0, 0.04))
            in_flight = ingester.in_flight()
            server.kill()
            ingester.stop()
            ingester.join()
            channel.close()
            interrupted_streams += in_flight
            sent |= ingester.sent
            acked |= set(ingester.acked)
            done = set(ingester.acked)
            unsent_or_failed += [a for a in articles if a["id"] not in done]

            server = self.start_server()
            stored = e2e.check_store(self, api, server.target, sent, acked)
            checked += len(sent)
            print("kill %d: %d streams open at the kill; acknowledged so far "
                  "%d, stored %d; all checked"
                  % (kill + 1, in_flight, len(acked), stored))
            server.stop()

        # Everything that did not get through, once more, to the end.
        server = self.start_server()
        with grpc.insecure_channel(server.target) as channel:
            rest = e2e.Ingester(api, channel, unsent_or_failed, pause=0,
                                retries=2).start()
            rest.join()
        self.assertEqual(rest.failed, [])
        sent |= rest.sent
        total = e2e.check_store(self, api, server.target, sent, set(sent))
        checked += len(sent)
        self.assertEqual(total, ARGS.kills * ARTICLES_PER_ROUND)
        self.assertEqual(server.stop(), 0)
        print("%s: %d SIGKILLs, %d streams open at the kills, %d "
              "acknowledged articles before kills, %d articles in the end; "
              "%d article checks" % (ARGS.backend, ARGS.kills,
                                     interrupted_streams, len(acked), total,
                                     checked))
        self.assertGreater(interrupted_streams, 0,
                           "no kill landed in the middle of a stream")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--dyadtoned", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"],
                        required=True)
    parser.add_argument("--postgres-url-file")
    parser.add_argument("--postgres-url")
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--seed", type=int, default=6)
    ARGS, rest = parser.parse_known_args()
    if (ARGS.backend == "postgresql" and not ARGS.postgres_url
            and not ARGS.postgres_url_file):
        parser.error("--postgres-url-file or --postgres-url is required")
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
