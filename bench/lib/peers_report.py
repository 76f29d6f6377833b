#!/usr/bin/env python3
"""Turns the raw measurements of bench/peers.sh into tables (per input: every tool's wall time,
CPU time, peak RSS and its ratio to the floor), the package/finding comparisons of compare.py, an
SVG chart, and a section appended to bench/RESULTS.md."""

import argparse
from html import escape
from pathlib import Path

WHAT = {
    "floor": "floor: fetch + gunzip every layer of every image, PAR at once",
    "floor-unique": "floor: each distinct layer once (what a perfect layer cache reads)",
    "sekisho-cold": "Sekisho, empty layer cache (inventory, secrets, config checks, matching)",
    "sekisho-warm": "Sekisho again, layer cache filled",
    "syft": "Syft: inventory only",
    "export": "skopeo copy to a docker-archive tar (osv-scanner's input)",
    "osv-scanner": "osv-scanner: inventory + matching on the tar (offline, same OSV data)",
    "trivy-cold": "Trivy: inventory only (CycloneDX), empty cache",
    "trivy-warm": "Trivy: inventory only, cache filled",
    "grype": "Grype (first image only)",
}
ORDER = list(WHAT)
COLOURS = (("wall", "#3b6ea5"), ("cpu", "#e39b3b"))


def load(raw):
    rows = [line.rstrip("\n").split("\t") for line in open(raw)][1:]
    stats = {}
    for input_, name, wall, user, sys_, rss, rc in rows:
        name = name.removesuffix("-1")  # per-image rows of the set, summed
        s = stats.setdefault(input_, {}).setdefault(name, {"wall": 0.0, "cpu": 0.0, "rss": 0.0, "rc": 0, "n": 0})
        s["wall"] += float(wall)
        s["cpu"] += float(user) + float(sys_)
        s["rss"] = max(s["rss"], int(rss) / 1024)
        s["rc"] = s["rc"] or int(rc)
        s["n"] += 1
    return stats


def layer_line(path):
    rows = [l.rstrip("\n").split("\t") for l in open(path)][1:]
    u = sum(int(r[3]) for r in rows) / 2**20
    c = sum(int(r[4]) for r in rows) / 2**20
    files = sum(int(r[2]) for r in rows)
    return f"{len(rows)} distinct layers, {files} files, {u:.0f} MiB uncompressed, {c:.0f} MiB gzip"


