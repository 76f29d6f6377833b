#!/usr/bin/env python3
"""Builds a benchmark image as an OCI image layout, reproducibly.

Two images share every layer but the top one:

  bench/KIND:a  =  base layers + top layer "a"
  bench/KIND:b  =  base layers + top layer "b"

KIND "large", base layers (about 1.1 GB uncompressed, ~60,000 files):
  1. the Debian 12 minbase fixture layer of the test kit (reused blob, not rebuilt)
  2-3. every jar in the local Maven repository, in two layers
  4. Go binaries: the Go toolchain's commands and the Kubernetes/Helm test binaries when present
  5. Python: generated site-packages with .dist-info metadata
  6. npm: a generated node_modules tree (package.json, JavaScript, README)
  7. data: ~300 MB of random-ish binary and text files (some with fake, generated test secrets)
KIND "binaries", an image of binaries (about 1.1 GB uncompressed), base layers:
  1. this machine's /usr/bin (ELF executables, a few scripts, symbolic links)
  2. Go binaries, as layer 4 of "large"
  3. this machine's JDK (the one running the benchmark: bin, lib/*.so, lib/modules)
  4. this machine's /usr/lib/gcc and /usr/libexec (compilers, helpers)
Top layers (both kinds): an application directory of ~25 MB each, with different content.

Layers are written as tar+gzip (level 6, the usual container build default) with sorted entries,
fixed mtimes and root ownership, so the same inputs give the same digests. Generated content is
derived from fixed seeds. Jars and Go binaries come from this machine, so their layers differ
between machines; the results record the layer sizes.

Also writes inventory.json (the package names and versions in the image) for the OSV generator.

Usage: large_image.py [--kind large|binaries] OUT_DIR [DEBIAN_FIXTURE_OCI_DIR]
  (the Debian fixture is needed for "large" only)
"""

import gzip
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

MTIME = 1704067200  # 2024-01-01T00:00:00Z
CREATED = "2024-01-01T00:00:00Z"
LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
CONFIG = "application/vnd.oci.image.config.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
INDEX = "application/vnd.oci.image.index.v1+json"
MIB = 1 << 20

WORDS = (
    "alpha beta gamma delta async await buffer cache chunk client codec config core crypto data "
    "date debug deep diff emit error event fast fetch file flag format glob graph hash http "
    "image index inflate json lazy lint list loader lodash logger map merge mime mini mock "
    "node object parse path pipe plugin pool promise proxy query queue range react read redis "
    "regex render request retry route schema semver serve signal sort split stream string style "
    "sync table task template test text time token tree type util uuid valid value view watch "
    "worker wrap write yaml zip"
).split()


class Layer:
    """Entries of one layer: path -> (kind, mode, content) where content is bytes, a Path or a
    callable returning bytes (generated when written)."""

    def __init__(self, created_by):
        self.created_by = created_by
        self.entries = {}

    def file(self, path, content, mode=0o644):
        self.entries[path] = ("file", mode, content)

    def symlink(self, path, target):
        self.entries[path] = ("symlink", 0o777, target)

    def add_parents(self):
        for path in list(self.entries):
            parts = path.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                d = "/".join(parts[:i])
                if d not in self.entries:
                    self.entries[d] = ("dir", 0o755, None)


class HashingGzipWriter:
    """File object for tarfile: hashes the tar (diff ID), gzips it, hashes and writes the blob."""

    def __init__(self, out):
        self.out = out
        self.diff = hashlib.sha256()
        self.digest = hashlib.sha256()
        self.gz = zlib.compressobj(6, zlib.DEFLATED, 31)  # gzip header with mtime 0, no name
        self.size = 0
        self.raw = 0

    def write(self, b):
        self.diff.update(b)
        self.raw += len(b)
        self._emit(self.gz.compress(b))
        return len(b)

    def _emit(self, c):
        if c:
            self.digest.update(c)
            self.out.write(c)
            self.size += len(c)

    def finish(self):
        self._emit(self.gz.flush())


