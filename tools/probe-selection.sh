#!/usr/bin/env bash
# Chooses a linear-probe setting for a small preset on its TRAINING split only: the last HELD
# training images become a validation split (tokenize --held-out), the probe is fitted on the rest
# for each setting of the grid below, and each validation top-1 is printed beside the k-NN's.
# The held-out test split is never read.
# Usage: tools/probe-selection.sh RUN_DIR [IMAGES_IDX_DIR] [HELD]
#   e.g. tools/probe-selection.sh runs/sorcen-tiny data/fashion-mnist-slice/images 1000
set -euo pipefail
cd "$(dirname "$0")/.."
run=$1
images=${2:-data/fashion-mnist-slice/images}
held=${3:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/images"
cp "$images"/train-* "$work/images/"
[ -f "$images/classes.txt" ] && cp "$images/classes.txt" "$work/images/"
./sorcen tokenize --tokenizer savedmodels/tokenizer-fashion-mnist/1 --images "$work/images" --held-out "$held" \
  --out "$work/tokens" >/dev/null 2>&1
printf '| optimizer | batch | blr | validation top-1 | train top-1 |\n|---|---|---|---|---|\n'
for s in "lars 4096 0.1" "lars 256 0.1" "lars 256 1" "lars 256 10" "sgd 256 0.1" "sgd 256 0.3" "sgd 256 1" \
    "sgd 256 3" "sgd 64 0.3" "sgd 64 1"; do
  set -- $s
  line=$(./sorcen eval linear-probe --run "$run" --data "$work/tokens" --set eval.linear_probe.optimizer="$1" \
    --set eval.linear_probe.batch_size="$2" --set eval.linear_probe.blr="$3" 2>/dev/null | grep "linear probe (")
  val=$(sed -E 's/.*top-1 ([0-9.]+%).*/\1/' <<<"$line")
  train=$(sed -E 's/.*\(train ([0-9.]+%)\).*/\1/' <<<"$line")
  printf '| %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$val" "$train"
done
./sorcen eval knn --run "$run" --data "$work/tokens" 2>/dev/null | grep "k-NN" | sed 's/^ */k-NN on the same validation split: /'
