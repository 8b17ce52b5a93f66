#!/usr/bin/python3
"""Health checks while dyadtoned scores long articles: the latency a
liveness probe sees when every scoring thread is busy.

Starts dyadtoned on a loopback port with a temporary SQLite store, keeps
--streams ScoreArticle calls of a --bytes article (the example articles
repeated) in flight for --seconds, and meanwhile sends a health Check every
0.1 s on a connection of its own. Prints the articles scored and the
health checks' p50 and maximum. Every loop is bounded by --seconds.

  /usr/bin/python3 bench/health_under_load.py --dyadtoned build/service/server/dyadtoned
"""

import argparse
import os
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "e2e"))
import dyadtone_e2e as e2e  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dyadtoned", required=True)
    parser.add_argument("--bytes", type=int, default=8_000_000)
    parser.add_argument("--streams", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        e2e.generate_stubs(os.path.join(tmp, "stubs"), REPO)
        api = e2e.Api()
        grpc = api.grpc
        port = e2e.free_port()
        server = e2e.Server(args.dyadtoned, "sqlite:" + os.path.join(tmp, "s.db"),
                            port, os.path.join(tmp, "server.log"))
        try:
            server.wait_serving(api)
            text = b"".join(t for _, t in e2e.example_articles(REPO))
            big = (text * (args.bytes // len(text) + 1))[:args.bytes]
            big = big.decode("utf-8", "ignore").encode()  # whole characters
            stop = time.time() + args.seconds
            scored, errors = [0], []
            options = [("grpc.max_send_message_length", 64 << 20),
                       ("grpc.max_receive_message_length", 64 << 20)]

            def load():
                with grpc.insecure_channel(server.target, options) as ch:
                    stub = api.stub(ch)
                    request = api.pb.ScoreArticleRequest(
                        article=api.pb.Article(text=big, date="2024-01-01"),
                        omit_evidence=True)
                    while time.time() < stop:
                        try:
                            stub.ScoreArticle(request, timeout=120)
                            scored[0] += 1
                        except grpc.RpcError as error:
                            errors.append(error.code().name)
                            return

            threads = [threading.Thread(target=load)
                       for _ in range(args.streams)]
            for t in threads:
                t.start()
            time.sleep(1)  # the scoring threads busy first
            latencies = []
            with grpc.insecure_channel(server.target) as ch:
                health = api.health_grpc.HealthStub(ch)
                while time.time() < stop - 0.5:
                    start = time.time()
                    health.Check(api.health_pb.HealthCheckRequest(), timeout=60)
                    latencies.append(time.time() - start)
                    time.sleep(0.1)
            for t in threads:
                t.join()
        finally:
            server.stop()
    if errors:
        sys.exit("ScoreArticle failed: %s" % errors[0])
    latencies.sort()
    print("%d-byte articles scored: %d (%d streams, %.0f s); health checks: %d, "
          "p50 %.1f ms, max %.1f ms"
          % (args.bytes, scored[0], args.streams, args.seconds, len(latencies),
             1000 * latencies[len(latencies) // 2], 1000 * latencies[-1]))


if __name__ == "__main__":
    main()
