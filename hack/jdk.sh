#!/usr/bin/env bash
# Prints the home of a JDK 21 or newer: JAVA_HOME if it is one, else the newest JDK found under
# /usr/lib/jvm (and /opt), else the one of `javac` on the PATH. Prints nothing when there is none.
# Used by hack/mvn and by the ./sekisho launcher.
set -euo pipefail

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; }

pick_jdk() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/javac" && "$(java_major "$JAVA_HOME")" -ge 21 ]]; then
    echo "$JAVA_HOME"; return
  fi
  local best="" best_major=0 d m
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [[ -x "$d/bin/javac" ]] || continue
    m="$(java_major "$d" || echo 0)"
    if [[ "$m" -ge 21 && "$m" -gt "$best_major" ]]; then best="$d"; best_major="$m"; fi
  done
  if [[ -z "$best" ]] && command -v javac >/dev/null; then
    d="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
    [[ "$(java_major "$d")" -ge 21 ]] && best="$d"
  fi
  echo "$best"
}

pick_jdk
