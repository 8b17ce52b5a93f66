#!/usr/bin/python3
"""PostgreSQL goes away under a running dyadtoned, and comes back.

Starts its own throwaway cluster (scripts/postgres-test-cluster.sh: it stops
that server, so it cannot share the run's), a dyadtoned on it, ingests the
examples, then stops PostgreSQL (pg_ctl stop -m fast) while a client keeps
ingesting: calls fail with UNAVAILABLE naming the store without its
password, dyadtoned keeps running and its health service still answers.
Starts PostgreSQL again: without restarting dyadtoned, calls succeed again,
every acknowledged article is stored once and the rollups equal their
recomputation (nothing half-written by the interrupted batches).

Usage: postgres_reconnect_test.py --dyadtoned PATH --cli PATH --repo PATH
           --cluster-script PATH
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dyadtone_e2e as e2e  # noqa: E402

ARGS = None


class PostgresReconnect(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="dyadtone_pg_reconnect_")
        os.chmod(cls.tmp.name, 0o755)  # the cluster's owner, postgres, enters
        e2e.generate_stubs(cls.tmp.name, ARGS.repo)
        cls.api = e2e.Api()
        cls.cluster = e2e.PostgresCluster(
            ARGS.cluster_script, os.path.join(cls.tmp.name, "cluster"))
        cls.url = cls.cluster.start()
        cls.server = None

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.server is not None and cls.server.alive():
                cls.server.stop()
        finally:
            cls.cluster.stop()
            cls.tmp.cleanup()

    def cli(self, *args):
        return subprocess.run(
            [ARGS.cli, "--target=" + self.server.target] + list(args),
            capture_output=True, text=True, timeout=120)

    def info(self):
        with self.api.grpc.insecure_channel(self.server.target) as ch:
            return self.api.stub(ch).GetServerInfo(
                self.api.pb.GetServerInfoRequest(), timeout=10)

    def test_stop_and_start_postgres_under_the_server(self):
        api, pb, grpc = self.api, self.api.pb, self.api.grpc
        password = e2e.password_of(self.url)
        self.assertTrue(password)
        log = os.path.join(self.tmp.name, "dyadtoned.log")
        type(self).server = e2e.Server(ARGS.dyadtoned, self.url,
                                       e2e.free_port(), log)
        self.server.wait_serving(api)
        first = self.cli("ingest", os.path.join(ARGS.repo, "examples",
                                                "articles"))
        self.assertEqual(first.returncode, 0, first.stdout + first.stderr)
        self.assertEqual(self.info().stored_articles, 5)
        self.assertEqual(self.info().store_backend, "postgresql")

        # A client ingesting the whole time.
        articles = e2e.synthetic_articles(ARGS.repo, 400, random.Random(7),
                                          "reconnect")
        channel = grpc.insecure_channel(self.server.target)
        ingester = e2e.Ingester(api, channel, articles, threads=2,
                                per_stream=10, pause=0.003).start()
        time.sleep(0.4)

        self.cluster.down()  # pg_ctl stop -m fast
        stopped_at = time.time()
        with grpc.insecure_channel(self.server.target) as ch:
            stub = api.stub(ch)
            for call in [
                    lambda: stub.GetServerInfo(pb.GetServerInfoRequest(),
                                               timeout=10),
                    lambda: stub.GetTrend(pb.GetTrendRequest(
                        dyad=pb.Dyad(a="PAK", b="USA")), timeout=10),
                    lambda: stub.ListDyads(pb.ListDyadsRequest(), timeout=10),
                    lambda: stub.GetArticle(pb.GetArticleRequest(
                        id="000_3c450a018ff81334"), timeout=10)]:
                with self.assertRaises(grpc.RpcError) as caught:
                    call()
                self.assertEqual(caught.exception.code(),
                                 grpc.StatusCode.UNAVAILABLE)
                details = caught.exception.details()
                self.assertIn("postgresql store postgresql://postgres:***@",
                              details)
                self.assertNotIn(password, details)
        again = self.cli("ingest", os.path.join(ARGS.repo, "examples",
                                                "articles"))
        self.assertEqual(again.returncode, 3, again.stdout + again.stderr)
        self.assertIn("UNAVAILABLE", again.stdout + again.stderr)
        self.assertNotIn(password, again.stdout + again.stderr)
        # The server runs on, and its health service answers.
        self.assertTrue(self.server.alive())
        self.assertEqual(api.health(self.server.target), "SERVING")
        time.sleep(max(0.0, 0.5 - (time.time() - stopped_at)))
        failed_while_down = len(ingester.failed)

        self.cluster.up()
        # No restart of dyadtoned: the next calls reconnect by themselves.
        self.assertEqual(self.info().stored_articles >= 5, True)
        ingester.join()
        channel.close()
        print("streams failed while PostgreSQL was down: %d; streams "
              "acknowledged: %d" % (failed_while_down,
                                    len(ingester.acked) // 10))
        self.assertGreater(failed_while_down, 0)
        self.assertTrue(self.server.alive())

        # Every acknowledged article once, exact rollups; then the failed
        # streams again, and everything is there.
        sent = set(ingester.sent) | {n[:-4] for n, _ in
                                     e2e.example_articles(ARGS.repo)}
        acked = set(ingester.acked) | {n[:-4] for n, _ in
                                       e2e.example_articles(ARGS.repo)}
        e2e.check_store(self, api, self.server.target, sent, acked)
        with grpc.insecure_channel(self.server.target) as ch:
            retry = e2e.Ingester(api, ch, [a for c, _ in ingester.failed
                                           for a in c], pause=0).start()
            retry.join()
            self.assertEqual(retry.failed, [])
        total = e2e.check_store(self, api, self.server.target, sent,
                                set(sent))
        self.assertEqual(total, 405)
        self.assertEqual(self.server.stop(), 0)
        log = self.server.log_text()
        self.assertNotIn(password, log)
        unavailable = [line for line in log.splitlines()
                       if '"code":"UNAVAILABLE"' in line]
        self.assertTrue(unavailable)
        print("a logged failure while PostgreSQL was down:\n" + unavailable[0])
        for line in unavailable:
            self.assertIn("postgresql store postgresql://postgres:***@", line)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--dyadtoned", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--cluster-script", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
