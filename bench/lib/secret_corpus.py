#!/usr/bin/env python3
"""Builds the secret-scanning corpus of bench/secrets.sh: stock content with planted secrets.

The corpus is one directory tree laid out as an image's root file system (ROOT), the same tree as
an OCI image layout with one layer per part (for Sekisho, which scans images), and two lists:
parts.json (each part's path prefixes, longest first wins) and planted.json (each planted file and
the kind of secret it holds, one secret per file).

Parts (stock content: every finding there is a false positive):
  debian   the test kit's Debian 12 minbase fixture layer, plus this machine's files of the Debian
           packages of the issue's reproduction (perl, git, openssh-client, python3.11 and their
           libraries), with their dpkg md5sums, as an image that installed them has them
  python   a CPython standard library (pyenv's, as the python image puts it: usr/local/lib/python3.X)
  node     this machine's global node_modules (npm, corepack), as the node image puts them
  pypi     wheels downloaded with pip, unpacked into that Python's site-packages
  npm      packages downloaded with npm pack, unpacked into the application's node_modules
  maven    jars of the local Maven repository (as jars) and their text resources (unpacked)
and one part of the application's own files holding planted secrets of every kind Sekisho has a
rule for, in the files where applications keep them (.env, properties, YAML, INI, .npmrc, ...).

Planted values are generated from a fixed seed in each issuer's documented format; none is real.

Usage: secret_corpus.py OUT DEBIAN_FIXTURE_OCI_DIR DOWNLOADS_DIR
"""

import base64
import hashlib
import json
import os
import random
import shutil
import string
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import large_image  # noqa: E402  (layer writing: reproducible tar+gzip)

DEBIAN_PACKAGES = [
    "perl", "perl-modules-5.36", "libperl5.36", "git", "git-man", "openssh-client",
    "python3.11", "python3.11-minimal", "libpython3.11-minimal", "libpython3.11-stdlib",
    "python3", "libpython3-stdlib", "ca-certificates", "openssl",
]
TEXT_SUFFIXES = (".properties", ".xml", ".json", ".yaml", ".yml", ".txt", ".conf", ".cfg", ".md",
                 ".MF", ".html", ".js", ".sql", ".xsd", ".dtd", ".list", ".factories", ".imports")
MAX_FILE = 10 << 20


def rnd(r, alphabet, n):
    return "".join(r.choice(alphabet) for _ in range(n))


ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = string.ascii_letters + string.digits + "+/"
B64URL = string.ascii_letters + string.digits + "-_"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
BECH32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def private_key_pem():
    """A real RSA key made by openssl for this corpus (never used anywhere)."""
    return subprocess.run(["openssl", "genrsa", "2048"], capture_output=True, check=True).stdout.decode()