def write_layer(blobs, layer):
    layer.add_parents()
    tmp = blobs / f"tmp-{os.getpid()}-{id(layer)}"
    files = 0
    with open(tmp, "wb") as out:
        w = HashingGzipWriter(out)
        with tarfile.open(fileobj=w, mode="w|", format=tarfile.GNU_FORMAT, bufsize=MIB) as tar:
            for path in sorted(layer.entries):
                kind, mode, content = layer.entries[path]
                info = tarfile.TarInfo(path)
                info.mtime, info.mode, info.uid, info.gid, info.uname, info.gname = (
                    MTIME, mode, 0, 0, "", "")
                if kind == "dir":
                    info.type = tarfile.DIRTYPE
                    tar.addfile(info)
                elif kind == "symlink":
                    info.type, info.linkname = tarfile.SYMTYPE, content
                    tar.addfile(info)
                else:
                    files += 1
                    if isinstance(content, Path):
                        info.size = content.stat().st_size
                        with open(content, "rb") as f:
                            tar.addfile(info, f)
                    else:
                        data = content() if callable(content) else content
                        info.size = len(data)
                        tar.addfile(info, io.BytesIO(data))
        w.finish()
    digest = w.digest.hexdigest()
    os.replace(tmp, blobs / digest)
    return {
        "digest": "sha256:" + digest,
        "size": w.size,
        "diffId": "sha256:" + w.diff.hexdigest(),
        "uncompressed": w.raw,
        "files": files,
        "createdBy": layer.created_by,
    }


