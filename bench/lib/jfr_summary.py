#!/usr/bin/env python3
"""Summarises a Java Flight Recording of a scan: where the CPU samples fall, by thread, by part of
the scan (the first matching rule, looking from the innermost frame outwards), and the hottest
pairs of (innermost Sekisho frame, innermost frame).

Execution samples count threads running Java code; native-method samples count threads in native
code, which includes real work (zlib's inflate) and waiting (socket reads, parking), so the two are
listed apart.

Usage: jfr_summary.py JFR_JSON   (from: jfr print --json --stack-depth 64
                                  --events jdk.ExecutionSample,jdk.NativeMethodSample FILE)
"""

import collections
import json
import sys

RULES = [
    ("JDK HTTP client (selector, SocketTube, response stream)", ["jdk/internal/net/http"]),
    ("sha256 digest verification", ["DigestInputStream", "sun/security/provider/SHA", "VerifyingInputStream.read"]),
    ("gzip inflate", ["GZIPInputStream", "java/util/zip/Inflater", "InflaterInputStream"]),
    ("zstd", ["luben/zstd"]),
    ("analyzers: java archives", ["analyzer/java"]),
    ("analyzers: npm", ["analyzer/npm"]),
    ("analyzers: python", ["analyzer/python"]),
    ("analyzers: go/elf", ["analyzer/golang", "analyzer/elf"]),
    ("analyzers: os packages", ["analyzer/dpkg", "analyzer/os", "analyzer/apk", "analyzer/rpm"]),
    ("analyzers: other", ["scanner/analyzer"]),
    ("secret scanning", ["scanner/secret", "Secret"]),
    ("layer cache", ["scanner/cache"]),
    ("tar parsing", ["archivers/tar"]),
    ("layer walker", ["scanner/layer"]),
    ("layer merge / inventory", ["scanner/applier", "ArtifactInspector"]),
    ("vulnerability matching / database", ["scanner/match", "scanner/vulndb", "org/sqlite"]),
    ("reports", ["scanner/report"]),
    ("policy / checks", ["scanner/policy", "scanner/check"]),
    ("JSON (Jackson, other callers)", ["com/fasterxml/jackson"]),
    ("class loading / start-up", ["ClassLoader", "jdk/internal/loader", "picocli"]),
]


def classify(names):
    """The first rule matching a frame, innermost frame first; generic rules (JSON) only when no
    specific one matches, so that Jackson called by the layer cache counts as the layer cache."""
    for rules in (RULES[:-2] + RULES[-1:], RULES[-2:-1]):
        for n in names:
            hit = next((label for label, pats in rules if any(p in n for p in pats)), None)
            if hit:
                return hit
    return "other"


def frame_name(f):
    return f["method"]["type"]["name"] + "." + f["method"]["name"]


def short(n):
    cls, _, m = n.rpartition(".")
    return cls.rsplit("/", 1)[-1] + "." + m


def main():
    events = json.load(open(sys.argv[1]))["recording"]["events"]
    by_thread = collections.Counter()
    by_part = collections.Counter()
    pairs = collections.Counter()
    totals = collections.Counter()
    for e in events:
        st = e["values"].get("stackTrace")
        if not st:
            continue
        kind = "exec" if e["type"] == "jdk.ExecutionSample" else "native"
        thread = e["values"].get("sampledThread", {}).get("javaName") or "?"
        thread = "sekisho-layer-*" if thread.startswith("sekisho-layer") else thread
        names = [frame_name(f) for f in st["frames"]]
        part = classify(names)
        totals[kind] += 1
        by_thread[(kind, thread)] += 1
        by_part[(kind, part)] += 1
        if kind == "exec":
            own = next((short(n) for n in names if "dev/sekisho" in n), "-")
            pairs[(own, short(names[0]) if names else "?")] += 1

    def show(title, counter, kind, limit):
        n = totals[kind] or 1
        print(f"{title} ({totals[kind]} {kind} samples)")
        for key, c in counter.most_common():
            if key[0] != kind:
                continue
            print(f"  {c:5d} {100 * c / n:5.1f}%  {key[1]}")
            limit -= 1
            if limit == 0:
                break

    show("Java samples by part of the scan", by_part, "exec", 20)
    show("Native samples by part of the scan (work in native code, or waiting)", by_part, "native", 8)
    show("Java samples by thread", by_thread, "exec", 8)
    n = totals["exec"] or 1
    print("Hottest (innermost Sekisho frame <- innermost frame), Java samples")
    for (own, top), c in pairs.most_common(20):
        print(f"  {c:5d} {100 * c / n:5.1f}%  {own} <- {top}")


if __name__ == "__main__":
    main()
