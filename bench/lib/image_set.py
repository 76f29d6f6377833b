#!/usr/bin/env python3
"""Builds the benchmark's image set: N images (default 30) that share their base layers, as one
OCI image layout with the tags s00, s01, ... (to measure what a layer cache saves).

Every image has three layers:
  1. the Debian 12 minbase fixture layer of the test kit (the large image's layer 1, same blob)
  2. the large image's Python layer (1,204 distributions, same blob)
  3. its own top layer: 20 npm packages drawn from the large image's node_modules (so the large
     image's OSV data set has advisories for some of them), a package.json and 1 MiB of data

so the image set needs no OSV data of its own: the large image's database covers it. Built
reproducibly like the large image (fixed seeds, sorted entries, fixed mtimes).

Usage: image_set.py OUT_DIR LARGE_IMAGE_DIR [COUNT]
"""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import large_image as li  # noqa: E402


def top_layer(i, npm):
    r = li.rng("set", i)
    layer = li.Layer(f"COPY app-{i:02d} /srv/app")
    chosen = sorted(r.sample(range(len(npm)), 20))
    for k in chosen:
        p = npm[k]
        d = f"srv/app/node_modules/{p['name']}/"
        pj = {"name": p["name"], "version": p["version"], "main": "index.js", "license": "MIT"}
        layer.file(d + "package.json", json.dumps(pj, indent=2).encode())
        layer.file(d + "index.js", li.code_text(li.rng("set-js", i, k), 4000))
    app = {"name": f"bench-set-{i:02d}", "version": "1.0.0", "private": True,
           "dependencies": {npm[k]["name"]: npm[k]["version"] for k in chosen}}
    layer.file("srv/app/package.json", json.dumps(app, indent=2).encode())
    layer.file("srv/app/data.bin", li.binary_blob(f"set-{i}", li.MIB))
    return layer, [npm[k] for k in chosen]


def main():
    out, large = Path(sys.argv[1]), Path(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    started = time.time()
    oci = out / "oci"
    blobs = oci / "blobs" / "sha256"
    blobs.mkdir(parents=True, exist_ok=True)

    lblobs = large / "oci" / "blobs" / "sha256"
    index = json.loads((large / "oci" / "index.json").read_text())
    lman = json.loads((lblobs / index["manifests"][0]["digest"].split(":")[1]).read_text())
    lcfg = json.loads((lblobs / lman["config"]["digest"].split(":")[1]).read_text())
    rows = {r.split("\t")[1]: r.split("\t") for r in (large / "layers.tsv").read_text().splitlines()[1:]}
    base = []
    for n in (0, 4):  # Debian, Python
        desc = lman["layers"][n]
        digest = desc["digest"]
        dst = blobs / digest.split(":")[1]
        if not dst.exists():
            dst.hardlink_to(lblobs / dst.name)
        row = rows[digest]
        base.append({"digest": digest, "size": desc["size"], "diffId": lcfg["rootfs"]["diff_ids"][n],
                     "uncompressed": int(row[3]), "files": int(row[2]), "createdBy": row[5]})

    inventory = json.loads((large / "inventory.json").read_text())
    npm = inventory["npm"]
    tags, layers, tops = [], [], []
    for i in range(count):
        layer, pkgs = top_layer(i, npm)
        top = li.write_layer(blobs, layer)
        tops.append(top)
        ls = base + [top]
        config = {
            "created": li.CREATED, "architecture": "amd64", "os": "linux",
            "config": {"User": "10001", "Env": ["PATH=/usr/local/bin:/usr/bin:/bin"],
                       "WorkingDir": "/srv/app", "Cmd": ["node", "/srv/app/index.js"]},
            "rootfs": {"type": "layers", "diff_ids": [l["diffId"] for l in ls]},
            "history": [{"created": li.CREATED, "created_by": l["createdBy"]} for l in ls],
        }
        cfg = li.write_blob(blobs, li.dumps(config))
        manifest = {
            "schemaVersion": 2, "mediaType": li.MANIFEST,
            "config": {"mediaType": li.CONFIG, **cfg},
            "layers": [{"mediaType": li.LAYER_GZIP, "digest": l["digest"], "size": l["size"]} for l in ls],
        }
        man = li.write_blob(blobs, li.dumps(manifest))
        tags.append({"mediaType": li.MANIFEST, **man, "platform": {"architecture": "amd64", "os": "linux"},
                     "annotations": {"org.opencontainers.image.ref.name": f"s{i:02d}"}})
    (oci / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
    (oci / "index.json").write_bytes(li.dumps({"schemaVersion": 2, "mediaType": li.INDEX, "manifests": tags}))
    with open(out / "layers.tsv", "w") as f:
        f.write("layer\tdigest\tfiles\tuncompressed_bytes\tcompressed_bytes\tcreated_by\n")
        for name, l in [("1", base[0]), ("2", base[1])] + [(f"top-s{i:02d}", t) for i, t in enumerate(tops)]:
            f.write(f"{name}\t{l['digest']}\t{l['files']}\t{l['uncompressed']}\t{l['size']}\t{l['createdBy']}\n")
    print(f"built {count} images in {oci} in {time.time() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
