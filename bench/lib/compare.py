#!/usr/bin/env python3
"""Compares what Sekisho and the peers found on one input of bench/peers.sh.

Packages: each tool's inventory normalised to (ecosystem, name, version):
  Sekisho      report JSON packages[] (type, name, version)
  Syft         syft-json artifacts[] by purl
  osv-scanner  JSON results[].packages[].package (ecosystem, name, version)
  Trivy        CycloneDX components[] by purl
Findings: Sekisho's vulnerabilities[] against osv-scanner's, both keyed by (ecosystem, package
name, version, CVE) (the generated OSV data gives every advisory exactly one CVE alias; Sekisho
reports the CVE as the id, osv-scanner the OSV record id with the CVE among its aliases).

Writes INPUT-compare.json (counts and every difference) and prints a Markdown summary (counts per
ecosystem, a few examples of each difference).

Usage: compare.py --input NAME --out DIR
"""

import argparse
import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import unquote

ECO = {"deb": "deb", "debian": "deb", "maven": "maven", "npm": "npm", "pypi": "pypi", "golang": "golang",
       "go": "golang", "gem": "gem", "cargo": "cargo", "apk": "apk", "rpm": "rpm", "nuget": "nuget",
       "composer": "composer"}
OSV_ECO = {"Debian": "deb", "Maven": "maven", "npm": "npm", "PyPI": "pypi", "Go": "golang", "Alpine": "apk",
           "RubyGems": "gem", "crates.io": "cargo", "NuGet": "nuget", "Packagist": "composer"}


def norm(eco, name, version):
    eco = ECO.get(eco, eco)
    version = version or ""
    if eco == "pypi":
        name = re.sub(r"[-_.]+", "-", name).lower()
    if eco == "golang":
        version = version.removeprefix("go").removeprefix("v")
        if name in ("go", "stdlib"):
            name = "stdlib"
    return (eco, name, version)


def parse_purl(p):
    """(type, namespace/name joined as the ecosystem spells names, version) of a package URL."""
    m = re.match(r"pkg:([^/]+)/([^@?#]+)(?:@([^?#]*))?", p or "")
    if not m:
        return None
    typ, path, version = m.group(1), unquote(m.group(2)), unquote(m.group(3) or "")
    # the purl spec keeps a Debian/RPM epoch out of the version, in the qualifier epoch=N
    epoch = re.search(r"[?&]epoch=(\d+)", p)
    if epoch and typ in ("deb", "rpm") and ":" not in version:
        version = epoch.group(1) + ":" + version
    parts = path.split("/")
    if typ == "deb" or typ == "apk" or typ == "rpm":
        name = parts[-1]
    elif typ == "maven":
        name = ":".join(parts[-2:]) if len(parts) >= 2 else parts[-1]
    else:
        name = "/".join(parts)
    return typ, name, version


def sekisho(path):
    r = json.loads(path.read_text())
    pkgs = {norm(p["type"], p["name"], p.get("version", "")) for p in r.get("packages", [])}
    vulns = set()
    for v in r.get("vulnerabilities", []):
        ids = [v["id"], *v.get("aliases", [])]
        cve = next((i for i in ids if i.startswith("CVE-")), v["id"])
        pk = v["pkg"]
        vulns.add(norm(pk["type"], pk["name"], pk.get("version", "")) + (cve,))
    return pkgs, vulns, r


def syft(path):
    r = json.loads(path.read_text())
    pkgs, other = set(), Counter()
    for a in r.get("artifacts", []):
        p = parse_purl(a.get("purl"))
        if p is None:
            other[a.get("type", "?")] += 1
            continue
        pkgs.add(norm(*p))
    return pkgs, other


def trivy(path):
    r = json.loads(path.read_text())
    pkgs, other = set(), Counter()
    for c in r.get("components", []):
        if c.get("type") == "operating-system":
            continue
        p = parse_purl(c.get("purl"))
        if p is None:
            other[c.get("type", "?")] += 1
            continue
        pkgs.add(norm(*p))
    return pkgs, other


