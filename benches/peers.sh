#!/usr/bin/env bash
# Side-by-side lint benchmark, in one run on one machine:
#   apigctl lint (all rules)  vs  Spectral 6.16.3 (spectral:oas)  vs  Redocly CLI 2.77.0 (recommended)
# on the corpus documents, plus apigctl alone on the corpus size ladder (linear-cost check).
# Prints a Markdown table (median wall time and median peak RSS over RUNS runs) for BENCHMARKS.md.
#
# Usage: benches/peers.sh [RUNS]        (default 3; Spectral on the GitHub spec takes about a minute)
# Env:   CORPUS=dir (default ../shared/corpus), PEERS=dir for the npm install (default target/peers;
#        an install already there at the pinned versions is reused),
#        SPECTRAL_RUNS=n runs of Spectral (default RUNS; it takes over a minute and 2.6 GB on the
#        GitHub spec, where one run is enough to compare)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${CORPUS:-$root/../shared/corpus}
peers=${PEERS:-$root/target/peers}
runs=${1:-3}
spectral_runs=${SPECTRAL_RUNS:-$runs}

if [ ! -d "$corpus" ]; then
    echo "benches/peers.sh: corpus not found at $corpus (set CORPUS=...); nothing measured" >&2
    exit 0
fi
command -v npm >/dev/null || { echo "benches/peers.sh: npm is required" >&2; exit 2; }

# Later Redocly releases need a newer Node than 20; Spectral needs an explicit ruleset or it checks nothing.
installed() { # PACKAGE VERSION: whether $peers holds exactly that version
    grep -qs "\"version\": \"$2\"" "$peers/node_modules/$1/package.json"
}
if ! installed @stoplight/spectral-cli 6.16.3 || ! installed @redocly/cli 2.77.0; then
    npm install --silent --no-audit --no-fund --prefix "$peers" \
        @stoplight/spectral-cli@6.16.3 @redocly/cli@2.77.0 >/dev/null
fi
ruleset="$peers/spectral-oas.yaml"
printf 'extends: ["spectral:oas"]\n' >"$ruleset"

(cd "$root" && cargo build --release --locked --quiet)
apigctl="$root/target/release/apigctl"
timing=$(mktemp)
trap 'rm -f "$timing"' EXIT

# measure CMD... -> "median_seconds median_peak_mib" over $n runs (default RUNS)
measure() {
    local secs=() mibs=() out runs=${n:-$runs}
    for _ in $(seq "$runs"); do
        # Linters exit non-zero when they report findings; that is not a failed measurement.
        # Wall time of the command alone, from bash's microsecond clock (time's %e has 10 ms
        # steps, and running under time or forking date adds milliseconds to a short run);
        # peak memory from a run under time's %M.
        # A run of a minute (Spectral) is timed under time itself (same_run=1).
        local t0 t1
        if [ "${same_run:-0}" = 1 ]; then
            t0=$EPOCHREALTIME
            /usr/bin/time -o "$timing" -f '%M' "$@" >/dev/null 2>/dev/null || true
            t1=$EPOCHREALTIME
        else
            t0=$EPOCHREALTIME
            "$@" >/dev/null 2>/dev/null || true
            t1=$EPOCHREALTIME
            /usr/bin/time -o "$timing" -f '%M' "$@" >/dev/null 2>/dev/null || true
        fi
        secs+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')")
        mibs+=("$(( $(tail -1 "$timing") / 1024 ))")
    done
    printf '%s %s\n' \
        "$(printf '%s\n' "${secs[@]}" | sort -g | sed -n "$(( (runs + 1) / 2 ))p")" \
        "$(printf '%s\n' "${mibs[@]}" | sort -g | sed -n "$(( (runs + 1) / 2 ))p")"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); runs: $runs (median), Spectral: $spectral_runs"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| document | size | apigctl | Spectral | Redocly | vs Spectral | vs Redocly | apigctl peak / Redocly peak |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for doc in github-api.github.com.3.0.json stripe-spec3.3.0.yaml; do
    file="$corpus/$doc"
    [ -f "$file" ] || { echo "| $doc | absent | | | | | | |"; continue; }
    # apigctl runs are short: take the median of at least 11.
    read -r a_s a_m < <(n=$(( runs > 11 ? runs : 11 )) measure "$apigctl" lint "$file")
    read -r s_s s_m < <(n=$spectral_runs same_run=1 measure "$peers/node_modules/.bin/spectral" lint -r "$ruleset" "$file")
    read -r r_s r_m < <(measure "$peers/node_modules/.bin/redocly" lint --extends=recommended "$file")
    size=$(( $(stat -c %s "$file") / 1024 ))
    awk -v d="$doc" -v kb="$size" -v as="$a_s" -v am="$a_m" -v ss="$s_s" -v sm="$s_m" -v rs="$r_s" -v rm="$r_m" 'BEGIN {
        printf "| %s | %d KiB | %.3f s / %d MiB | %.2f s / %d MiB | %.2f s / %d MiB | %.0fx | %.0fx | %.2f |\n",
            d, kb, as, am, ss, sm, rs, rm, ss / as, rs / as, am / rm }'
done
echo
echo "load average after the peers: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "Size ladder (apigctl lint, all rules):"
echo
echo "| document | size | wall | peak | ms per MiB |"
echo "|---|---:|---:|---:|---:|"
for doc in adyen-checkout-v71.3.1.json stripe-spec2.2.0.yaml kubernetes-v1.12-swagger.2.0.json \
    stripe-spec3.3.0.yaml aws-ec2.3.0.json github-api.github.com.3.0.json; do
    file="$corpus/$doc"
    [ -f "$file" ] || continue
    read -r a_s a_m < <(measure "$apigctl" lint "$file")
    bytes=$(stat -c %s "$file")
    awk -v d="$doc" -v b="$bytes" -v s="$a_s" -v m="$a_m" 'BEGIN {
        printf "| %s | %.1f MiB | %.3f s | %d MiB | %.0f |\n", d, b / 1048576, s, m, s * 1000 / (b / 1048576) }'
done
