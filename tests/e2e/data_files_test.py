#!/usr/bin/python3
"""The data files of a real dyadtoned: a malformed lexicon or gazetteer at
start-up stops it with the file, line and reason; SIGHUP reloads edited
files; a bad file at reload is refused and the old data keeps serving.

Usage: data_files_test.py --dyadtoned PATH --cli PATH --repo PATH
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

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import dyadtone_e2e  # noqa: E402

ARGS = None


class DataFiles(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        import grpc
        cls.grpc = grpc
        cls.tmp = tempfile.TemporaryDirectory(prefix="dyadtone_data_")
        dyadtone_e2e.generate_stubs(cls.tmp.name, ARGS.repo)
        from dyadtone.v1 import tone_service_pb2, tone_service_pb2_grpc
        cls.pb, cls.pb_grpc = tone_service_pb2, tone_service_pb2_grpc

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=self.tmp.name)
        self.lexicon = os.path.join(self.dir, "lexicon.txt")
        self.gazetteer = os.path.join(self.dir, "gazetteer.txt")
        shutil.copy(os.path.join(ARGS.repo, "data", "gazetteer.txt"),
                    self.gazetteer)
        self.set_lexicon_version("e2e.1")
        self.log_path = os.path.join(self.dir, "server.log")

    def set_lexicon_version(self, version):
        with open(os.path.join(ARGS.repo, "data", "lexicon.txt")) as f:
            lines = f.read().split("\n")
        self.assertTrue(lines[0].startswith("@version "))
        lines[0] = "@version " + version
        with open(self.lexicon, "w") as f:
            f.write("\n".join(lines))

    def start(self):
        self.port = dyadtone_e2e.free_port()
        self.log = open(self.log_path, "a")
        self.addCleanup(self.log.close)
        proc = subprocess.Popen(
            [ARGS.dyadtoned, "--listen=127.0.0.1:%d" % self.port,
             "--store=sqlite:" + os.path.join(self.dir, "d.db"),
             "--lexicon=" + self.lexicon, "--gazetteer=" + self.gazetteer],
            stdout=self.log, stderr=self.log)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        return proc

    def log_lines(self):
        with open(self.log_path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def wait_for_log(self, msg):
        """The first log line with this msg, polled at most 100 x 0.1 s."""
        for _ in range(100):
            found = [l for l in self.log_lines() if l.get("msg") == msg]
            if found:
                return found[-1]
            time.sleep(0.1)
        self.fail("no %r line in the log: %s" % (msg, self.log_lines()))

    def lexicon_version(self):
        with self.grpc.insecure_channel("127.0.0.1:%d" % self.port) as ch:
            info = self.pb_grpc.ToneServiceStub(ch).GetServerInfo(
                self.pb.GetServerInfoRequest(), timeout=5)
            return info.lexicon_version

    def refuses_to_start(self):
        proc = self.start()
        code = proc.wait(timeout=60)
        self.assertEqual(code, 1)
        return self.wait_for_log("cannot load data files")["error"]

    def test_a_malformed_lexicon_stops_the_start_with_file_line_and_reason(self):
        with open(self.lexicon, "a") as f:
            f.write("\n[signals]\n  2.0 VCOOP\n")  # no pattern
        lines = open(self.lexicon).read().count("\n")
        error = self.refuses_to_start()
        self.assertIn("%s:%d:" % (self.lexicon, lines), error)

    def test_a_malformed_gazetteer_stops_the_start_with_file_line_and_reason(self):
        with open(self.gazetteer, "a") as f:
            f.write("\nnonsense line without a kind\n")
        error = self.refuses_to_start()
        self.assertIn(self.gazetteer + ":", error)
        self.assertIn("nonsense", error)

    def test_sighup_reloads_and_a_bad_file_keeps_the_old_data(self):
        proc = self.start()
        self.wait_for_log("serving")
        self.assertEqual(self.lexicon_version(), "e2e.1")

        self.set_lexicon_version("e2e.2")
        proc.send_signal(signal.SIGHUP)
        line = self.wait_for_log("reloaded")
        self.assertEqual(line["lexicon"], "e2e.2")
        self.assertEqual(line["trigger"], "SIGHUP")
        self.assertEqual(self.lexicon_version(), "e2e.2")

        with open(self.lexicon, "w") as f:
            f.write("@version e2e.3\n[signals]\n  oops VCOOP praise+\n")
        proc.send_signal(signal.SIGHUP)
        failed = self.wait_for_log("reload failed")
        self.assertIn(self.lexicon + ":3:", failed["error"])
        self.assertIn("still serving lexicon e2e.2", failed["error"])
        self.assertEqual(self.lexicon_version(), "e2e.2")

        # The CLI's reload: the same, through AdminService.ReloadData.
        self.set_lexicon_version("e2e.4")
        out = subprocess.run(
            [ARGS.cli, "--target=127.0.0.1:%d" % self.port, "--format=json",
             "reload"], capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        reply = json.loads(out.stdout)
        self.assertEqual(reply["previous"]["lexiconVersion"], "e2e.2")
        self.assertEqual(reply["current"]["lexiconVersion"], "e2e.4")
        self.assertTrue(reply["changed"])
        self.assertEqual(self.lexicon_version(), "e2e.4")

        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=30), 0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--dyadtoned", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--repo", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
