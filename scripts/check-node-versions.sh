#!/usr/bin/env bash
# Runs NanoFlux under the Node versions package.json's engines promises: the oldest (20.19.0, the floor of
# ^20.19.0; 22.13.0, the floor of >=22.13.0) and the current LTS (24). For each: the CLI through tsx
# (`--version`, then `validate` on the demo topology) and the built library from plain node (the example
# generates a small dataset on the simulator with an embedded nats-server).
#
# Node binaries come from the npm registry (the `node` package and its per-platform binary package), so npm's
# registry is all the network this needs; each version is installed once under $NANOFLUX_NODE_CACHE
# (default ~/.cache/nanoflux/node). Pick other versions with NANOFLUX_NODE_VERSIONS="20.19.0 24 26".
# The check also says whether the newest 26.x is an LTS release yet (its process.release.lts); set
# NANOFLUX_NODE_LTS_PROBE to another major, or to nothing to skip that download.
#   bash scripts/check-node-versions.sh
set -euo pipefail
cd "$(dirname "$0")/.."
read -r -a versions <<<"${NANOFLUX_NODE_VERSIONS:-20.19.0 22.13.0 24}"
cache="${NANOFLUX_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nanoflux/node}"
work=$(mktemp -d "${TMPDIR:-/tmp}/nanoflux-node-versions-XXXXXX")
trap 'rm -rf "$work"' EXIT

say() { printf 'check-node-versions: %s\n' "$*" >&2; }

# The exact version a spec (24, 20.19.0) names on the registry today: the newest that matches.
resolve_version() {
  npm view "node@$1" version --json 2>/dev/null | node -e '
    let text = "";
    process.stdin.on("data", (c) => (text += c)).on("end", () => {
      const found = JSON.parse(text || "null");
      const list = Array.isArray(found) ? found : found ? [found] : [];
      if (list.length === 0) process.exit(1);
      const parts = (v) => v.split(".").map(Number);
      const newer = (a, b) => parts(a).reduce((d, n, i) => d || n - parts(b)[i], 0);
      console.log(list.sort(newer).at(-1));
    });'
}

# Installs node@<exact> once and prints the path of its binary.
node_binary() {
  local version=$1 prefix="$cache/$1"
  if [ ! -x "$prefix/node_modules/node/bin/node" ]; then
    say "installing node@$version from the npm registry into $prefix"
    rm -rf "$prefix" && mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "node@$version" >/dev/null
  fi
  echo "$prefix/node_modules/node/bin/node"
}

if [ ! -f dist/index.js ]; then node scripts/build-lib.mjs >&2; fi

failed=0
summary=()
for spec in "${versions[@]}"; do
  version=$(resolve_version "$spec") || { say "node@$spec: no such version on the registry"; exit 1; }
  bin=$(node_binary "$version")
  actual=$("$bin" --version)
  [ "$actual" = "v$version" ] || { say "node@$version installed as $actual"; exit 1; }
  summary+=("node $actual (lts: $("$bin" -p 'process.release.lts ?? "no"')):")
  # Each step alone, so one that fails hides none of the others.
  for step in cli-version cli-validate library-example; do
    case $step in
      cli-version) command=("$bin" bin/nanoflux.mjs --version) ;;
      cli-validate) command=("$bin" bin/nanoflux.mjs validate topologies/demo.yaml) ;;
      library-example) command=(env -u NODE_OPTIONS "$bin" examples/library/generate.mjs "$work/runs-$version") ;;
    esac
    log="$work/$version-$step.log"
    started=$(date +%s%N)
    if "${command[@]}" >"$log" 2>&1; then
      result="ok"
    else
      result="FAILED"
      failed=1
      say "node $actual, $step failed:"
      sed 's/^/    /' "$log" >&2
    fi
    summary+=("  $step: $result ($((($(date +%s%N) - started) / 1000000)) ms)")
  done
done

# Whether the next major has become an LTS line (then it, not 24, is the current LTS to check): best effort.
probe="${NANOFLUX_NODE_LTS_PROBE-26}"
if [ -n "$probe" ] && newest=$(resolve_version "$probe") && bin=$(node_binary "$newest"); then
  lts=$("$bin" -p 'process.release.lts ?? "no"')
  note=""
  [ "$lts" = "no" ] || note=" - an LTS line now: check it (NANOFLUX_NODE_VERSIONS) in place of 24"
  summary+=("node v$newest (the newest $probe.x): lts: $lts$note")
fi
printf '%s\n' "${summary[@]}"
exit "$failed"
