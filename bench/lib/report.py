#!/usr/bin/env python3
"""Turns the raw measurements of bench/scan-vs-floor.sh into a table, the ratios against the goals
of the issues, an SVG chart, and a section appended to bench/RESULTS.md."""

import argparse
import json
import statistics
from html import escape
from pathlib import Path

ORDER = ["floor-seq", "floor-par", "scan-cold", "scan-warm", "floor-top-b", "scan-b-warm", "jvm-version"]
WHAT = {
    "floor-seq": "floor: fetch + gunzip every layer, one at a time",
    "floor-par": "floor: fetch + gunzip every layer, PAR at once",
    "scan-cold": "sekisho scan :a, empty layer cache",
    "scan-warm": "sekisho scan :a again, layer cache warm",
    "floor-top-b": "floor: fetch + gunzip the top layer of :b",
    "scan-b-warm": "sekisho scan :b (shares all but the top layer), cache warm",
    "jvm-version": "sekisho version (JVM start-up only)",
}


def load(args):
    rows = [line.rstrip("\n").split("\t") for line in open(args.raw)][1:]
    meta = dict(line.rstrip("\n").split("=", 1) for line in open(args.meta) if "=" in line)
    layers = [line.rstrip("\n").split("\t") for line in open(args.layers)][1:]
    summary = json.loads(Path(args.summary).read_text()) if args.summary else {}
    stats = {}
    for name in ORDER:
        rs = [r for r in rows if r[1] == name]
        if not rs:
            continue
        wall = [float(r[2]) for r in rs]
        cpu = [float(r[3]) + float(r[4]) for r in rs]
        rss = [int(r[5]) / 1024 for r in rs]
        stats[name] = {"wall": statistics.median(wall), "wall_min": min(wall), "wall_max": max(wall),
                       "cpu": statistics.median(cpu), "rss": max(rss), "n": len(rs)}
    return rows, meta, layers, summary, stats


def ratios(stats):
    out = []
    if "scan-cold" in stats and "floor-par" in stats:
        c, f = stats["scan-cold"], stats["floor-par"]
        out.append(("cold scan / floor (same parallelism), wall", c["wall"] / f["wall"], "goal ≤ 1.3x"))
        out.append(("cold scan / floor (same parallelism), CPU", c["cpu"] / f["cpu"], "(CPU is less noisy on a loaded machine)"))
    if "scan-cold" in stats and "floor-seq" in stats:
        out.append(("cold scan / sequential floor, wall", stats["scan-cold"]["wall"] / stats["floor-seq"]["wall"], ""))
    if "scan-b-warm" in stats and "floor-top-b" in stats:
        b, t = stats["scan-b-warm"], stats["floor-top-b"]
        out.append(("warm scan of :b minus its top layer's floor, wall (s)", b["wall"] - t["wall"], "goal < 1 s"))
    if "scan-b-warm" in stats and "jvm-version" in stats and "floor-top-b" in stats:
        b, j, t = stats["scan-b-warm"], stats["jvm-version"], stats["floor-top-b"]
        out.append(("  the same without JVM start-up (s)", b["wall"] - t["wall"] - j["wall"], ""))
    return out


def table(meta, layers, summary, stats):
    par = meta.get("parallel", "?")
    lines = ["| measurement | what | wall s (median) | wall min–max | CPU s user+sys (median) | peak RSS MiB |",
             "| --- | --- | ---: | ---: | ---: | ---: |"]
    for name, s in stats.items():
        lines.append(f"| {name} | {WHAT[name].replace('PAR', par)} | {s['wall']:.2f} | "
                     f"{s['wall_min']:.2f}–{s['wall_max']:.2f} | {s['cpu']:.2f} | {s['rss']:.0f} |")
    lines.append("")
    lines.append("| ratio | value | goal |")
    lines.append("| --- | ---: | --- |")
    for label, value, goal in ratios(stats):
        unit = " s" if "(s)" in label else "x"
        lines.append(f"| {label.replace(' (s)', '')} | {value:.2f}{unit} | {goal} |")
    lines.append("")
    total_u = sum(int(l[3]) for l in layers if not l[0].startswith("top-"))
    total_c = sum(int(l[4]) for l in layers if not l[0].startswith("top-"))
    files = sum(int(l[2]) for l in layers if not l[0].startswith("top-"))
    top_a = next((l for l in layers if l[0] == "top-a"), None)
    if top_a:
        total_u, total_c, files = total_u + int(top_a[3]), total_c + int(top_a[4]), files + int(top_a[2])
    lines.append(f"Image `{meta.get('image', 'bench/large')}:a`: {len([l for l in layers if not l[0].startswith('top-')]) + 1} layers, "
                 f"{files} files, {total_u / 2**20:.0f} MiB uncompressed, {total_c / 2**20:.0f} MiB gzip.")
    lines.append("")
    lines.append("| layer | created by | files | MiB uncompressed | MiB gzip |")
    lines.append("| --- | --- | ---: | ---: | ---: |")
    for l in layers:
        lines.append(f"| {l[0]} | `{l[5]}` | {l[2]} | {int(l[3]) / 2**20:.1f} | {int(l[4]) / 2**20:.1f} |")
    if summary:
        lines.append("")
        lines.append("Scan output (cold scan of :a): " + ", ".join(f"{k}={v}" for k, v in summary.items()))
    return "\n".join(lines)