def planted(r):
    """Planted files: path -> (rule id the file is planted for, content)."""
    p = {}
    key = private_key_pem()
    p["srv/app/certs/server.key"] = ("private-key", key)
    p["srv/app/config/aws.env"] = (
        "aws-access-key-id", "AWS_REGION=eu-central-1\nAWS_ACCESS_KEY_ID=AKIA" + rnd(r, B32, 16) + "\n")
    p["srv/app/.aws/credentials"] = (
        "aws-secret-access-key", "[default]\nregion = eu-central-1\naws_secret_access_key = " + rnd(r, ALNUM + "/+", 40) + "\n")
    sa = {
        "type": "service_account", "project_id": "shop-prod-4711",
        "private_key_id": rnd(r, HEX, 40),
        "private_key": key.replace("RSA PRIVATE KEY", "PRIVATE KEY"),
        "client_email": "deployer@shop-prod-4711.iam.gserviceaccount.com", "client_id": rnd(r, string.digits, 21),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "https://oauth2.googleapis.com/token",
    }
    p["srv/app/config/gcp-service-account.json"] = ("gcp-service-account-key", json.dumps(sa, indent=2) + "\n")
    p["srv/app/static/js/maps.js"] = (
        "gcp-api-key", "const MAPS_KEY = \"AIza" + rnd(r, ALNUM + "-_", 35) + "\";\nloadMaps(MAPS_KEY);\n")
    p["srv/app/config/storage.properties"] = (
        "azure-storage-account-key",
        "storage.connection=DefaultEndpointsProtocol=https;AccountName=shopdata;AccountKey="
        + rnd(r, ALNUM + "+/", 86) + "==;EndpointSuffix=core.windows.net\n")
    p["srv/app/.github-token"] = ("github-pat", "ghp_" + rnd(r, ALNUM, 36) + "\n")
    p["srv/app/scripts/release.sh"] = (
        "github-fine-grained-pat", "#!/bin/sh\nexport GH_TOKEN=github_pat_" + rnd(r, ALNUM, 22) + "_" + rnd(r, ALNUM, 59) + "\ngh release create \"$1\"\n")
    p["srv/app/config/oauth.yaml"] = ("github-oauth-token", "github:\n  oauth: gho_" + rnd(r, ALNUM, 36) + "\n")
    p["srv/app/.gitlab-token"] = ("gitlab-pat", "GITLAB_TOKEN=glpat-" + rnd(r, ALNUM + "-_", 20) + "\n")
    p["srv/app/ci/trigger.sh"] = (
        "gitlab-token", "curl -X POST -F token=glptt-" + rnd(r, HEX, 40) + " -F ref=main https://gitlab.example.org/api/v4/projects/7/trigger/pipeline\n")
    p["srv/app/config/bitbucket.ini"] = ("bitbucket-app-password", "[bitbucket]\nuser = deploy\napp_password = ATBB" + rnd(r, ALNUM, 32) + "\n")
    p["srv/app/config/slack.yaml"] = (
        "slack-token", "slack:\n  bot: xoxb-" + rnd(r, string.digits, 12) + "-" + rnd(r, string.digits, 13) + "-" + rnd(r, ALNUM, 24) + "\n")
    p["srv/app/config/alerts.json"] = (
        "slack-webhook-url", json.dumps({"webhook": "https://hooks.slack.com/services/T" + rnd(r, string.ascii_uppercase + string.digits, 8)
                                         + "/B" + rnd(r, string.ascii_uppercase + string.digits, 10) + "/" + rnd(r, ALNUM, 24)}) + "\n")
    p["srv/app/config/payments.env"] = ("stripe-secret-key", "STRIPE_KEY=sk_live_" + rnd(r, ALNUM, 24) + "\n")
    p["srv/app/config/twilio.js"] = (
        "twilio-api-key", "// Twilio client\nconst twilio = require('twilio');\nconst apiKey = 'SK" + rnd(r, HEX, 32) + "';\n")
    p["srv/app/config/mail.py"] = (
        "sendgrid-api-key", "SENDGRID = 'SG." + rnd(r, ALNUM + "-_", 22) + "." + rnd(r, ALNUM + "-_", 43) + "'\n")
    p["srv/app/ci/publish.env"] = ("npm-access-token", "NPM_TOKEN=npm_" + rnd(r, ALNUM, 36) + "\n")
    uuid = "-".join(rnd(r, HEX, n) for n in (8, 4, 4, 4, 12))
    p["srv/app/.npmrc"] = ("npmrc-auth-token", "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=" + uuid + "\n")
    p["srv/app/.pypirc"] = (
        "pypi-upload-token", "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc" + rnd(r, ALNUM + "-_", 60) + "\n")
    p["srv/app/config/ai.env"] = ("anthropic-api-key", "ANTHROPIC_API_KEY=sk-ant-api03-" + rnd(r, ALNUM + "-_", 93) + "AA\n")
    p["srv/app/config/openai.toml"] = (
        "openai-api-key", "[openai]\nkey = \"sk-proj-" + rnd(r, ALNUM, 40) + "T3BlbkFJ" + rnd(r, ALNUM, 40) + "\"\n")
    p["srv/app/config/hf.env"] = ("huggingface-token", "HF_TOKEN=hf_" + rnd(r, string.ascii_letters, 34) + "\n")
    p["srv/app/infra/do.tfvars"] = ("digitalocean-token", "do_token = \"dop_v1_" + rnd(r, HEX, 64) + "\"\n")
    p["srv/app/config/shop.env"] = ("shopify-token", "SHOPIFY_ACCESS_TOKEN=shpat_" + rnd(r, HEX, 32) + "\n")
    p["srv/app/keys/backup.agekey"] = (
        "age-secret-key", "# created: 2026-11-01T10:00:00Z\nAGE-SECRET-KEY-1" + rnd(r, BECH32, 58) + "\n")
    header = b64url(b'{"alg":"HS256","typ":"JWT"}')
    payload = b64url(json.dumps({"sub": "svc-" + rnd(r, HEX, 8), "role": "admin", "iat": 1764547200}).encode())
    p["srv/app/config/service-token.txt"] = ("jwt", header + "." + payload + "." + b64url(r.randbytes(32)) + "\n")
    auth = base64.b64encode(("deploy:" + rnd(r, ALNUM, 20)).encode()).decode()
    p["srv/app/.docker/config.json"] = (
        "docker-config-auth", json.dumps({"auths": {"registry.example.org": {"auth": auth}}}, indent=2) + "\n")
    p["srv/app/.env"] = ("generic-secret-assignment", "APP_ENV=production\nDB_HOST=db\nDB_PASSWORD=" + rnd(r, ALNUM, 24) + "\n")
    p["srv/app/config/application.properties"] = (
        "generic-secret-assignment",
        "spring.datasource.url=jdbc:postgresql://db:5432/shop\nspring.datasource.username=shop\nspring.datasource.password="
        + rnd(r, ALNUM + "!#%&*", 20) + "\n")
    p["srv/app/config/database.yaml"] = (
        "generic-secret-assignment", "production:\n  adapter: postgresql\n  username: shop\n  password: " + rnd(r, B64, 24) + "\n")
    p["srv/app/config/settings.ini"] = ("generic-secret-assignment", "[service]\nurl = https://api.example.org\napi_key = " + rnd(r, ALNUM, 32) + "\n")
    return p


