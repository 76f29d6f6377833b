#!/usr/bin/env bash
# Runs commands interleaved (A B C A B C ...), RUNS rounds, each under /usr/bin/time; writes the
# raw wall/user/sys seconds and exit code per run to OUT.tsv and prints medians as a Markdown table.
# usage: lib/ab.sh RUNS OUT.tsv NAME1 'COMMAND1' NAME2 'COMMAND2' ...
runs=$1; out=$2; shift 2
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
names=(); cmds=()
while (($#)); do names+=("$1"); cmds+=("$2"); shift 2; done
echo -e "name\trun\twall\tuser\tsys\trc" > "$out"
for ((r=1; r<=runs; r++)); do
  for i in "${!names[@]}"; do
    /usr/bin/time -o "$tmp/t" -f "%e\t%U\t%S" bash -c "${cmds[$i]}" >/dev/null 2>"$tmp/err"; rc=$?
    echo -e "${names[$i]}\t$r\t$(tail -1 "$tmp/t")\t$rc" >> "$out"
  done
done
python3 - "$out" <<'PY'
import sys,statistics,collections
rows=[l.rstrip('\n').split('\t') for l in open(sys.argv[1])][1:]
d=collections.OrderedDict()
for n,r,w,u,s,rc in rows: d.setdefault(n,[]).append((float(w),float(u)+float(s),rc))
print("| variant | wall median s | wall min–max | CPU median s | exit codes |")
print("| --- | ---: | ---: | ---: | --- |")
for n,v in d.items():
  w=[x[0] for x in v]; c=[x[1] for x in v]
  print(f"| {n} | {statistics.median(w):.2f} | {min(w):.2f}–{max(w):.2f} | {statistics.median(c):.2f} | {','.join(sorted(set(x[2] for x in v)))} |")
PY