def table(input_, st, par):
    floor = st.get("floor")
    lines = ["| measurement | what | wall s | CPU s user+sys | peak RSS MiB | wall / floor | CPU / floor | exit |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name in ORDER:
        if name not in st:
            continue
        s = st[name]
        rw = f"{s['wall'] / floor['wall']:.2f}x" if floor and floor["wall"] else ""
        rc = f"{s['cpu'] / floor['cpu']:.2f}x" if floor and floor["cpu"] else ""
        what = WHAT[name].replace("PAR", par)
        if s["n"] > 1:
            what += f" ({s['n']} runs, summed)"
        lines.append(f"| {name} | {what} | {s['wall']:.2f} | {s['cpu']:.2f} | {s['rss']:.0f} | {rw} | {rc} | {s['rc']} |")
    return lines


def svg(stats, meta):
    """One panel per input: wall and CPU seconds per tool, each panel scaled to its own maximum."""
    left, width, bar, gap = 130, 520, 11, 10
    parts, y = [], 50
    for input_, st in stats.items():
        names = [n for n in ORDER if n in st]
        vmax = max(max(s["wall"], s["cpu"]) for s in st.values()) or 1
        parts.append(f'<text x="10" y="{y}" font-weight="bold">{escape(input_)}</text>')
        y += 8
        for n in names:
            s = st[n]
            parts.append(f'<text x="{left - 6}" y="{y + bar + 3}" text-anchor="end">{escape(n)}</text>')
            for i, (key, colour) in enumerate(COLOURS):
                w = s[key] / vmax * width
                yy = y + i * bar
                parts.append(f'<rect x="{left}" y="{yy}" width="{w:.1f}" height="{bar - 2}" fill="{colour}"/>')
                parts.append(f'<text x="{left + w + 4:.1f}" y="{yy + bar - 3}" font-size="10">{s[key]:.1f}</text>')
            y += 2 * bar + gap
        y += 20
    head = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 80}" height="{y}" '
            f'font-family="sans-serif" font-size="12">',
            f'<text x="10" y="18" font-size="14" font-weight="bold">Sekisho vs. floor and peers '
            f'({escape(meta.get("date", ""))}, {escape(meta.get("nproc", "?"))} cores, load '
            f'{escape(meta.get("load_before", "?"))})</text>',
            f'<rect x="{left}" y="28" width="10" height="10" fill="#3b6ea5"/><text x="{left + 14}" y="37">wall s</text>',
            f'<rect x="{left + 80}" y="28" width="10" height="10" fill="#e39b3b"/>'
            f'<text x="{left + 94}" y="37">CPU s (user+sys); each input scaled to its own maximum</text>']
    return "\n".join(head + parts + ["</svg>"]) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--meta", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--layers", action="append", default=[])
    ap.add_argument("--record")
    args = ap.parse_args()
    meta = dict(line.rstrip("\n").split("=", 1) for line in open(args.meta) if "=" in line)
    stats = load(args.raw)
    layers = dict(l.split("=", 1) for l in args.layers)
    out = Path(args.out)
    body = []
    for input_ in args.inputs.split(","):
        if input_ not in stats:
            continue
        body.append(f"### {input_}")
        body.append("")
        if input_ in layers and Path(layers[input_]).exists():
            n = f"{meta.get('set_size')} images; " if input_ == "set" else ""
            body += [f"Input: {n}{layer_line(layers[input_])}.", ""]
        body += table(input_, stats[input_], meta.get("parallel", "?"))
        body.append("")
        cmp_md = out / f"{input_}-compare.md"
        if cmp_md.exists():
            body.append(cmp_md.read_text().rstrip())
            body.append("")
    text = "\n".join(body)
    print(text)
    if not args.record:
        return
    bench = Path(args.record)
    results = bench / "results"
    results.mkdir(exist_ok=True)
    stamp = meta["date"].replace("-", "").replace(":", "")[:13] + "Z"
    (results / f"{stamp}-peers.tsv").write_text(Path(args.raw).read_text())
    (results / f"{stamp}-peers.svg").write_text(svg(stats, meta))
    for input_ in args.inputs.split(","):
        c = out / f"{input_}-compare.json"
        if c.exists():
            (results / f"{stamp}-peers-{input_}-compare.json").write_text(c.read_text())
    machine = (f"- machine: {meta.get('nproc')} cores ({meta.get('cpu')}), {meta.get('ram')} RAM, "
               f"Linux {meta.get('kernel')}\n"
               f"- load average (1/5/15 min) before: {meta.get('load_before')}, after: {meta.get('load_after')}"
               f" — a shared machine: wall times are noisy, CPU times less so\n"
               f"- {meta.get('sekisho')} (commit {meta.get('commit')}), `SEKISHO_JAVA_OPTS={meta.get('java_opts')}`\n"
               f"- Syft {meta.get('syft')}; osv-scanner {meta.get('osv-scanner')}; Trivy {meta.get('trivy')}; "
               f"Grype {meta.get('grype')} (built from the Go module proxy by bench/peer-binaries.sh)\n"
               f"- {meta.get('registry')}; {meta.get('skopeo')}; floor parallelism {meta.get('parallel')}; "
               f"one run per input, tools one after the other\n")
    section = [f"\n## peers, {meta['date']}\n", machine, text, "",
               f"Raw numbers: [results/{stamp}-peers.tsv](results/{stamp}-peers.tsv); every package and "
               f"finding difference: `results/{stamp}-peers-INPUT-compare.json`. Chart:", "",
               f"![wall and CPU time per tool and input](results/{stamp}-peers.svg)", ""]
    with open(bench / "RESULTS.md", "a") as f:
        f.write("\n".join(section))
    print(f"\nappended to {bench / 'RESULTS.md'}; raw numbers, comparisons and chart in {results}")


if __name__ == "__main__":
    main()