def copy_file(src, dst):
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def regular(path):
    return path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_FILE


def build_debian(root, fixture):
    index = json.loads((fixture / "index.json").read_text())
    fblobs = fixture / "blobs" / "sha256"
    manifest = json.loads((fblobs / index["manifests"][0]["digest"].split(":")[1]).read_text())
    with tarfile.open(fblobs / manifest["layers"][0]["digest"].split(":")[1], mode="r|gz") as tar:
        for m in tar:
            name = m.name.lstrip("./")
            if m.isfile() and m.size <= MAX_FILE and not name.startswith(("dev/", "proc/", "sys/")):
                dst = root / name
                dst.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(m) as f, open(dst, "wb") as out:
                    shutil.copyfileobj(f, out)
    info = Path("/var/lib/dpkg/info")
    prefixes = set()
    for pkg in DEBIAN_PACKAGES:
        lists = [p for p in (info / f"{pkg}.list", info / f"{pkg}:amd64.list") if p.exists()]
        if not lists:
            continue
        lst = lists[0]
        for line in lst.read_text().splitlines():
            src = Path(line)
            if regular(src):
                copy_file(src, root / line.lstrip("/"))
                prefixes.add("/".join(line.lstrip("/").split("/")[:3]))
        md5 = lst.with_suffix(".md5sums")
        if md5.exists():
            copy_file(md5, root / "var/lib/dpkg/info" / md5.name)
    return prefixes


def build_python(root):
    pyenv = Path.home() / ".pyenv" / "versions"
    versions = sorted((p for p in pyenv.glob("3.12.*") if (p / "lib").is_dir()), reverse=True) if pyenv.is_dir() else []
    if not versions:
        return None
    lib = next(versions[0].glob("lib/python3.*"))
    dst = root / "usr/local/lib" / lib.name
    for src in lib.rglob("*"):
        rel = src.relative_to(lib)
        if rel.parts[0] == "site-packages" or "__pycache__" in rel.parts or not regular(src):
            continue
        copy_file(src, dst / rel)
    return "usr/local/lib/" + lib.name


def build_node(root):
    src_root = Path("/usr/lib/node_modules")
    if not src_root.is_dir():
        return None
    for src in src_root.rglob("*"):
        if regular(src):
            copy_file(src, root / "usr/local/lib/node_modules" / src.relative_to(src_root))
    return "usr/local/lib/node_modules"


def build_pypi(root, downloads, python_lib):
    site = root / (python_lib or "usr/local/lib/python3.12") / "site-packages"
    for whl in sorted((downloads / "pypi").glob("*.whl")):
        with zipfile.ZipFile(whl) as z:
            for e in z.infolist():
                if not e.is_dir() and e.file_size <= MAX_FILE:
                    dst = site / e.filename
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    dst.write_bytes(z.read(e))
    return str(site.relative_to(root))


def build_npm(root, downloads):
    modules = root / "srv/app/node_modules"
    for tgz in sorted((downloads / "npm").glob("*.tgz")):
        name = tgz.name.rsplit("-", 1)[0]
        with tarfile.open(tgz) as tar:
            for m in tar:
                if m.isfile() and m.size <= MAX_FILE:
                    rel = m.name.split("/", 1)[1] if "/" in m.name else m.name
                    dst = modules / name / rel
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    with tar.extractfile(m) as f, open(dst, "wb") as out:
                        shutil.copyfileobj(f, out)
    return "srv/app/node_modules"


