#!/usr/bin/env python3
"""Generates an OSV data set for the benchmark images, in the shape of osv.dev's per-ecosystem
all.zip archives (one JSON record per advisory, OSV schema 1.6).

For the packages in the image (inventory.json written by large_image.py) it writes advisories
that affect the installed version (fixed in a later version, or not fixed at all), advisories
that do not (introduced after the installed version), and unrelated advisories for packages the
image does not have, so the database has a realistic size and the matcher real work:

  Debian:12  DSA-/DLA-/DEBIAN-CVE- ids, source package names, ECOSYSTEM ranges
  Maven      GHSA ids, groupId:artifactId, ECOSYSTEM ranges
  npm        GHSA ids, SEMVER ranges
  PyPI       PYSEC ids with GHSA aliases, ECOSYSTEM ranges
  Go         GO- ids, module paths, SEMVER ranges (versions without the "v")

The data is generated from fixed seeds: the same inventory gives the same records. The counts of
records that must match are written to expected.json.

Usage: osv_data.py INVENTORY_JSON OUT_DIR
"""

import json
import random
import re
import sys
import zipfile
from pathlib import Path

GHSA_ALPHABET = "23456789cfghjmpqrvwx"
VECTORS = [
    ("CRITICAL", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
    ("HIGH", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"),
    ("HIGH", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"),
    ("MEDIUM", "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N"),
    ("MEDIUM", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H"),
    ("LOW", "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:L/I:N/A:N"),
]
WORDS = "buffer overflow denial service injection traversal prototype pollution redirect crafted " \
        "request header parser memory exhaustion regular expression certificate validation".split()


def ghsa(r):
    return "GHSA-" + "-".join("".join(r.choices(GHSA_ALPHABET, k=4)) for _ in range(3))


def semver_bump(v):
    m = re.match(r"v?(\d+)\.(\d+)\.(\d+)", v)
    if not m:
        return None
    return f"{m.group(1)}.{m.group(2)}.{int(m.group(3)) + 1}"


def bump(eco, v):
    """A version just above v in the ecosystem's ordering."""
    if eco == "Debian:12":
        return v + "+deb12u1"
    if eco == "Maven":
        return None if "SNAPSHOT" in v else v + ".1"
    if eco == "Go":
        return semver_bump(v)
    return semver_bump(v)


class Gen:
    def __init__(self):
        self.cve = 20000
        self.records = {}
        self.ids = set()
        self.expected = {}

    def next_cve(self):
        self.cve += 1
        return f"CVE-2024-{self.cve}"

    def record(self, eco, r, name, ranges, range_type, affecting):
        cve = self.next_cve()
        if eco == "Debian:12":
            n = self.cve - 20000
            rid = [f"DSA-{5000 + n}-1", f"DLA-{3000 + n}-1", f"DEBIAN-{cve}"][r.randrange(3)]
            aliases = [cve]
        elif eco == "Go":
            rid, aliases = f"GO-2024-{self.cve - 17000:04d}", [cve, ghsa(r)]
        elif eco == "PyPI":
            rid, aliases = f"PYSEC-2024-{self.cve - 19000}", [cve, ghsa(r)]
        else:
            rid, aliases = ghsa(r), [cve]
        sev, vector = r.choice(VECTORS)
        rec = {
            "schema_version": "1.6.0",
            "id": rid,
            "modified": "2024-06-01T00:00:00Z",
            "published": f"2024-0{r.randint(1, 5)}-{r.randint(10, 28)}T00:00:00Z",
            "aliases": aliases,
            "summary": f"{name}: {' '.join(r.choices(WORDS, k=4))}",
            "details": " ".join(r.choices(WORDS, k=40)),
            "severity": [{"type": "CVSS_V3", "score": vector}],
            "affected": [{
                "package": {"ecosystem": eco, "name": name},
                "ranges": [{"type": range_type, "events": ranges}],
            }],
            "references": [{"type": "ADVISORY", "url": f"https://example.org/advisories/{rid}"}],
            "database_specific": {"severity": sev},
        }
        while rid in self.ids:  # a random GHSA id may repeat
            rid = rec["id"] = ghsa(r)
        self.ids.add(rid)
        self.records.setdefault(eco, []).append(rec)
        if affecting:
            self.expected[eco] = self.expected.get(eco, 0) + 1

    def package(self, eco, name, version, range_type, seed):
        r = random.Random(f"{eco}:{name}:{version}:{seed}")
        up = bump(eco, version)
        if up is None:
            return
        v = version.lstrip("v") if eco == "Go" else version
        roll = r.random()
        if roll < 0.30:  # affected, fixed in the next version
            self.record(eco, r, name, [{"introduced": "0"}, {"fixed": up}], range_type, True)
        elif roll < 0.35 and eco == "Debian:12":  # affected, no fix yet
            self.record(eco, r, name, [{"introduced": "0"}], range_type, True)
        elif roll < 0.40:  # affected since this very version
            self.record(eco, r, name, [{"introduced": v}, {"fixed": up}], range_type, True)
        elif roll < 0.60:  # not affected: introduced after the installed version
            self.record(eco, r, name, [{"introduced": up}], range_type, False)

    def noise(self, eco, count, range_type):
        r = random.Random(f"noise:{eco}")
        for i in range(count):
            name = {"Maven": f"org.example.{r.choice(WORDS)}:{r.choice(WORDS)}-{i}",
                    "Go": f"github.com/example/{r.choice(WORDS)}-{i}"}.get(eco, f"{r.choice(WORDS)}-noise-{i}")
            fixed = f"{r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 20)}"
            self.record(eco, r, name, [{"introduced": "0"}, {"fixed": fixed}], range_type, False)


def main():
    inventory = json.loads(Path(sys.argv[1]).read_text())
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    g = Gen()
    for seed in range(2):  # up to two advisories per package
        sources = sorted({(p["source"], p["version"]) for p in inventory["debian"]})
        for name, version in sources:
            g.package("Debian:12", name, version, "ECOSYSTEM", seed)
        for p in inventory["maven"]:
            g.package("Maven", p["name"], p["version"], "ECOSYSTEM", seed)
        for p in inventory["npm"]:
            g.package("npm", p["name"], p["version"], "SEMVER", seed)
        for p in inventory["pypi"]:
            g.package("PyPI", p["name"], p["version"], "ECOSYSTEM", seed)
        for p in inventory["go"]:
            g.package("Go", p["name"], p["version"], "SEMVER", seed)
    for eco, rt in [("Debian:12", "ECOSYSTEM"), ("Maven", "ECOSYSTEM"), ("npm", "SEMVER"),
                    ("PyPI", "ECOSYSTEM"), ("Go", "SEMVER")]:
        g.noise(eco, 3000, rt)
    for eco, recs in g.records.items():
        with zipfile.ZipFile(out / f"{eco.split(':')[0]}-all.zip", "w", zipfile.ZIP_DEFLATED) as z:
            for rec in recs:  # fixed entry times: the same inventory gives the same archive
                info = zipfile.ZipInfo(rec["id"] + ".json", date_time=(2024, 1, 1, 0, 0, 0))
                z.writestr(info, json.dumps(rec, indent=1), zipfile.ZIP_DEFLATED)
    total = sum(len(v) for v in g.records.values())
    (out / "expected.json").write_text(json.dumps(
        {"records": total, "affecting_records_by_ecosystem": g.expected}, indent=1))
    print(f"wrote {total} OSV records to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
