#!/usr/bin/env python3
"""Compares the secret findings of Sekisho, Trivy and gitleaks on the corpus of secret_corpus.py.

A finding in a stock part of the corpus is a false positive; a planted file counts as found when
the tool reports at least one finding in it (each planted file holds one secret). Prints Markdown:
the table per tool (false positives per part, planted found, time), the planted kinds each tool
missed, and every false positive (path and rule), so that RESULTS.md holds the evidence.

Usage: secret_compare.py CORPUS_DIR TIMES_TSV KEY:FORMAT:REPORT:LABEL ...
  KEY names the run in TIMES_TSV; FORMAT is sekisho (JSON report), trivy (trivy fs JSON) or
  gitleaks (JSON report); LABEL is shown in the table
  TIMES_TSV: lines "key<TAB>wall_s<TAB>cpu_s<TAB>max_rss_kib"
"""

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from secret_corpus import part_of  # noqa: E402


def findings(fmt, report, root):
    """(path without leading slash, rule id) of every finding."""
    data = json.loads(Path(report).read_text() or "null")
    out = []
    if fmt == "sekisho":
        for s in data.get("secrets", []):
            out.append((s["location"]["path"].lstrip("/"), s["ruleId"]))
    elif fmt == "trivy":
        for r in (data or {}).get("Results", []) or []:
            for s in r.get("Secrets", []) or []:
                out.append((r["Target"].lstrip("/"), s["RuleID"]))
    elif fmt == "gitleaks":
        prefix = str(root).rstrip("/") + "/"
        for f in data or []:
            path = f["File"]
            out.append((path[len(prefix):] if path.startswith(prefix) else path.lstrip("/"), f["RuleID"]))
    else:
        raise SystemExit(f"unknown format {fmt}")
    return out


def main():
    corpus = Path(sys.argv[1])
    times = {}
    for line in Path(sys.argv[2]).read_text().splitlines():
        name, wall, cpu, rss = line.split("\t")
        times[name] = (float(wall), float(cpu), int(rss))
    parts = json.loads((corpus / "parts.json").read_text())
    planted = json.loads((corpus / "planted.json").read_text())
    stock = [p for p in parts if p != "planted"]
    tools = []
    for arg in sys.argv[3:]:
        key, fmt, report, label = arg.split(":", 3)
        tools.append((key, label, findings(fmt, report, corpus / "root")))

    header = "| tool | " + " | ".join(f"FP {p}" for p in stock) + " | FP total | planted found | missed | wall s | CPU s | peak RSS MiB |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    details = []
    for key, name, found in tools:
        fp = Counter()
        fp_list = defaultdict(list)
        hit = set()
        for path, rule in found:
            if path in planted:
                hit.add(path)
                continue
            part = part_of(path, parts)
            if part == "planted":
                part = "planted (other files)"
            fp[part] += 1
            fp_list[part].append(f"{path} ({rule})")
        missed = sorted(planted[p] + " (" + p + ")" for p in planted if p not in hit)
        wall, cpu, rss = times.get(key, (0, 0, 0))
        print(f"| {name} | " + " | ".join(str(fp[p]) for p in stock)
              + f" | {sum(fp.values())} | {len(hit)}/{len(planted)} | {len(missed)} | {wall:.1f} | {cpu:.1f} | {rss // 1024} |")
        details.append((name, fp_list, missed))
    print()
    for name, fp_list, missed in details:
        print(f"**{name}**: missed {len(missed)} planted" + (": " + "; ".join(missed) if missed else "") + ".")
        for part in sorted(fp_list):
            items = sorted(fp_list[part])
            shown = items[:25]
            more = f" … and {len(items) - len(shown)} more" if len(items) > len(shown) else ""
            print(f"False positives in {part} ({len(items)}): " + "; ".join(f"`{i}`" for i in shown) + more + ".")
        print()


if __name__ == "__main__":
    main()