def write_blob(blobs, data):
    digest = hashlib.sha256(data).hexdigest()
    (blobs / digest).write_bytes(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


def dumps(obj):
    return json.dumps(obj, separators=(",", ":"), sort_keys=False).encode()


# ---------------------------------------------------------------------------- generated content


def rng(*seed):
    return random.Random(":".join(str(s) for s in seed))


def code_text(r, size, comment="//"):
    """Source-code-like text: compressible like real code, never identical between files."""
    lines, n = [], 0
    while n < size:
        ident = "_".join(r.choices(WORDS, k=r.randint(1, 3)))
        kind = r.random()
        if kind < 0.15:
            line = f"{comment} {' '.join(r.choices(WORDS, k=r.randint(4, 12)))}"
        elif kind < 0.45:
            line = f"  const {ident} = {r.choice(WORDS)}({r.randint(0, 9999)}, '{r.choice(WORDS)}');"
        elif kind < 0.7:
            line = f"  if ({ident} !== undefined) {{ return {r.choice(WORDS)}.{r.choice(WORDS)}({ident}); }}"
        else:
            line = f"function {ident}{r.randint(0, 999)}({', '.join(r.choices(WORDS, k=3))}) {{"
        lines.append(line)
        n += len(line) + 1
    return ("\n".join(lines) + "\n").encode()


def fake_secret(r):
    """Generated test secrets in the shapes secret scanners look for (random, never real)."""
    up = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    b64 = alnum + "+/"
    kind = r.randrange(3)
    if kind == 0:
        return ("aws_access_key_id = AKIA" + "".join(r.choices(up, k=16)) + "\n"
                + "aws_secret_access_key = " + "".join(r.choices(b64, k=40)) + "\n")
    if kind == 1:
        return "GITHUB_TOKEN=ghp_" + "".join(r.choices(alnum, k=36)) + "\n"
    body = "\n".join("".join(r.choices(b64, k=64)) for _ in range(12))
    return f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\n"


def binary_blob(seed, size):
    """Binary-looking content: random blocks mixed with repetitive, compressible blocks."""

    def make():
        r = rng("bin", seed)
        out = bytearray()
        while len(out) < size:
            n = min(64 * 1024, size - len(out))
            if r.random() < 0.6:
                out += r.randbytes(n)
            else:
                pattern = r.randbytes(r.randint(8, 256))
                out += (pattern * (n // len(pattern) + 1))[:n]
        return bytes(out)

    return make


def text_blob(seed, size, secrets):
    """Log/config-like text with hex ids and base64 payloads; some files carry a fake secret."""

    def make():
        r = rng("text", seed)
        parts, n = [], 0
        if secrets:
            s = fake_secret(r)
            parts.append(s)
            n += len(s)
        while n < size:
            line = (f"2024-01-01T00:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}Z "
                    f"{r.choice(['INFO', 'WARN', 'DEBUG'])} {r.choice(WORDS)}.{r.choice(WORDS)} "
                    f"id={r.randbytes(8).hex()} payload={r.randbytes(24).hex()} "
                    f"{' '.join(r.choices(WORDS, k=6))}\n")
            parts.append(line)
            n += len(line)
        return "".join(parts).encode()[:size]

    return make


# ---------------------------------------------------------------------------- layers


def jar_layers(m2):
    jars = sorted(p for p in m2.rglob("*.jar") if p.is_file() and not p.is_symlink())
    total = sum(p.stat().st_size for p in jars)
    layers = [Layer("COPY libs-1 /opt/jars"), Layer("COPY libs-2 /opt/jars")]
    maven, acc = [], 0
    for p in jars:
        rel = p.relative_to(m2)
        layer = layers[0] if acc < total / 2 else layers[1]
        acc += p.stat().st_size
        layer.file("opt/jars/" + rel.as_posix(), p)
        parts = rel.parts
        if len(parts) >= 4:
            maven.append({"name": ".".join(parts[:-3]) + ":" + parts[-3], "version": parts[-2]})
    return layers, maven


def go_layer(goroot, extra_bins):
    layer = Layer("COPY go binaries /usr/local")
    bins = []
    for d in [goroot / "bin", *sorted((goroot / "pkg" / "tool").glob("linux_*"))]:
        for p in sorted(d.iterdir()):
            if p.is_file():
                bins.append(("usr/local/go/" + p.relative_to(goroot).as_posix(), p))
    for p in extra_bins:
        bins.append(("usr/local/bin/" + p.name, p))
    modules = {}
    for path, p in bins:
        layer.file(path, p, 0o755)
        out = subprocess.run(["go", "version", "-m", str(p)], capture_output=True, text=True)
        for line in out.stdout.splitlines():
            f = line.strip().split("\t")
            if len(f) >= 3 and f[0] in ("mod", "dep") and f[2].startswith("v"):
                modules[(f[1], f[2])] = True
    return layer, [{"name": n, "version": v} for n, v in sorted(modules)]


def tree_layer(created_by, trees):
    """Files and symbolic links of local directory trees: [(source dir, path in the image)]."""
    layer = Layer(created_by)
    for src, dest in trees:
        if not src.is_dir():
            raise SystemExit(f"{src} is not a directory on this machine")
        for p in sorted(src.rglob("*")):
            path = dest + "/" + p.relative_to(src).as_posix()
            if p.is_symlink():
                layer.symlink(path, os.readlink(p))
            elif p.is_file() and os.access(p, os.R_OK):
                layer.file(path, p, p.stat().st_mode & 0o755)
    return layer


def python_layer(count):
    layer = Layer("RUN pip install -r requirements.txt")
    site = "usr/local/lib/python3.11/site-packages/"
    pkgs = []
    for i in range(count):
        r = rng("pypi", i)
        name = f"{r.choice(WORDS)}-{r.choice(WORDS)}-{i}"
        version = f"{r.randint(0, 5)}.{r.randint(0, 30)}.{r.randint(0, 20)}"
        mod = name.replace("-", "_")
        di = f"{site}{mod}-{version}.dist-info/"
        meta = (f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
                f"Summary: {' '.join(r.choices(WORDS, k=8))}\nLicense: MIT\n"
                f"Requires-Python: >=3.8\n\n{' '.join(r.choices(WORDS, k=200))}\n")
        layer.file(di + "METADATA", meta.encode())
        layer.file(di + "WHEEL", b"Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        layer.file(di + "INSTALLER", b"pip\n")
        layer.file(di + "top_level.txt", (mod + "\n").encode())
        layer.file(di + "RECORD", f"{mod}/__init__.py,,\n{mod}/core.py,,\n".encode())
        layer.file(f"{site}{mod}/__init__.py", f"from .core import *\n__version__ = '{version}'\n".encode())
        layer.file(f"{site}{mod}/core.py", code_text(rng("py", i), 20000, "#"))
        pkgs.append({"name": name, "version": version})
    # a few real names, so advisories for well-known packages can match
    for name, version in [("urllib3", "1.26.5"), ("requests", "2.25.1"), ("PyYAML", "5.3.1"), ("Jinja2", "2.11.2")]:
        di = f"{site}{name}-{version}.dist-info/"
        layer.file(di + "METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode())
        layer.file(di + "RECORD", b"")
        pkgs.append({"name": name, "version": version})
    return layer, pkgs


def npm_layer(count):
    layer = Layer("RUN npm ci")
    root = "srv/web/node_modules/"
    pkgs = []
    real = [("lodash", "4.17.20"), ("minimist", "1.2.5"), ("express", "4.17.1"), ("axios", "0.21.1"),
            ("moment", "2.29.1"), ("node-fetch", "2.6.0"), ("ws", "7.4.5"), ("semver", "7.3.4")]
    for i in range(count + len(real)):
        r = rng("npm", i)
        if i < len(real):
            name, version = real[i]
        else:
            name = f"{r.choice(WORDS)}-{r.choice(WORDS)}-{i}"
            if i % 7 == 0:
                name = f"@{r.choice(WORDS)}/{name}"
            version = f"{r.randint(0, 9)}.{r.randint(0, 40)}.{r.randint(0, 30)}"
        d = root + name + "/"
        deps = {f"{r.choice(WORDS)}-{r.choice(WORDS)}-{r.randrange(count)}": f"^{r.randint(0, 9)}.0.0"
                for _ in range(r.randint(0, 4))}
        pj = {"name": name, "version": version, "description": " ".join(r.choices(WORDS, k=8)),
              "main": "index.js", "license": "MIT", "dependencies": deps}
        layer.file(d + "package.json", json.dumps(pj, indent=2).encode())
        layer.file(d + "index.js", code_text(rng("js", i, 0), 6000))
        layer.file(d + "lib/a.js", code_text(rng("js", i, 1), 4000))
        layer.file(d + "lib/b.js", code_text(rng("js", i, 2), 3000))
        layer.file(d + "README.md", (" ".join(r.choices(WORDS, k=300)) + "\n").encode())
        layer.file(d + "LICENSE", b"MIT License\n\nPermission is hereby granted, free of charge...\n")
        pkgs.append({"name": name, "version": version})
    return layer, pkgs


def data_layer():
    layer = Layer("COPY data /var/lib/app")
    for i in range(150):
        layer.file(f"var/lib/app/blobs/{i:04d}.bin", binary_blob(i, MIB))
    for i in range(5):
        layer.file(f"var/lib/app/archives/{i:02d}.pak", binary_blob(1000 + i, 10 * MIB))
    for i in range(100):
        ext = ["log", "txt", "json", "env", "conf"][i % 5]
        layer.file(f"var/lib/app/text/{i:04d}.{ext}", text_blob(i, MIB, secrets=(i % 10 == 3)))
    return layer


def top_layer(tag):
    layer = Layer(f"COPY app-{tag} /srv/app")
    for i in range(20):
        layer.file(f"srv/app/assets/{i:03d}.bin", binary_blob(f"top-{tag}-{i}", MIB))
    layer.file("srv/app/config/application.env", text_blob(f"top-{tag}", 64 * 1024, secrets=True))
    for i in range(200):
        layer.file(f"srv/app/static/js/{i:03d}.js", code_text(rng("top", tag, i), 24000))
    layer.file("srv/app/package.json", json.dumps({"name": f"bench-app-{tag}", "version": "1.0.0"}).encode())
    return layer


def debian_packages(blob):
    """Binary package, source package and version from var/lib/dpkg/status in the layer."""
    with tarfile.open(blob, mode="r|gz") as tar:
        for m in tar:
            if m.name.lstrip("./") == "var/lib/dpkg/status":
                text = tar.extractfile(m).read().decode()
                break
        else:
            raise SystemExit(f"no var/lib/dpkg/status in {blob}")
    pkgs = []
    for stanza in text.split("\n\n"):
        fields = {}
        for line in stanza.splitlines():
            if ":" in line and not line.startswith(" "):
                k, v = line.split(":", 1)
                fields[k] = v.strip()
        if "Package" in fields and "Version" in fields:
            source = fields.get("Source", fields["Package"]).split(" ")[0]
            pkgs.append({"name": fields["Package"], "source": source, "version": fields["Version"]})
    return pkgs


def main():
    args = sys.argv[1:]
    kind = "large"
    if args[:1] == ["--kind"]:
        kind, args = args[1], args[2:]
    out = Path(args[0])
    started = time.time()
    oci = out / "oci"
    blobs = oci / "blobs" / "sha256"
    blobs.mkdir(parents=True, exist_ok=True)
    if kind == "binaries":
        base, inventory = binaries_base(blobs)
    elif kind == "large":
        base, inventory = large_base(blobs, Path(args[1]))
    else:
        raise SystemExit(f"unknown image kind {kind}")
    written = [write_layer(blobs, top_layer("a")), write_layer(blobs, top_layer("b"))]
    write_image(out, oci, blobs, base, written, inventory)
    print(f"built {oci} in {time.time() - started:.0f} s", file=sys.stderr)


def go_inputs():
    home = Path.home()
    goroot = Path(subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True, check=True).stdout.strip())
    cache = Path(os.environ.get("SEKISHO_TEST_CACHE", home / ".cache" / "sekisho-test"))
    extra = sorted(p for p in [*cache.glob("k8s/*/kubectl"), *cache.glob("k8s/*/etcd"),
                               *cache.glob("tools/helm-*/helm")] if p.is_file())
    return goroot, extra


def binaries_base(blobs):
    goroot, extra = go_inputs()
    go, gomods = go_layer(goroot, extra)
    java_home = Path(os.environ.get("JAVA_HOME", ""))
    if not (java_home / "lib" / "modules").is_file():
        raise SystemExit(f"set JAVA_HOME to a JDK (no lib/modules in '{java_home}')")
    layers = [
        tree_layer("COPY /usr/bin", [(Path("/usr/bin"), "usr/bin")]),
        go,
        tree_layer("COPY jdk /opt/java", [(java_home, "opt/java")]),
        tree_layer("COPY /usr/lib/gcc /usr/libexec",
                   [(Path("/usr/lib/gcc"), "usr/lib/gcc"), (Path("/usr/libexec"), "usr/libexec")]),
    ]
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        base = list(pool.map(lambda l: write_layer(blobs, l), layers))
    return base, {"debian": [], "maven": [], "go": gomods, "pypi": [], "npm": []}


def large_base(blobs, fixture):
    # layer 1: the Debian fixture's own blob
    index = json.loads((fixture / "index.json").read_text())
    fblobs = fixture / "blobs" / "sha256"
    fman = json.loads((fblobs / index["manifests"][0]["digest"].split(":")[1]).read_text())
    fcfg = json.loads((fblobs / fman["config"]["digest"].split(":")[1]).read_text())
    flayer = fman["layers"][0]
    src = fblobs / flayer["digest"].split(":")[1]
    dst = blobs / src.name
    if not dst.exists():
        shutil.copyfile(src, dst)
    with tarfile.open(src, mode="r|gz") as tar:
        nfiles = sum(1 for m in tar if m.isfile())
    with gzip.open(src) as g:
        raw = g.seek(0, io.SEEK_END)  # the tar's size
    debian = {"digest": flayer["digest"], "size": flayer["size"], "diffId": fcfg["rootfs"]["diff_ids"][0],
              "uncompressed": raw, "files": nfiles, "createdBy": "debootstrap --variant=minbase bookworm"}

    m2 = Path(os.environ.get("BENCH_M2", Path.home() / ".m2" / "repository"))
    goroot, extra = go_inputs()
    jars, maven = jar_layers(m2)
    go, gomods = go_layer(goroot, extra)
    py, pypi = python_layer(1200)
    npm, npmpkgs = npm_layer(6000)
    layers = [*jars, go, py, npm, data_layer()]
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        written = list(pool.map(lambda l: write_layer(blobs, l), layers))
    inventory = {"debian": debian_packages(src), "maven": maven, "go": gomods, "pypi": pypi, "npm": npmpkgs}
    return [debian, *written], inventory


def write_image(out, oci, blobs, base, written, inventory):

    tags = []
    for tag, top in (("a", written[0]), ("b", written[1])):
        ls = base + [top]
        config = {
            "created": CREATED, "architecture": "amd64", "os": "linux",
            "config": {"User": "10001", "ExposedPorts": {"8080/tcp": {}},
                       "Env": ["PATH=/usr/local/bin:/usr/bin:/bin", "NODE_ENV=production"],
                       "WorkingDir": "/srv/app", "Cmd": ["/srv/app/run"],
                       "Labels": {"org.opencontainers.image.title": f"sekisho-bench-large-{tag}"}},
            "rootfs": {"type": "layers", "diff_ids": [l["diffId"] for l in ls]},
            "history": [{"created": CREATED, "created_by": l["createdBy"]} for l in ls],
        }
        cfg = write_blob(blobs, dumps(config))
        manifest = {
            "schemaVersion": 2, "mediaType": MANIFEST,
            "config": {"mediaType": CONFIG, **cfg},
            "layers": [{"mediaType": LAYER_GZIP, "digest": l["digest"], "size": l["size"]} for l in ls],
        }
        man = write_blob(blobs, dumps(manifest))
        tags.append({"mediaType": MANIFEST, **man, "platform": {"architecture": "amd64", "os": "linux"},
                     "annotations": {"org.opencontainers.image.ref.name": tag}})
    (oci / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
    (oci / "index.json").write_bytes(dumps({"schemaVersion": 2, "mediaType": INDEX, "manifests": tags}))

    (out / "inventory.json").write_text(json.dumps(inventory, indent=1))
    with open(out / "layers.tsv", "w") as f:
        f.write("layer\tdigest\tfiles\tuncompressed_bytes\tcompressed_bytes\tcreated_by\n")
        for i, l in enumerate(base + written):
            name = f"top-{'ab'[i - len(base)]}" if i >= len(base) else str(i + 1)
            f.write(f"{name}\t{l['digest']}\t{l['files']}\t{l['uncompressed']}\t{l['size']}\t{l['createdBy']}\n")


if __name__ == "__main__":
    main()
