#!/usr/bin/env python3
"""Images/s of the official image-embedding pipeline (MAGE's VQGAN encode + Sorcen ViT-B) on the CPU.

The other side of `./sorcen bench --image-encoder`: it runs the official LEASE linear-probe model
(`models_vit.vit_base_patch16` with `--global_pool`, the model `launch_linprobe_sorcen.sh` uses:
VQGAN `encode` → token ids → BERT embeddings → 12 blocks → mean of the patch positions → fc_norm)
with random weights on random 256×256 images, in eval mode under no_grad, float32 (or, with
--autocast-bf16, under torch.autocast("cpu", dtype=torch.bfloat16): PyTorch's own mixed precision,
which runs convolutions and matmuls in bf16), and prints one JSON line. Weights do not change the
arithmetic, so no checkpoint is needed.

Usage:
  nice -n 19 /tmp/torchenv/bin/python tools/official-fixtures/bench_official_image_encoder.py /tmp/lease \
      [--batch 8] [--batches 3] [--threads 2] [--autocast-bf16]

What is adapted, and why (the math is untouched):
  * `pytorch_lightning` is imported by the official VQModel only for its base class: if it is not
    installed, a stand-in module whose LightningModule is torch.nn.Module is used;
  * `matplotlib` is imported by models_vit.py but never used here: a stand-in if it is missing;
  * `Tensor.cuda(device=cpu)` (the official forward_features moves the CLS column to the ids' device
    with .cuda) returns the tensor unchanged on the CPU.
"""
import argparse
import json
import os
import sys
import time
import types


def stub_missing(name, **attrs):
    try:
        __import__(name)
    except ImportError:
        module = types.ModuleType(name)
        for key, value in attrs.items():
            setattr(module, key, value)
        sys.modules[name] = module


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("lease", help="a checkout of ImaGonEs/LEASE")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--batches", type=int, default=3, help="timed batches after one warm-up batch")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--autocast-bf16", action="store_true", help='run under torch.autocast("cpu", bfloat16)')
    args = ap.parse_args()

    import torch
    stub_missing("pytorch_lightning", LightningModule=torch.nn.Module)
    stub_missing("matplotlib")
    stub_missing("matplotlib.pyplot")
    original_cuda = torch.Tensor.cuda

    def cuda_on_cpu(self, device=None, *a, **k):
        if device is not None and torch.device(device).type == "cpu":
            return self
        return original_cuda(self, device, *a, **k)

    torch.Tensor.cuda = cuda_on_cpu
    torch.set_num_threads(args.threads)
    sys.path.insert(0, os.path.abspath(args.lease))
    os.chdir(args.lease)  # the official model reads config/vqgan.yaml relative to the checkout
    import models_vit

    torch.manual_seed(0)
    model = models_vit.vit_base_patch16(global_pool=True, vqgan_ckpt_path=None, num_classes=1000).eval()
    images = torch.rand(args.batch, 3, 256, 256)
    autocast = torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.autocast_bf16)
    with torch.no_grad(), autocast:
        cpu = time.process_time()  # all threads of the process: on a shared machine less noisy than wall time
        model.forward_features(images)  # warm-up
        start = time.perf_counter()
        for _ in range(args.batches):
            features = model.forward_features(images)
        seconds = time.perf_counter() - start
        cpu_per_image = (time.process_time() - cpu) / (args.batch * (args.batches + 1))
        start = time.perf_counter()
        for _ in range(args.batches):
            model.vqgan.encode(images)
        vqgan_seconds = time.perf_counter() - start
    count = args.batch * args.batches
    print(json.dumps({
        "pipeline": "official LEASE vit_base_patch16 (global_pool) with MAGE VQGAN, PyTorch CPU",
        "torch": torch.__version__, "threads": args.threads, "batch": args.batch,
        "precision": "autocast bfloat16" if args.autocast_bf16 else "float32",
        "images": count, "feature_dim": int(features.shape[1]),
        "images_per_second": round(count / seconds, 3),
        "cpu_seconds_per_image_with_warmup": round(cpu_per_image, 3),
        "vqgan_encode_images_per_second": round(count / vqgan_seconds, 3)}))


if __name__ == "__main__":
    main()
