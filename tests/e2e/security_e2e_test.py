#!/usr/bin/python3
"""End to end security: the real dyadtoned with TLS, mutual TLS and a token
file, reached by the real dyadtone CLI, Python's grpcio and `buf curl`.

Certificates are made fresh by tests/make_test_certs.sh (openssl). Checks:
bad settings stop dyadtoned at startup with an error naming the file and
before it touches the store; over TLS the CLI with --tls-ca and --token-file
ingests and reads the trend, a plaintext client gets UNAVAILABLE, writes
without the right token get UNAUTHENTICATED, reads are open by default and
closed by --auth-reads=token; with mutual TLS a client without a certificate
of the CA cannot connect; health and reflection need no token; and no token
appears in the server's output (stderr and stdout).

Usage: security_e2e_test.py --dyadtoned PATH --cli PATH --repo PATH
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_test  # noqa: E402  (free_port, generate_stubs, EXPECTED_PERIODS)

ARGS = None
TOKEN = "e2e-writer-" + "5d41402abc4b2a76b9719d911017c592"
NEW_TOKEN = "e2e-rotated-" + "7d793037a0760186574b0282f2f435e7"
WRONG_TOKEN = "e2e-wrong-" + "00000000000000000000000000000000"


class Server:
    """A dyadtoned process with extra flags and environment; its output
    (stdout and stderr) goes to one log file."""

    def __init__(self, tmp, name, flags, env=None):
        self.port = e2e_test.free_port()
        self.target = "127.0.0.1:%d" % self.port
        self.log_path = os.path.join(tmp, name + ".log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [ARGS.dyadtoned, "--listen=" + self.target,
             "--store=sqlite:" + os.path.join(tmp, name + ".db")] + flags,
            stdout=self.log, stderr=self.log,
            env=dict(os.environ, **(env or {})))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        self.log.close()
        with open(self.log_path) as f:
            return f.read()


class Security(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        import grpc
        cls.grpc = grpc
        cls.tmp_dir = tempfile.TemporaryDirectory(prefix="dyadtone_sec_e2e_")
        cls.tmp = cls.tmp_dir.name
        e2e_test.ARGS = ARGS
        e2e_test.generate_stubs(cls.tmp, ARGS.repo)
        from dyadtone.v1 import tone_service_pb2, tone_service_pb2_grpc
        from health_check import health_pb2, health_pb2_grpc
        cls.pb, cls.pb_grpc = tone_service_pb2, tone_service_pb2_grpc
        cls.health_pb, cls.health_grpc = health_pb2, health_pb2_grpc
        cls.certs = os.path.join(cls.tmp, "certs")
        subprocess.run(["sh", os.path.join(ARGS.repo, "tests",
                                           "make_test_certs.sh"), cls.certs],
                       check=True, capture_output=True, timeout=60)
        cls.token_file = cls.write("tokens.txt", "# dyadtone tokens\n%s\n"
                                   "%s  # the new one\n" % (TOKEN, NEW_TOKEN))

    @classmethod
    def tearDownClass(cls):
        cls.tmp_dir.cleanup()

    @classmethod
    def write(cls, name, text):
        path = os.path.join(cls.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def cert(self, name):
        return os.path.join(self.certs, name)

    def read_cert(self, name):
        with open(self.cert(name), "rb") as f:
            return f.read()

    def start(self, name, flags, env=None, client_cert=False):
        server = Server(self.tmp, name, flags, env)
        self.wait_serving(server, client_cert)
        return server

    def channel(self, server, tls=True, client_cert=None):
        """A grpcio channel: TLS trusting the test CA, or plaintext;
        client_cert names a certificate/key pair ("client")."""
        if not tls:
            ch = self.grpc.insecure_channel(server.target)
        else:
            creds = self.grpc.ssl_channel_credentials(
                root_certificates=self.read_cert("ca.pem"),
                private_key=(self.read_cert(client_cert + ".key")
                             if client_cert else None),
                certificate_chain=(self.read_cert(client_cert + ".pem")
                                   if client_cert else None))
            ch = self.grpc.secure_channel(server.target, creds)
        self.channels.append(ch)
        return ch

    def stop(self, server):
        """Closes this test's channels first: an open connection holds up
        dyadtoned's shutdown for seconds."""
        for ch in self.channels:
            ch.close()
        return server.stop()

    def setUp(self):
        self.channels = []

    def wait_serving(self, server, client_cert):
        """Polls the health service over TLS, at most 150 times 0.1 s."""
        last = None
        for _ in range(150):
            if server.proc.poll() is not None:
                raise AssertionError("dyadtoned exited: " + server.stop())
            try:
                with self.grpc.secure_channel(
                        server.target, self.grpc.ssl_channel_credentials(
                            self.read_cert("ca.pem"),
                            self.read_cert("client.key") if client_cert
                            else None,
                            self.read_cert("client.pem") if client_cert
                            else None)) as ch:
                    r = self.health_grpc.HealthStub(ch).Check(
                        self.health_pb.HealthCheckRequest(), timeout=1)
                    if r.status == self.health_pb.HealthCheckResponse.SERVING:
                        return
            except self.grpc.RpcError as e:
                last = e
            time.sleep(0.1)
        raise AssertionError("dyadtoned did not become SERVING: %s" % last)

    def cli(self, server, *args, env=None):
        return subprocess.run(
            [ARGS.cli, "--target=" + server.target] + list(args),
            capture_output=True, text=True, timeout=120,
            env=dict(os.environ, NO_COLOR="1", **(env or {})))

    def trend_request(self):
        return self.pb.GetTrendRequest(dyad=self.pb.Dyad(a="PAK", b="USA"),
                                       granularity=self.pb.GRANULARITY_MONTH)

    def ingest(self, channel, token=None):
        metadata = [("authorization", "Bearer " + token)] if token else None
        article = self.pb.Article(id="python-1", text=(
            b"date 2024-05-02\nPakistan and the United States reaffirmed "
            b"their commitment to bilateral relations.\n"))
        return self.pb_grpc.ToneServiceStub(channel).IngestArticles(
            iter([self.pb.IngestArticlesRequest(article=article)]),
            metadata=metadata, timeout=20)

    def assert_code(self, call, code, message=None):
        with self.assertRaises(self.grpc.RpcError) as caught:
            call()
        self.assertEqual(caught.exception.code(), code,
                         caught.exception.details())
        if message is not None:
            self.assertIn(message, caught.exception.details())

    def assert_no_token(self, log):
        for secret in (TOKEN, NEW_TOKEN, WRONG_TOKEN):
            self.assertNotIn(secret, log)
            self.assertNotIn(secret[-16:], log)
        self.assertNotIn('"authorization"', log)

    def test_bad_settings_stop_the_server_before_the_store(self):
        garbage = self.write("garbage.pem", "not PEM\n")
        empty = self.write("empty-tokens.txt", "# no token yet\n")
        cases = [
            (["--tls-cert=" + self.cert("server.pem")], {},
             "server.pem without its key"),
            ([], {"DYADTONE_TLS_KEY": self.cert("server.key")},
             "server.key without a certificate"),
            (["--tls-cert=" + garbage, "--tls-key=" + self.cert("server.key")],
             {}, garbage + ": no PEM certificate"),
            (["--tls-cert", self.cert("server.pem"),
              "--tls-key", self.cert("client.key")], {},
             "client.key is not the key of the TLS certificate"),
            (["--tls-cert=" + self.cert("expired.pem"),
              "--tls-key=" + self.cert("server.key")], {},
             "the certificate expired on"),
            (["--tls-client-ca=" + self.cert("ca.pem")], {},
             "--tls-client-ca needs TLS"),
            (["--auth-token-file=" + os.path.join(self.tmp, "nope")], {},
             "token file: cannot open " + os.path.join(self.tmp, "nope")),
            ([], {"DYADTONE_AUTH_TOKEN_FILE": empty}, empty + ": no token"),
            (["--auth-reads=token"], {}, "--auth-reads=token needs"),
            (["--auth-reads=closed"], {}, '"closed" is neither'),
        ]
        for i, (flags, env, message) in enumerate(cases):
            db = os.path.join(self.tmp, "bad%d.db" % i)
            out = subprocess.run(
                [ARGS.dyadtoned, "--listen=127.0.0.1:0", "--store=sqlite:" + db]
                + flags, capture_output=True, text=True, timeout=60,
                env=dict(os.environ, **env))
            self.assertEqual(out.returncode, 1, (flags, env, out.stderr))
            line = json.loads(out.stderr.strip().splitlines()[-1])
            self.assertEqual(line["level"], "error")
            self.assertIn(message, line["error"], (flags, env))
            self.assertFalse(os.path.exists(db), "the store was opened")

    def test_tls_and_tokens(self):
        # TLS through the environment, the token file through a dashed flag.
        server = self.start("tls", ["--auth-token-file", self.token_file], env={
            "DYADTONE_TLS_CERT": self.cert("server.pem"),
            "DYADTONE_TLS_KEY": self.cert("server.key")})
        try:
            self.check_tls_and_tokens(server)
        finally:
            log = self.stop(server)
        self.assert_no_token(log)
        self.assertIn('"code":"UNAUTHENTICATED"', log)
        self.assertIn('"transport":"tls"', log)

    def check_tls_and_tokens(self, server):
        examples = os.path.join(ARGS.repo, "examples", "articles")
        tls = ["--tls-ca", self.cert("ca.pem")]
        r = self.cli(server, *tls, "--token-file", self.token_file, "ingest",
                     examples)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("5 stored", r.stdout)
        r = self.cli(server, *tls, "--format=json", "trend", "PAK", "USA")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([p["periodStart"] for p in json.loads(r.stdout)["points"]],
                         e2e_test.EXPECTED_PERIODS)
        # No token, a wrong one, plaintext.
        r = self.cli(server, *tls, "ingest", examples)
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("UNAUTHENTICATED: missing authorization: Bearer metadata",
                      r.stderr)
        r = self.cli(server, *tls, "ingest", examples,
                     env={"DYADTONE_TOKEN": WRONG_TOKEN})
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("UNAUTHENTICATED: invalid bearer token", r.stderr)
        r = self.cli(server, "health")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("UNAVAILABLE", r.stderr)
        # The second token of the file, from the environment; the name the
        # certificate carries instead of the address.
        r = self.cli(server, *tls, "--tls-server-name=localhost",
                     "--format=json", "ingest", examples,
                     env={"DYADTONE_TOKEN": NEW_TOKEN})
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(json.loads(r.stdout).get("unchanged"), 5, r.stdout)

        # Python's grpcio over TLS.
        ch = self.channel(server)
        stub = self.pb_grpc.ToneServiceStub(ch)
        trend = stub.GetTrend(self.trend_request(), timeout=20)
        self.assertEqual([p.period_start for p in trend.points],
                         e2e_test.EXPECTED_PERIODS)
        self.assert_code(lambda: self.ingest(ch),
                         self.grpc.StatusCode.UNAUTHENTICATED,
                         "missing authorization: Bearer metadata")
        self.assert_code(lambda: self.ingest(ch, WRONG_TOKEN),
                         self.grpc.StatusCode.UNAUTHENTICATED,
                         "invalid bearer token")
        self.assertEqual(self.ingest(ch, TOKEN).stored, 1)
        self.assert_code(
            lambda: self.pb_grpc.ToneServiceStub(
                self.channel(server, tls=False)).GetTrend(
                    self.trend_request(), timeout=20),
            self.grpc.StatusCode.UNAVAILABLE)

        # buf curl over https, through reflection (open).
        out = self.buf_curl(server, [])
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("2024-05-01", out.stdout)

    def test_sighup_reads_the_token_file_again(self):
        """Token rotation without a restart: the file is rewritten and
        dyadtoned gets SIGHUP; a file that does not parse keeps the tokens
        that serve."""
        token_file = self.write("rotating.txt", TOKEN + "\n")
        server = self.start("rotate", [
            "--tls-cert=" + self.cert("server.pem"),
            "--tls-key=" + self.cert("server.key"),
            "--auth-token-file=" + token_file])
        try:
            ch = self.channel(server)
            self.assertEqual(self.ingest(ch, TOKEN).stored, 1)
            self.write("rotating.txt", "# rotated\n" + NEW_TOKEN + "\n")
            server.proc.send_signal(signal.SIGHUP)
            self.wait_for_log(server, '"msg":"tokens reloaded"')
            self.assert_code(lambda: self.ingest(ch, TOKEN),
                             self.grpc.StatusCode.UNAUTHENTICATED,
                             "invalid bearer token")
            self.assertEqual(self.ingest(ch, NEW_TOKEN).unchanged, 1)

            self.write("rotating.txt", NEW_TOKEN + "\nnot a token\n")
            server.proc.send_signal(signal.SIGHUP)
            self.wait_for_log(server, "token reload failed")
            self.assertEqual(self.ingest(ch, NEW_TOKEN).unchanged, 1)
            self.assertTrue(server.proc.poll() is None)
        finally:
            log = self.stop(server)
        self.assert_no_token(log)
        self.assertIn(
            '"error":"%s:2: one token a line' % token_file, log)
        self.assertIn('"tokens":"1"', log)

    def test_renewed_certificate_serves_without_a_restart(self):
        """The certificate and key files are replaced in place (as a
        Kubernetes Secret is): new connections get the new certificate
        within --tls-reload-seconds, with no restart."""
        live = os.path.join(self.tmp, "live")
        os.makedirs(live)
        for name in ("server.pem", "server.key"):
            shutil.copy(self.cert(name), os.path.join(live, name))
        renewed = os.path.join(self.tmp, "renewed-certs")
        subprocess.run(["sh", os.path.join(ARGS.repo, "tests",
                                           "make_test_certs.sh"), renewed],
                       check=True, capture_output=True, timeout=60)
        with open(os.path.join(renewed, "ca.pem"), "rb") as f:
            renewed_ca = f.read()
        server = self.start("renew", [
            "--tls-cert=" + os.path.join(live, "server.pem"),
            "--tls-key=" + os.path.join(live, "server.key"),
            "--tls-reload-seconds=1"])
        try:
            self.assertEqual(self.health(server, self.read_cert("ca.pem")),
                             "SERVING")
            self.assertNotEqual(self.health(server, renewed_ca), "SERVING")
            for name in ("server.key", "server.pem"):  # each file whole
                shutil.copy(os.path.join(renewed, name),
                            os.path.join(live, name + ".new"))
                os.replace(os.path.join(live, name + ".new"),
                           os.path.join(live, name))
            for _ in range(100):
                if self.health(server, renewed_ca) == "SERVING":
                    break
                time.sleep(0.1)
            self.assertEqual(self.health(server, renewed_ca), "SERVING")
            self.assertEqual(self.health(server, self.read_cert("ca.pem")),
                             "UNAVAILABLE")
            self.assertTrue(server.proc.poll() is None)
        finally:
            self.stop(server)

    def health(self, server, ca_pem):
        """The health status over a new TLS connection trusting ca_pem, or
        the error's code name."""
        try:
            with self.grpc.secure_channel(
                    server.target,
                    self.grpc.ssl_channel_credentials(ca_pem)) as ch:
                r = self.health_grpc.HealthStub(ch).Check(
                    self.health_pb.HealthCheckRequest(), timeout=2)
                return self.health_pb.HealthCheckResponse.ServingStatus.Name(
                    r.status)
        except self.grpc.RpcError as e:
            return e.code().name

    def wait_for_log(self, server, text):
        """Polls the server's log for `text`, at most 100 times 0.1 s."""
        for _ in range(100):
            server.log.flush()
            with open(server.log_path) as f:
                if text in f.read():
                    return
            time.sleep(0.1)
        self.fail("not in the server's log: " + text)

    def buf_curl(self, server, flags):
        buf = os.path.join(ARGS.repo, "node_modules", ".bin", "buf")
        return subprocess.run(
            [buf, "curl", "--protocol", "grpc", "--cacert", self.cert("ca.pem")]
            + flags + ["-d", '{"dyad":{"a":"PAK","b":"USA"}}',
                       "https://%s/dyadtone.v1.ToneService/GetTrend"
                       % server.target],
            capture_output=True, text=True, timeout=60)

    def test_mutual_tls_and_closed_reads(self):
        server = self.start("mtls", [
            "--tls-cert=" + self.cert("server.pem"),
            "--tls-key=" + self.cert("server.key"),
            "--tls-client-ca=" + self.cert("ca.pem"),
            "--auth-token-file=" + self.token_file, "--auth-reads=token"],
            client_cert=True)
        try:
            self.check_mutual_tls_and_closed_reads(server)
        finally:
            log = self.stop(server)
        self.assert_no_token(log)
        self.assertIn('"transport":"mutual tls"', log)
        self.assertIn('"tokens_for":"reads and writes"', log)

    def check_mutual_tls_and_closed_reads(self, server):
        tls = ["--tls-ca", self.cert("ca.pem")]
        mtls = tls + ["--tls-cert", self.cert("client.pem"),
                      "--tls-key", self.cert("client.key")]
        r = self.cli(server, *mtls, "--token-file", self.token_file,
                     "trend", "PAK", "USA")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = self.cli(server, *mtls, "trend", "PAK", "USA")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("UNAUTHENTICATED", r.stderr)
        r = self.cli(server, *mtls, "health")  # health needs no token
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = self.cli(server, *tls, "--token-file", self.token_file, "health")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("UNAVAILABLE", r.stderr)

        good = self.pb_grpc.ToneServiceStub(
            self.channel(server, client_cert="client"))
        self.assert_code(lambda: good.GetTrend(self.trend_request(),
                                               timeout=20),
                         self.grpc.StatusCode.UNAUTHENTICATED)
        good.GetTrend(self.trend_request(), timeout=20,
                      metadata=[("authorization", "Bearer " + NEW_TOKEN)])
        for client_cert in (None, "wrong-client"):
            stub = self.pb_grpc.ToneServiceStub(
                self.channel(server, client_cert=client_cert))
            self.assert_code(
                lambda: stub.GetTrend(
                    self.trend_request(), timeout=20,
                    metadata=[("authorization", "Bearer " + TOKEN)]),
                self.grpc.StatusCode.UNAVAILABLE)

        # Reflection is open: buf curl sends the token to GetTrend only.
        client = ["--cert", self.cert("client.pem"),
                  "--key", self.cert("client.key")]
        out = self.buf_curl(server, client + [
            "-H", "authorization: Bearer " + TOKEN])
        self.assertEqual(out.returncode, 0, out.stderr)
        out = self.buf_curl(server, client)
        self.assertNotEqual(out.returncode, 0, out.stdout)
        self.assertIn("unauthenticated", out.stderr.lower())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--dyadtoned", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--repo", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