def build_maven(root, m2, budget=120 << 20):
    # third-party jars only: this project's own snapshot jars (dev/sekisho, from a developer's
    # install) hold Sekisho's test fixtures
    jars = sorted(p for p in m2.rglob("*.jar")
                  if not p.name.endswith(("-sources.jar", "-javadoc.jar"))
                  and not p.relative_to(m2).parts[:2] == ("dev", "sekisho"))
    # a deterministic spread over the repository within the budget
    r = random.Random(11)
    r.shuffle(jars)
    used = 0
    for jar in jars:
        size = jar.stat().st_size
        if used + size > budget or size > MAX_FILE:
            continue
        used += size
        copy_file(jar, root / "opt/app/lib" / jar.name)
        try:
            with zipfile.ZipFile(jar) as z:
                for e in z.infolist():
                    if not e.is_dir() and e.filename.endswith(TEXT_SUFFIXES) and e.file_size <= MAX_FILE:
                        dst = root / "opt/app/exploded" / jar.stem / e.filename
                        dst.parent.mkdir(parents=True, exist_ok=True)
                        dst.write_bytes(z.read(e))
        except zipfile.BadZipFile:
            pass
    return ["opt/app/lib", "opt/app/exploded"]


def write_oci(out, root, parts):
    """One layer per part (the tree's files under the part's prefixes), tag 'corpus'."""
    oci = out / "oci"
    blobs = oci / "blobs" / "sha256"
    blobs.mkdir(parents=True, exist_ok=True)
    owner = {}
    for f in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = str(f.relative_to(root))
        owner.setdefault(part_of(rel, parts), []).append((rel, f))
    layers = []
    for part in sorted(owner):
        layer = large_image.Layer(f"COPY {part}")
        for rel, f in owner[part]:
            layer.file(rel, f)
        layers.append(large_image.write_layer(blobs, layer))
    config = {
        "created": large_image.CREATED, "architecture": "amd64", "os": "linux",
        "config": {"Env": ["PATH=/usr/local/bin:/usr/bin:/bin"], "WorkingDir": "/srv/app"},
        "rootfs": {"type": "layers", "diff_ids": [l["diffId"] for l in layers]},
        "history": [{"created": large_image.CREATED, "created_by": l["createdBy"]} for l in layers],
    }
    cfg = large_image.write_blob(blobs, large_image.dumps(config))
    manifest = {"schemaVersion": 2, "mediaType": large_image.MANIFEST,
                "config": {"mediaType": large_image.CONFIG, **cfg},
                "layers": [{"mediaType": large_image.LAYER_GZIP, "digest": l["digest"], "size": l["size"]} for l in layers]}
    man = large_image.write_blob(blobs, large_image.dumps(manifest))
    (oci / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
    (oci / "index.json").write_bytes(large_image.dumps({
        "schemaVersion": 2, "mediaType": large_image.INDEX,
        "manifests": [{"mediaType": large_image.MANIFEST, **man, "platform": {"architecture": "amd64", "os": "linux"},
                       "annotations": {"org.opencontainers.image.ref.name": "corpus"}}]}))


def part_of(path, parts):
    best, best_len = "debian", -1
    for part, prefixes in parts.items():
        for p in prefixes:
            if (path == p or path.startswith(p.rstrip("/") + "/")) and len(p) > best_len:
                best, best_len = part, len(p)
    return best


def main():
    out, fixture, downloads = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    root = out / "root"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    parts = {"debian": sorted(build_debian(root, fixture) | {"usr", "etc", "var", "bin", "sbin", "lib", "opt"})}
    python_lib = build_python(root)
    if python_lib:
        parts["python"] = [python_lib]
    node = build_node(root)
    if node:
        parts["node"] = [node]
    parts["pypi"] = [build_pypi(root, downloads, python_lib)]
    parts["npm"] = [build_npm(root, downloads)]
    m2 = Path(os.environ.get("BENCH_M2", Path.home() / ".m2" / "repository"))
    if m2.is_dir():
        parts["maven"] = build_maven(root, m2)
    plants = planted(random.Random(20261208))
    for path, (_, content) in plants.items():
        dst = root / path
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_text(content)
    parts["planted"] = ["srv/app"]
    (out / "parts.json").write_text(json.dumps(parts, indent=1))
    (out / "planted.json").write_text(json.dumps({p: k for p, (k, _) in plants.items()}, indent=1))
    write_oci(out, root, parts)
    files = sum(1 for p in root.rglob("*") if p.is_file())
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    (out / "corpus.json").write_text(json.dumps({"files": files, "bytes": size,
                                                 "sha256": hashlib.sha256(json.dumps(parts).encode()).hexdigest()}))
    print(f"corpus: {files} files, {size / (1 << 20):.0f} MiB in {root}", file=sys.stderr)


if __name__ == "__main__":
    main()
