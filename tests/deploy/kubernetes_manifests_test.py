#!/usr/bin/python3
"""The Kubernetes manifests in deploy/kubernetes/, checked without a cluster.

Parses every YAML file (Debian's python3-yaml) and checks that the pieces fit
together and with the server and the image: the kustomization names files
that exist; the Service and the probes reach the container's port; the
environment names real dyadtoned flags; the store URL comes from the Secret
and the lexicon from the generated ConfigMap through a mounted volume; the
termination grace outlasts the server's shutdown grace; the pod runs as the
image's non-root user on a read-only root filesystem; requests and limits
are set and consistent; the ConfigMap's lexicon is the shipped one. When
kubectl is installed, also renders the kustomization with `kubectl
kustomize` (offline) and checks the rendered objects.

Usage: kubernetes_manifests_test.py --repo PATH
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import unittest

import yaml  # Debian: python3-yaml

ARGS = None


def quantity(value):
    """A Kubernetes CPU or memory quantity as a number (cores or bytes)."""
    m = re.fullmatch(r"([0-9.]+)(m|Ki|Mi|Gi|k|M|G)?", str(value))
    if not m:
        raise ValueError("bad quantity %r" % value)
    scale = {None: 1, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9,
             "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}[m.group(2)]
    return float(m.group(1)) * scale


class Manifests(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.dir = os.path.join(ARGS.repo, "deploy", "kubernetes")
        cls.objects = []
        for name in sorted(os.listdir(cls.dir)):
            if name.endswith((".yaml", ".yml")):
                with open(os.path.join(cls.dir, name)) as f:
                    docs = [d for d in yaml.safe_load_all(f) if d is not None]
                cls.objects += [(name, d) for d in docs]
        cls.kustomization = cls.only("Kustomization")

    @classmethod
    def only(cls, kind):
        found = [d for _, d in cls.objects if d.get("kind") == kind]
        assert len(found) == 1, "%d %s objects" % (len(found), kind)
        return found[0]

    def objects_of(self, kind):
        return [d for _, d in self.objects if d.get("kind") == kind]

    def container(self):
        pod = self.only("Deployment")["spec"]["template"]["spec"]
        self.assertEqual(len(pod["containers"]), 1)
        return pod, pod["containers"][0]

    def env(self):
        return {e["name"]: e for e in self.container()[1].get("env", [])}

    def test_every_object_is_well_formed(self):
        self.assertGreaterEqual(len(self.objects), 6)
        for name, d in self.objects:
            self.assertIsInstance(d, dict, name)
            self.assertIn("apiVersion", d, name)
            self.assertIn("kind", d, name)
            if d["kind"] != "Kustomization":
                self.assertTrue(d.get("metadata", {}).get("name"), name)

    def test_kustomization_lists_every_manifest_and_file(self):
        listed = set(self.kustomization["resources"])
        for name in listed:
            self.assertTrue(os.path.isfile(os.path.join(self.dir, name)), name)
        on_disk = {n for n, d in self.objects if d["kind"] != "Kustomization"}
        self.assertEqual(listed, on_disk)
        for generator in self.kustomization["configMapGenerator"]:
            for f in generator["files"]:
                path = f.split("=", 1)[-1]
                self.assertTrue(os.path.isfile(os.path.join(self.dir, path)), f)

    def test_deployment_replicas_and_selectors(self):
        d = self.only("Deployment")
        self.assertGreaterEqual(d["spec"]["replicas"], 2)
        pod_labels = d["spec"]["template"]["metadata"]["labels"]
        selector = d["spec"]["selector"]["matchLabels"]
        self.assertLessEqual(selector.items(), pod_labels.items())
        for svc in self.objects_of("Service") + self.objects_of(
                "PodDisruptionBudget"):
            sel = svc["spec"]["selector"]
            sel = sel.get("matchLabels", sel)
            self.assertTrue(sel)
            self.assertLessEqual(sel.items(), pod_labels.items(),
                                 svc["metadata"]["name"])

    def test_services_and_probes_reach_the_grpc_port(self):
        _, c = self.container()
        ports = {p["name"]: p["containerPort"] for p in c["ports"]}
        self.assertEqual(ports.get("grpc"), 50051)
        listen = self.env()["DYADTONE_LISTEN"]["value"]
        self.assertTrue(listen.endswith(":%d" % ports["grpc"]), listen)
        for svc in self.objects_of("Service"):
            for p in svc["spec"]["ports"]:
                target = p["targetPort"]
                self.assertIn(target if isinstance(target, int)
                              else ports.get(target), ports.values(), svc)
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            if probe == "startupProbe" and probe not in c:
                continue
            self.assertEqual(c[probe]["grpc"]["port"], ports["grpc"], probe)
        self.assertIn("readinessProbe", c)
        self.assertIn("livenessProbe", c)

    def test_environment_names_real_server_flags(self):
        with open(os.path.join(ARGS.repo, "service", "server", "main.cc")) as f:
            flags = set(re.findall(r"ABSL_FLAG\(\s*[\w:]+\s*,\s*(\w+)", f.read()))
        self.assertIn("store", flags)
        for name in self.env():
            self.assertTrue(name.startswith("DYADTONE_"), name)
            self.assertIn(name[len("DYADTONE_"):].lower(), flags, name)

    def test_store_url_comes_from_the_secret(self):
        ref = self.env()["DYADTONE_STORE"]["valueFrom"]["secretKeyRef"]
        secrets = {s["metadata"]["name"]: s for s in self.objects_of("Secret")}
        self.assertIn(ref["name"], secrets)
        data = secrets[ref["name"]].get("stringData", {})
        self.assertIn(ref["key"], data)
        self.assertTrue(data[ref["key"]].startswith("postgresql://"))

    def test_lexicon_comes_from_the_configmap_through_a_mount(self):
        pod, c = self.container()
        path = self.env()["DYADTONE_LEXICON"]["value"]
        mounts = [m for m in c["volumeMounts"]
                  if path.startswith(m["mountPath"].rstrip("/") + "/")]
        self.assertEqual(len(mounts), 1, path)
        volume = next(v for v in pod["volumes"]
                      if v["name"] == mounts[0]["name"])
        generated = {g["name"]: [f.split("=", 1)[0].split("/")[-1]
                                 for f in g["files"]]
                     for g in self.kustomization["configMapGenerator"]}
        self.assertIn(volume["configMap"]["name"], generated)
        self.assertIn(os.path.basename(path),
                      generated[volume["configMap"]["name"]])

    def test_configmap_lexicon_is_the_shipped_one(self):
        with open(os.path.join(self.dir, "lexicon.txt"), "rb") as f:
            deployed = f.read()
        with open(os.path.join(ARGS.repo, "data", "lexicon.txt"), "rb") as f:
            shipped = f.read()
        self.assertEqual(deployed, shipped,
                         "copy data/lexicon.txt to deploy/kubernetes/")
        self.assertLess(len(deployed), 1 << 20, "a ConfigMap holds 1 MiB")

    def test_termination_outlasts_the_shutdown_grace(self):
        pod, c = self.container()
        grace = int(self.env()["DYADTONE_SHUTDOWN_GRACE_SECONDS"]["value"])
        pre_stop = c.get("lifecycle", {}).get("preStop", {}).get("exec", {})
        sleep = pre_stop.get("command", ["sleep", "0"])
        self.assertEqual(sleep[0], "sleep")
        self.assertGreater(pod["terminationGracePeriodSeconds"],
                           grace + int(sleep[1]))

    def test_non_root_read_only_as_the_image_user(self):
        pod, c = self.container()
        self.assertTrue(pod["securityContext"]["runAsNonRoot"])
        self.assertTrue(c["securityContext"]["readOnlyRootFilesystem"])
        self.assertFalse(c["securityContext"]["allowPrivilegeEscalation"])
        with open(os.path.join(ARGS.repo, "Dockerfile")) as f:
            user = re.search(r"^USER\s+(\d+)", f.read(), re.M)
        self.assertIsNotNone(user, "the Dockerfile has a numeric USER")
        self.assertEqual(pod["securityContext"]["runAsUser"],
                         int(user.group(1)))
        self.assertNotEqual(pod["securityContext"]["runAsUser"], 0)

    def test_resources_have_requests_within_limits(self):
        _, c = self.container()
        res = c["resources"]
        for kind in ("cpu", "memory"):
            self.assertLessEqual(quantity(res["requests"][kind]),
                                 quantity(res["limits"][kind]), kind)
        # Above the measured peak RSS after load (36 MiB).
        self.assertGreater(quantity(res["requests"]["memory"]), 36 * 2**20)

    def test_quantity_parser(self):
        self.assertEqual(quantity("250m"), 0.25)
        self.assertEqual(quantity("64Mi"), 64 * 2**20)
        self.assertEqual(quantity("2"), 2)
        with self.assertRaises(ValueError):
            quantity("64 MB")

    @unittest.skipUnless(shutil.which("kubectl"), "kubectl is not installed")
    def test_kubectl_kustomize_renders(self):
        out = subprocess.run(["kubectl", "kustomize", self.dir],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        rendered = [d for d in yaml.safe_load_all(out.stdout) if d]
        kinds = sorted(d["kind"] for d in rendered)
        self.assertEqual(kinds, ["ConfigMap", "Deployment",
                                 "PodDisruptionBudget", "Secret", "Service",
                                 "Service"])
        cm = next(d for d in rendered if d["kind"] == "ConfigMap")
        self.assertIn("lexicon.txt", cm["data"])
        deployment = next(d for d in rendered if d["kind"] == "Deployment")
        volumes = deployment["spec"]["template"]["spec"]["volumes"]
        self.assertIn(cm["metadata"]["name"],
                      [v.get("configMap", {}).get("name") for v in volumes])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
