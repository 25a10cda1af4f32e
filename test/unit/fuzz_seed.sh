#!/bin/sh
# fuzz_seed.sh: seed a libFuzzer corpus for fuzz_reader from the vectors.
#
#   test/unit/fuzz_seed.sh [corpus-dir] [vectors.tsv]
#
# Each vector becomes one file: a mode byte (see fuzz_reader.c) followed
# by the message bytes.  Four files per vector cover the split modes, plus
# a few files holding several messages back to back.
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/corpus}
tsv=${2:-${KIPC_VECTORS:-$here/../data/kdb-ipc-vectors.tsv}}
[ -f "$tsv" ] || { echo "vectors file not found: $tsv" >&2; exit 1; }
mkdir -p "$out"
n=0
tail -n +2 "$tsv" | cut -f3 | while read -r hex; do
	n=$((n + 1))
	for mode in 00 01 82 03; do
		{ printf '%s' "$mode" | xxd -r -p; printf '%s' "$hex" | xxd -r -p; } > "$out/v${n}_$mode"
	done
done
# several messages in one input
tail -n +2 "$tsv" | cut -f3 | head -40 | tr -d '\n' | { printf '01'; cat; } | xxd -r -p > "$out/multi_01"
tail -n +2 "$tsv" | cut -f3 | head -40 | tr -d '\n' | { printf '83'; cat; } | xxd -r -p > "$out/multi_83"
echo "seeded $(ls "$out" | wc -l) files in $out"
