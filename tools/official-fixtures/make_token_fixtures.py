"""Writes the tiny official-format token files of `./sorcen import --tokens X.pt` into data/reference/.

Not official code: it writes, with torch.save, dicts shaped like the precomputed token files that the
official MAGE/LEASE pipeline trains from (ImaGonEs/LEASE README, "Data"): `tokens_vqgan` (N, 256)
token ids, `labels` (N,), and optionally `tokens_dino` (N, 256) semantic tokens. The values follow a
fixed formula so that a test can recompute them:

    id(r, i) = (7 * r + 3 * i) % C      label(r) = r % 3

    nice -n 19 /tmp/torchenv/bin/python tools/official-fixtures/make_token_fixtures.py [--out DIR]
"""
import argparse
import os
import sys

import torch

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("--out", default=os.path.join(here, "..", "..", "data", "reference"))
out = parser.parse_args().out


def ids(n, length, c, dtype=torch.int64):
    r = torch.arange(n, dtype=torch.int64).unsqueeze(1)
    i = torch.arange(length, dtype=torch.int64).unsqueeze(0)
    return ((7 * r + 3 * i) % c).to(dtype)


def labels(n):
    return torch.arange(n, dtype=torch.int64) % 3


files = {
    # 12 rows of a 4×4 grid, C = 32: the small stand-in for the official file.
    "official-tokens-tiny.pt": {"tokens_vqgan": ids(12, 16, 32), "labels": labels(12)},
    # The official shape: rows of 256 = 16×16 ids of the 1024-entry VQGAN codebook.
    "official-tokens-tiny-256.pt": {"tokens_vqgan": ids(3, 256, 1024), "labels": labels(3)},
    # As LEASE has it: semantic tokens next to the VQGAN ones (import ignores them).
    "official-tokens-tiny-dino.pt": {"tokens_vqgan": ids(4, 16, 32), "labels": labels(4),
                                     "tokens_dino": ids(4, 16, 16384) + 5},
    # Narrower integer dtypes.
    "official-tokens-tiny-int32.pt": {"tokens_vqgan": ids(5, 16, 32, torch.int32), "labels": labels(5)},
    "official-tokens-tiny-int16.pt": {"tokens_vqgan": ids(5, 16, 32, torch.int16),
                                      "labels": labels(5).to(torch.int32)},
    # Refused, one problem each.
    "official-tokens-bad-no-vqgan.pt": {"tokens": ids(2, 16, 32), "labels": labels(2)},
    "official-tokens-bad-rank.pt": {"tokens_vqgan": ids(2, 16, 32).reshape(-1), "labels": labels(2)},  # flattened
    "official-tokens-bad-labels.pt": {"tokens_vqgan": ids(3, 16, 32), "labels": labels(2)},
    "official-tokens-bad-float.pt": {"tokens_vqgan": ids(2, 16, 32, torch.float32), "labels": labels(2)},
}
for name, d in files.items():
    torch.save(d, os.path.join(out, name))
    print(name, os.path.getsize(os.path.join(out, name)), "bytes", file=sys.stderr)