def osv_scanner(path):
    r = json.loads(path.read_text())
    pkgs, vulns, binaries = set(), set(), {}
    for res in r.get("results", []):
        for p in res.get("packages", []):
            pk = p["package"]
            eco = OSV_ECO.get(pk.get("ecosystem", "").split(":")[0], pk.get("ecosystem", "?"))
            # Debian packages are reported by binary name with the source in os_package_name or
            # similar; the inventory key uses the binary name like the other tools
            name = pk.get("os_package_name") or pk["name"]
            key = norm(eco, name, pk.get("version", ""))
            pkgs.add(key)
            binaries[key] = pk
            for v in p.get("vulnerabilities", []):
                ids = [v["id"], *v.get("aliases", [])]
                cve = next((i for i in ids if i.startswith("CVE-")), v["id"])
                vulns.add(key + (cve,))
    return pkgs, vulns


def diff_table(label_a, a, label_b, b):
    lines = [f"| ecosystem | both | only {label_a} | only {label_b} |", "| --- | ---: | ---: | ---: |"]
    ecos = sorted({k[0] for k in a | b})
    for e in ecos:
        ea, eb = {k for k in a if k[0] == e}, {k for k in b if k[0] == e}
        lines.append(f"| {e} | {len(ea & eb)} | {len(ea - eb)} | {len(eb - ea)} |")
    lines.append(f"| **all** | {len(a & b)} | {len(a - b)} | {len(b - a)} |")
    return lines


def examples(label, keys, n=8):
    by = defaultdict(list)
    for k in sorted(keys):
        by[k[0]].append(k)
    out = []
    for e, ks in by.items():
        shown = ", ".join("`" + " ".join(x for x in k[1:] if x) + "`" for k in ks[:n])
        more = f" … (+{len(ks) - n})" if len(ks) > n else ""
        out.append(f"- only {label}, {e} ({len(ks)}): {shown}{more}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    out = Path(args.out)
    f = lambda tool: out / f"{args.input}-{tool}.json"  # noqa: E731
    if not f("sekisho-cold").exists():
        print(f"(no Sekisho report for {args.input})")
        return
    s_pkgs, s_vulns, _ = sekisho(f("sekisho-cold"))
    result = {"input": args.input, "sekisho": {"packages": len(s_pkgs), "findings": len(s_vulns)}}
    md = [f"#### {args.input}: packages", ""]
    peers = {}
    if f("syft").exists():
        peers["syft"] = syft(f("syft"))
    if f("osv-scanner").exists():
        o_pkgs, o_vulns = osv_scanner(f("osv-scanner"))
        peers["osv-scanner"] = (o_pkgs, Counter())
    if f("trivy-cold").exists():
        peers["trivy"] = trivy(f("trivy-cold"))
    for name, (pkgs, other) in peers.items():
        md += [f"Sekisho ({len(s_pkgs)}) vs {name} ({len(pkgs)}):", ""]
        md += diff_table("Sekisho", s_pkgs, name, pkgs)
        md += [""] + examples("Sekisho", s_pkgs - pkgs) + examples(name, pkgs - s_pkgs)
        if other:
            md.append(f"- {name} entries without a package URL (not compared): " +
                      ", ".join(f"{k} {v}" for k, v in other.most_common()))
        md.append("")
        result[name] = {"packages": len(pkgs), "only_sekisho": sorted(s_pkgs - pkgs),
                        "only_peer": sorted(pkgs - s_pkgs), "no_purl": dict(other)}
    if "osv-scanner" in peers:
        md += [f"#### {args.input}: findings, Sekisho ({len(s_vulns)}) vs osv-scanner ({len(o_vulns)}), "
               "same OSV data", ""]
        md += diff_table("Sekisho", s_vulns, "osv-scanner", o_vulns)
        md += [""] + examples("Sekisho", s_vulns - o_vulns) + examples("osv-scanner", o_vulns - s_vulns) + [""]
        result["findings"] = {"sekisho": len(s_vulns), "osv-scanner": len(o_vulns),
                              "both": len(s_vulns & o_vulns), "only_sekisho": sorted(s_vulns - o_vulns),
                              "only_osv_scanner": sorted(o_vulns - s_vulns)}
    (out / f"{args.input}-compare.json").write_text(json.dumps(result, indent=1))
    print("\n".join(md))


if __name__ == "__main__":
    main()
