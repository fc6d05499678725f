#!/usr/bin/env python3
"""Times the OFFICIAL Sorcen training step (ImaGonEs/LEASE) on the CPU: the anchor of
results/performance.md ("Side by side with the official step").

    python bench_official_step.py LEASE_CHECKOUT --config tiny|vit-base --batch N
        [--warmup 3] [--steps 10] [--threads 2] [--autocast-bf16]

One timed step, in the order of engine_pretrain.train_one_epoch_two_losses_tk: SorcenViT.forward
(update_ema, masked student, decoder, losses, echo sampling and crop, teacher, heads, classifier),
loss.item(), the official NativeScalerWithGradNormCount (backward, clip_grad_norm_(3.0), AdamW
step; its GradScaler is disabled on a CPU), zero_grad(). The model is built by make_fixtures.py's
build_model (same CPU adaptations) but with the official dropout kept and torch's SDPA in place of
flash-attn. Prints one line: official config=... batch=... precision=... median_ms=... samples_per_s=...
"""
import argparse
import json
import math
import os
import statistics
import sys
import time
import types
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_fixtures as fx  # noqa: E402  (the CPU adaptations of the official code, not duplicated)

REPO = Path(__file__).resolve().parents[2]
CONFIGS = {"tiny": REPO / "configs" / "sorcen-tiny.json", "vit-base": REPO / "configs" / "sorcen-vit-base.json"}
VARIANTS = REPO / "sorcen-graph" / "src" / "main" / "resources" / "org" / "sorcen" / "graph" / "config" / "model-variants.json"


def sdpa_flash_attn_qkvpacked_func(qkv, dropout_p=0.0, softmax_scale=None, causal=False):
    """flash_attn_qkvpacked_func on torch SDPA, dropout included: qkv B x N x 3 x H x d -> B x N x H x d."""
    q, k, v = (t.transpose(1, 2) for t in qkv.unbind(dim=2))  # B x H x N x d
    out = F.scaled_dot_product_attention(q, k, v, dropout_p=dropout_p, is_causal=causal, scale=softmax_scale)
    return out.transpose(1, 2)


def read_json(path):
    """A repository JSON file without its // comment lines."""
    return json.loads("\n".join(l for l in Path(path).read_text().splitlines() if not l.lstrip().startswith("//")))


def model_config(path):
    """The repository config's model shape, in make_fixtures' keys. A "variant" fills the fields the
    config does not write from the table the Java loader reads (ModelVariants), as it does."""
    m = read_json(path)["model"]
    if "variant" in m:
        m = {**read_json(VARIANTS)[m.pop("variant")], **m}
    keys = ["codebook_size", "grid", "embed_dim", "depth", "num_heads", "decoder_embed_dim", "decoder_depth",
            "decoder_num_heads", "projector_hidden_dim", "projector_dim", "predictor_hidden_dim",
            "classifier_hidden_dim", "num_classes"]
    c = {k: m[k] for k in keys}
    c["mlp_ratio"] = m.get("mlp_ratio", 4.0)
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("lease", type=Path, help="checkout of github.com/ImaGonEs/LEASE")
    ap.add_argument("--config", choices=sorted(CONFIGS), required=True)
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--autocast-bf16", action="store_true", help="torch.autocast('cpu', bfloat16) around the forward")
    ap.add_argument("--epoch", type=int, default=100, help="> 10: the echo is sampled, beta < 1")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    M, lr_sched, misc = fx.import_official(a.lease.resolve())
    M.flash_attn_qkvpacked_func = sdpa_flash_attn_qkvpacked_func  # timing: SDPA, with attention dropout
    fx.init_single_process_group()
    c = model_config(CONFIGS[a.config])
    model = fx.build_model(M, a.lease.resolve(), c, zero_dropout=False)
    model.train()

    # main_pretrain_tk_1600.py: lr = blr * B / 256, timm weight-decay groups, AdamW betas (0.9, 0.95).
    args = types.SimpleNamespace(lr=1.5e-4 * a.batch / 256, min_lr=0.0, warmup_epochs=40, epochs=1600,
                                 weight_decay=0.05, grad_clip=3.0, accum_iter=1)
    optimizer = torch.optim.AdamW(fx.weight_decay_groups(model, args.weight_decay), lr=args.lr, betas=(0.9, 0.95))
    loss_scaler = misc.NativeScalerWithGradNormCount()
    L = c["grid"] ** 2
    tokens = torch.randint(0, c["codebook_size"], (a.batch, L))
    labels = torch.randint(0, c["num_classes"], (a.batch,))
    autocast = (lambda: torch.autocast("cpu", dtype=torch.bfloat16)) if a.autocast_bf16 else \
        (lambda: torch.autocast("cpu", enabled=False))

    times = []
    optimizer.zero_grad()
    for i in range(a.warmup + a.steps):
        lr_sched.adjust_learning_rate(optimizer, a.epoch, args)  # before the official timer starts
        vq = tokens.clone()  # forward_encoder writes the mask id into its input
        t0 = time.perf_counter()
        with autocast():
            loss, *_ = model(vq, labels, a.epoch)
        loss_value = loss.item()
        assert math.isfinite(loss_value), loss_value
        loss_scaler(loss / args.accum_iter, optimizer, clip_grad=args.grad_clip, parameters=model.parameters(),
                    update_grad=True)
        optimizer.zero_grad()
        dt = (time.perf_counter() - t0) * 1000
        print(f"step {i} {'warm-up' if i < a.warmup else 'timed'} {dt:.1f} ms loss {loss_value:.4f}", file=sys.stderr)
        if i >= a.warmup:
            times.append(dt)
    med = statistics.median(times)
    print(f"official config={a.config} batch={a.batch} precision={'bfloat16' if a.autocast_bf16 else 'float32'} "
          f"median_ms={med:.1f} samples_per_s={a.batch * 1000 / med:.2f} threads={a.threads} warmup={a.warmup} "
          f"steps={a.steps} torch={torch.__version__} load1={os.getloadavg()[0]:.1f}")  # shared cores: the load


if __name__ == "__main__":
    main()
