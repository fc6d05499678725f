"""Writes the tiny official-format checkpoint fixtures of `./sorcen import-official` into data/reference/.

Not official code: it only repackages the weights of official-forward-tiny.safetensors (already named
as the official state_dict) the way the official `util.misc.save_model` of ImaGonEs/LEASE saves a
training checkpoint, `torch.save({'model', 'optimizer', 'epoch', 'scaler', 'args'})`, plus a bare
state_dict and a file of reader edge cases.

    nice -n 19 /tmp/torchenv/bin/python tools/official-fixtures/make_checkpoint_fixtures.py [--out DIR]
"""
import argparse
import collections
import os
import sys

import torch
from safetensors.torch import load_file

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("--out", default=os.path.join(here, "..", "..", "data", "reference"))
out = parser.parse_args().out
src = load_file(os.path.join(out, "official-forward-tiny.safetensors"))
weights = collections.OrderedDict(
    (k, v) for k, v in sorted(src.items()) if not k.startswith(("input.", "expected.", "extra.")))

# 1. The training checkpoint, as misc.save_model writes it. Legacy tensors the official model also
#    holds (and the graph does not use) are added back, as a real state_dict has them.
model = collections.OrderedDict(weights)
model["mask_token"] = torch.zeros(1, 1, 32)
model["token_emb.position_ids"] = torch.arange(17).unsqueeze(0)
model["projector.projector.1.num_batches_tracked"] = torch.tensor(5)
model._metadata = collections.OrderedDict({"": {"version": 1}})  # as nn.Module.state_dict() sets it
first = next(iter(weights.values()))
optimizer = {"state": {0: {"step": torch.tensor(10.0), "exp_avg": torch.zeros_like(first),
                           "exp_avg_sq": torch.zeros_like(first)}},
             "param_groups": [{"lr": 1.5e-4, "betas": (0.9, 0.95), "eps": 1e-8, "weight_decay": 0.05,
                               "params": [0]}]}
args = argparse.Namespace(model="sorcen_vit_base_patch16", batch_size=4, epochs=1600, blr=1.5e-4,
                          mask_ratio_min=0.5, input_size=256, output_dir="./output_dir", seed=0)
torch.save({"model": model, "optimizer": optimizer, "epoch": 3, "scaler": {"scale": 65536.0,
            "growth_factor": 2.0, "backoff_factor": 0.5, "growth_interval": 2000, "_growth_tracker": 7},
            "args": args}, os.path.join(out, "official-checkpoint-tiny.pth"))

# 2. A bare state_dict, in bfloat16 (the reader widens it to float32 exactly).
torch.save(collections.OrderedDict((k, v.to(torch.bfloat16)) for k, v in weights.items()),
           os.path.join(out, "official-state-dict-tiny-bf16.pth"))

# 3. Reader edge cases: dtypes, a view with a storage offset, a non-contiguous view, an unsupported dtype.
base = torch.arange(12, dtype=torch.float32) / 8 - 0.5
torch.save(collections.OrderedDict([
    ("f32", base.reshape(3, 4)),
    ("f16", base.to(torch.float16).reshape(4, 3)),
    ("bf16", base.to(torch.bfloat16)),
    ("i64", torch.arange(6, dtype=torch.int64).reshape(2, 3) - 2),
    ("offset", base[5:9]),                   # shares base's storage: offset 5, size 4
    ("transposed", base.reshape(3, 4).t()),  # stride (1, 4): not contiguous
    ("i32", torch.arange(3, dtype=torch.int32)),
]), os.path.join(out, "torch-reader-cases.pth"))

for f in ["official-checkpoint-tiny.pth", "official-state-dict-tiny-bf16.pth", "torch-reader-cases.pth"]:
    print(f, os.path.getsize(os.path.join(out, f)), "bytes", file=sys.stderr)