def svg(stats, meta):
    """A grouped horizontal bar chart: wall and CPU seconds per measurement."""
    names = list(stats)
    vmax = max(max(s["wall"], s["cpu"]) for s in stats.values()) or 1
    left, width, bar, gap, top = 150, 560, 12, 14, 50
    height = top + len(names) * (2 * bar + gap) + 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 90}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<text x="10" y="20" font-size="14" font-weight="bold">sekisho scan vs. floor, '
           f'{escape(meta.get("image", "bench/large"))} ({escape(meta.get("date", ""))}, {escape(meta.get("nproc", "?"))} cores, load '
           f'{escape(meta.get("load_before", "?"))})</text>',
           f'<rect x="{left}" y="30" width="10" height="10" fill="#3b6ea5"/><text x="{left + 14}" y="39">wall s (median)</text>',
           f'<rect x="{left + 130}" y="30" width="10" height="10" fill="#e39b3b"/><text x="{left + 144}" y="39">CPU s user+sys (median)</text>']
    y = top
    for n in names:
        s = stats[n]
        out.append(f'<text x="{left - 6}" y="{y + bar + 4}" text-anchor="end">{escape(n)}</text>')
        for i, (key, colour) in enumerate((("wall", "#3b6ea5"), ("cpu", "#e39b3b"))):
            w = s[key] / vmax * width
            yy = y + i * bar
            out.append(f'<rect x="{left}" y="{yy}" width="{w:.1f}" height="{bar - 2}" fill="{colour}"/>')
            out.append(f'<text x="{left + w + 4:.1f}" y="{yy + bar - 3}">{s[key]:.1f}</text>')
        y += 2 * bar + gap
    out.append(f'<line x1="{left}" y1="{top - 4}" x2="{left}" y2="{y}" stroke="#333"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--raw", required=True)
    p.add_argument("--meta", required=True)
    p.add_argument("--layers", required=True)
    p.add_argument("--summary")
    p.add_argument("--profile")
    p.add_argument("--record")
    args = p.parse_args()
    rows, meta, layers, summary, stats = load(args)
    body = table(meta, layers, summary, stats)
    print()
    print(body)
    if not args.record:
        return
    bench = Path(args.record)
    results = bench / "results"
    results.mkdir(exist_ok=True)
    stamp = meta["date"].replace("-", "").replace(":", "")[:13] + "Z"
    image = meta.get("image", "bench/large")
    suffix = "" if image == "bench/large" else "-" + image.rsplit("/", 1)[-1]
    raw_name = f"{stamp}-scan-vs-floor{suffix}.tsv"
    svg_name = f"{stamp}-scan-vs-floor{suffix}.svg"
    (results / raw_name).write_text(Path(args.raw).read_text())
    (results / svg_name).write_text(svg(stats, meta))
    md = bench / "RESULTS.md"
    if not md.exists():
        md.write_text("# Benchmark results\n\nAppended by the scripts in this directory; newest last. "
                      "See README.md for what each measurement means.\n")
    machine = (f"- machine: {meta.get('nproc')} cores ({meta.get('cpu')}), {meta.get('ram')} RAM, "
               f"Linux {meta.get('kernel')}\n"
               f"- load average (1/5/15 min) before: {meta.get('load_before')}, after: {meta.get('load_after')}"
               f" — a shared machine: the numbers are noisy\n"
               f"- {meta.get('jdk')}, `SEKISHO_JAVA_OPTS={meta.get('java_opts')}`; {meta.get('sekisho')}"
               f" (commit {meta.get('commit')})\n"
               f"- {meta.get('registry')}; {meta.get('skopeo')}; {meta.get('curl')}; {meta.get('gzip')}\n"
               f"- {meta.get('runs')} runs of each measurement, interleaved; floor parallelism {meta.get('parallel')}\n")
    section = [f"\n## scan-vs-floor, `{image}`, {meta['date']}\n", machine, body, "",
               f"Raw numbers: [results/{raw_name}](results/{raw_name}). Chart:", "",
               f"![wall and CPU time per measurement](results/{svg_name})", ""]
    if args.profile:
        section += ["<details><summary>JFR profiles: a cold scan of :a, then a warm scan of :b</summary>", "", "```",
                    Path(args.profile).read_text().rstrip(), "```", "", "</details>", ""]
    with open(md, "a") as f:
        f.write("\n".join(section))
    print(f"\nappended to {md}; raw numbers and chart in {results}")


if __name__ == "__main__":
    main()
