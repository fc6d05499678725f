#!/usr/bin/env bash
# Re-creates the embedded Fashion-MNIST data from Debian's dataset-fashion-mnist:
#   1. trains the tokenizer on the full 60k training set  -> savedmodels/tokenizer-fashion-mnist/1
#   2. keeps the first TRAIN training and TEST test images -> data/fashion-mnist-slice/images
#   3. tokenizes that slice                                -> data/fashion-mnist-slice/tokens
# Run from the repository root: bash data/fashion-mnist-slice/make.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
SRC=${SRC:-/usr/share/datasets/fashion-mnist}
TRAIN=${TRAIN:-6000}
TEST=${TEST:-1000}
if [ ! -f "$SRC/train-images-idx3-ubyte.gz" ]; then
  echo "Fashion-MNIST not found in $SRC: apt-get install dataset-fashion-mnist" >&2
  exit 2
fi
./sorcen tokenizer-train --images "$SRC" --config configs/tokenizer-fashion-mnist.json \
  --out savedmodels/tokenizer-fashion-mnist/1
./sorcen subset --images "$SRC" --class-names fashion-mnist --train "$TRAIN" --test "$TEST" \
  --out data/fashion-mnist-slice/images
./sorcen tokenize --tokenizer savedmodels/tokenizer-fashion-mnist/1 --images data/fashion-mnist-slice/images \
  --out data/fashion-mnist-slice/tokens --overwrite
