#!/usr/bin/env bash
# Times our training step and the official PyTorch step alternately, in one sitting on the same
# cores, for sorcen-tiny (batch 64) and ViT-B (batch 4) in float32 and bfloat16 (ours:
# model.compute_dtype=bfloat16; official: torch.autocast("cpu", bfloat16)); prints one row each.
#   tools/official-fixtures/side_by_side.sh LEASE_CHECKOUT [PYTHON]   (PYTHON default: /tmp/torchenv/bin/python)
# Needs the CLI jar (./sorcen builds it) and the PyTorch environment of this folder's README.
set -euo pipefail
lease="${1:?usage: side_by_side.sh LEASE_CHECKOUT [PYTHON]}"
py="${2:-/tmp/torchenv/bin/python}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
./sorcen --help >/dev/null   # builds the jar if it is stale, outside the timing
export TF_CPP_MIN_LOG_LEVEL=3
echo "# $(date -u +%F) commit $(git rev-parse --short HEAD) load $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-12s %5s %9s %12s %12s %8s\n" config batch precision official_ms ours_ms speedup
for row in "tiny sorcen-tiny 64" "vit-base sorcen-vit-base 4"; do
  set -- $row
  for precision in float32 bfloat16; do
    flag=""; [ "$precision" = bfloat16 ] && flag="--autocast-bf16"
    official=$("$py" tools/official-fixtures/bench_official_step.py "$lease" --config "$1" --batch "$3" \
      --threads 2 $flag 2>/dev/null | sed -n 's/.*median_ms=\([0-9.]*\).*/\1/p')
    ours=$(./sorcen bench --config "configs/$2.json" --batch-size "$3" --threads 2 --precision "$precision" \
      2>/dev/null | awk -v c="$2" '$1 == c {print $4}')
    awk -v c="$1" -v b="$3" -v p="$precision" -v o="$official" -v u="$ours" \
      'BEGIN { printf "%-12s %5s %9s %12s %12s %7.2fx\n", c, b, p, o, u, (u > 0 ? o / u : 0) }'
  done
done
