#!/usr/bin/env python3
"""Writes data/reference/official-mage-one-step-tiny.safetensors by running ONE training step of the
OFFICIAL MAGE code (LTH14/mage) on the CPU, from raw images, as main_pretrain.py trains:

    nice -n 19 /tmp/torchenv/bin/python tools/official-fixtures/make_mage_fixtures.py /tmp/mage [--out DIR]

Official and unchanged: main_pretrain.py's transform (RandomResizedCrop(input_size, scale=(0.2, 1.0))
with its default bilinear filter, RandomHorizontalFlip(), ToTensor()) applied to PIL images;
MaskedGenerativeEncoderViT.forward (the frozen VQGAN's encode of the crops under no_grad, the
masking, encoder, decoder, MlmLayer and the label-smoothed loss); timm's add_weight_decay,
AdamW(betas=(0.9, 0.95)), util.lr_sched.adjust_learning_rate and util.misc.NativeScalerWithGradNormCount
(backward, clip_grad_norm_(model.parameters(), 3.0), step) in engine_pretrain.py's order.

Adapted (see README.md): the VQGAN is the committed tiny official-vqgan-tiny.ckpt (its loss.* keys
dropped, since models_mage.py loads it strictly) through a shim of OmegaConf.load for its config;
token_emb rebuilt with L + 1 positions (official: 256 + 1); Tensor.cuda -> no-op; torch._six (gone
from torch 2) provided for util/misc.py; np.float (gone from NumPy 1.24) for util/pos_embed.py; every nn.Dropout p -> 0; the mask rate and the mask noise
fixed (the official code still computes the masks from them); Attention's q.float()/k.float() (an
upcast from autocast's fp16) keeps float64; the crop boxes and flips are the
official transform's own draws under a fixed seed, recorded; float64 for the ViT (weights rounded
to float32), float32 for the VQGAN, as our graph runs it; GradScaler off (CPU).
"""
import argparse
import contextlib
import json
import math
import os
import subprocess
import sys
import tempfile
import types
from functools import partial
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
from safetensors.torch import save_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_fixtures as mf  # noqa: E402  (FixedRate, f32, weight_decay_groups, randomise: shared machinery)

# The tiny VQGAN of official-vqgan-tiny.ckpt (make_vqgan_fixtures.py): 8x8 RGB -> 4x4 ids of 64 codes.
VQGAN = {"embed_dim": 8, "n_embed": 64, "ddconfig": {
    "double_z": False, "z_channels": 8, "resolution": 8, "in_channels": 3, "out_ch": 3, "ch": 32,
    "ch_mult": [2, 1], "num_res_blocks": 1, "attn_resolutions": [4], "dropout": 0.0}}
CONFIG = dict(codebook_size=64, grid=4, embed_dim=16, depth=2, num_heads=2, decoder_embed_dim=16,
              decoder_depth=1, decoder_num_heads=2, mlp_ratio=4.0, batch=4, mask_ratio=0.75,
              image_height=12, image_width=10, channels=3, input_size=8, crop_scale=[0.2, 1.0])
UNUSED = ("pos_embed", "decoder_pos_embed", "cls_token", "mask_token", "token_emb.position_ids")
UNUSED_PREFIXES = ("patch_embed.", "decoder_pred.", "vqgan.")


def import_official(mage_dir, vqgan_ckpt):
    torch.Tensor.cuda = lambda self, *a, **k: self  # CPU run
    six = types.ModuleType("torch._six")
    six.inf = math.inf
    sys.modules.setdefault("torch._six", six)  # util/misc.py: `from torch._six import inf` (torch < 2)
    if not hasattr(np, "float"):
        np.float = float  # util/pos_embed.py's np.float (removed in NumPy 1.24): the unused sin-cos tables
    sys.modules.setdefault("pytorch_lightning", types.SimpleNamespace(LightningModule=nn.Module))
    sys.path.insert(0, str(mage_dir))
    with contextlib.redirect_stdout(sys.stderr):
        import models_mage as M
        import util.lr_sched as lr_sched
        import util.misc as misc
    return M, lr_sched, misc


def build_model(M, c, vqgan_ckpt):
    g, d = c["grid"], c["embed_dim"]
    L = g * g
    real = M.OmegaConf
    M.OmegaConf = types.SimpleNamespace(load=lambda path: real.create({"model": {"params": VQGAN}}))
    try:
        model = M.MaskedGenerativeEncoderViT(
            img_size=16 * g, patch_size=16, embed_dim=d, depth=c["depth"], num_heads=c["num_heads"],
            decoder_embed_dim=c["decoder_embed_dim"], decoder_depth=c["decoder_depth"],
            decoder_num_heads=c["decoder_num_heads"], mlp_ratio=c["mlp_ratio"],
            norm_layer=partial(nn.LayerNorm, eps=1e-6), vqgan_ckpt_path=vqgan_ckpt)
    finally:
        M.OmegaConf = real
    vocab = c["codebook_size"] + 1000 + 1
    assert model.mask_token_label == vocab - 1 and model.patch_embed.num_patches == L
    model.token_emb = M.BertEmbeddings(vocab_size=vocab, hidden_size=d, max_position_embeddings=L + 1, dropout=0.1)
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.p = 0.0
    return model


def official_crops(c, images, seed):
    """main_pretrain.py's transform on each PIL image; its get_params and hflip calls recorded."""
    import torchvision.transforms as transforms
    import torchvision.transforms.transforms as T
    from PIL import Image
    transform = transforms.Compose([
        transforms.RandomResizedCrop(c["input_size"], scale=tuple(c["crop_scale"])),
        transforms.RandomHorizontalFlip(),
        transforms.ToTensor()])
    assert transform.transforms[0].interpolation == transforms.InterpolationMode.BILINEAR
    boxes, flips, calls = [], [], {}
    real_params, real_hflip = T.RandomResizedCrop.get_params, T.F.hflip

    def get_params(img, scale, ratio):
        calls["box"] = real_params(img, scale, ratio)
        return calls["box"]

    def hflip(img):
        calls["flip"] = True
        return real_hflip(img)

    T.RandomResizedCrop.get_params = staticmethod(get_params)
    T.F.hflip = hflip
    out = []
    try:
        torch.manual_seed(seed)
        for img in images:
            calls.clear()
            mode = "RGB" if c["channels"] == 3 else "L"
            out.append(transform(Image.fromarray(img if c["channels"] == 3 else img[..., 0], mode)))
            boxes.append(list(calls["box"]))
            flips.append(bool(calls.get("flip", False)))
    finally:
        T.RandomResizedCrop.get_params = staticmethod(real_params)
        T.F.hflip = real_hflip
    return torch.stack(out).float(), torch.tensor(boxes), torch.tensor(flips)


def random_images(c, rng):
    h, w, ch = c["image_height"], c["image_width"], c["channels"]
    yy, xx = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    n = c["batch"]
    ramp = (np.sin(xx[None, :, :, None] / w * 5 + rng.uniform(0, 6, (n, 1, 1, ch)))
            * np.cos(yy[None, :, :, None] / h * 4 + rng.uniform(0, 6, (n, 1, 1, ch))))
    img = rng.integers(40, 200, (n, 1, 1, ch)) + ramp * 70 + rng.normal(0, 25, (n, h, w, ch))
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def fixed_noise(c, gen):
    b, L = c["batch"], c["grid"] ** 2
    noise = torch.empty(b, L, dtype=torch.float64)
    for i in range(b):
        noise[i, torch.randperm(L, generator=gen)] = torch.arange(1, L + 1, dtype=torch.float64) / (L + 1)
    return noise


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mage", type=Path, help="checkout of github.com/LTH14/mage")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[2] / "data" / "reference")
    ap.add_argument("--seed", type=int, default=20261206)
    ap.add_argument("--epoch", type=int, default=100)
    a = ap.parse_args()
    mage = a.mage.resolve()
    try:
        commit = subprocess.run(["git", "-C", str(mage), "rev-parse", "HEAD"], capture_output=True, text=True,
                                check=True).stdout.strip()
    except Exception:
        commit = os.environ.get("MAGE_COMMIT", "unknown")
    c = CONFIG
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)

    # models_mage.py loads the VQGAN strictly: the committed tiny checkpoint without its taming loss.* keys.
    committed = Path(__file__).resolve().parents[2] / "data" / "reference" / "official-vqgan-tiny.ckpt"
    ckpt = torch.load(committed, map_location="cpu", weights_only=False)
    tmp = tempfile.NamedTemporaryFile(suffix=".ckpt", delete=False)
    tmp.close()
    torch.save({"state_dict": {k: v for k, v in ckpt["state_dict"].items() if not k.startswith("loss.")}}, tmp.name)
    M, lr_sched, misc = import_official(mage, tmp.name)

    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    with contextlib.redirect_stdout(sys.stderr):
        model = build_model(M, c, tmp.name)
    os.unlink(tmp.name)
    vqgan = model.vqgan
    del model.vqgan  # randomise the ViT only; the tokenizer keeps its checkpoint's weights
    mf.randomise(model, gen)
    model.vqgan = vqgan.float()  # the VQGAN in float32, as our graph runs it
    model.train()
    names = [n for n in model.state_dict()
             if n not in UNUSED and not n.startswith(UNUSED_PREFIXES)]
    before = {n: model.state_dict()[n].detach().clone() for n in names}

    images = random_images(c, rng)
    crops, boxes, flips = official_crops(c, images, a.seed)   # float32 NCHW in [0, 1]
    noise = fixed_noise(c, gen)

    args = types.SimpleNamespace(lr=0.02, min_lr=0.0, warmup_epochs=40, epochs=400, weight_decay=0.05,
                                 grad_clip=3.0, accum_iter=1)
    optimizer = torch.optim.AdamW(mf.weight_decay_groups(model, args.weight_decay), lr=args.lr, betas=(0.9, 0.95))
    loss_scaler = misc.NativeScalerWithGradNormCount()  # main_pretrain.py imports it as NativeScaler; scale 1 on a CPU
    lr = lr_sched.adjust_learning_rate(optimizer, 0 / 1 + a.epoch, args)

    rec = {}
    real_encoder, real_rand = model.forward_encoder, torch.rand

    def forward_encoder(x):
        r = real_encoder(x)
        rec["gt"], rec["drop"], rec["mask"] = r[1].clone(), r[2][:, 1:].clone(), r[3][:, 1:].clone()
        return r

    def rand(*size, **kw):
        shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else tuple(size)
        assert shape == tuple(noise.shape), shape
        return noise.clone().to(kw.get("dtype") or torch.get_default_dtype())

    model.forward_encoder = forward_encoder
    model.mask_ratio_generator = mf.FixedRate(c["mask_ratio"])
    optimizer.zero_grad()
    # Attention's q.float() @ k.float() upcasts autocast's fp16 to fp32; in this float64 run it keeps float64.
    real_float = torch.Tensor.float
    torch.rand = rand
    torch.Tensor.float = lambda self, *a, **k: self if self.dtype == torch.float64 else real_float(self, *a, **k)
    try:
        loss, _, _ = model(crops)   # engine_pretrain.train_one_epoch, minus autocast
    finally:
        torch.rand = real_rand
        torch.Tensor.float = real_float
        del model.forward_encoder
    norm = loss_scaler(loss / args.accum_iter, optimizer, clip_grad=args.grad_clip, parameters=model.parameters(),
                       update_grad=True)
    optimizer.zero_grad()
    after = {n: model.state_dict()[n].detach().clone() for n in names}
    L = c["grid"] ** 2
    assert rec["drop"].sum().item() == c["batch"] * math.ceil(L * 0.5)
    assert rec["mask"].sum().item() == c["batch"] * math.ceil(L * c["mask_ratio"])

    f32 = mf.f32
    tensors = {n: f32(v) for n, v in before.items()}
    crops_u8 = torch.round(crops * 255).to(torch.uint8).permute(0, 2, 3, 1).contiguous()
    assert torch.equal(crops_u8.float().div(255).permute(0, 3, 1, 2), crops)  # ToTensor is exact on uint8
    tensors.update({
        "input.images": torch.from_numpy(images).contiguous(), "input.crop_boxes": boxes.to(torch.int64),
        "input.flips": flips.to(torch.int64), "input.crops": crops_u8, "input.tokens": rec["gt"].to(torch.int64),
        "input.drop_mask": f32(rec["drop"]), "input.token_mask": f32(rec["mask"])})
    tensors.update({"after." + n: f32(v) for n, v in after.items()})
    pname = {p: n for n, p in model.named_parameters()}
    decayed, not_decayed, stepped = [], [], []
    for group in optimizer.param_groups:
        for p in group["params"]:
            n = pname[p]
            (decayed if group["weight_decay"] > 0 else not_decayed).append(n)
            st = optimizer.state.get(p)
            if st and "exp_avg" in st:
                assert n in before, n
                stepped.append(n)
                tensors[f"after.{n}.exp_avg"] = f32(st["exp_avg"])
                tensors[f"after.{n}.exp_avg_sq"] = f32(st["exp_avg_sq"])
    zero = torch.tensor(0.0, dtype=torch.float32)
    tensors.update({"step.loss_reconstruction": f32(loss), "step.loss_total": f32(loss),
                    "step.loss_uniformity": zero, "step.loss_contrastive": zero.clone(),
                    "step.loss_classifier": zero.clone(), "step.grad_norm": f32(norm),
                    "step.lr": torch.tensor(lr, dtype=torch.float32)})
    fixture_set = set(names)
    step = dict(lr=lr, beta=0.0, epoch=a.epoch, betas=[0.9, 0.95], eps=1e-8, weight_decay=args.weight_decay,
                grad_clip=args.grad_clip, grad_norm=float(norm), clipped=float(norm) > args.grad_clip,
                lr_schedule=dict(lr=args.lr, min_lr=args.min_lr, warmup_epochs=args.warmup_epochs, epochs=args.epochs),
                stepped=sorted(stepped),
                no_weight_decay=sorted(n for n in not_decayed if n in fixture_set),
                weight_decay_params=sorted(n for n in decayed if n in fixture_set),
                note="MAGE has no EMA: beta is not used")
    meta = dict(source="github.com/LTH14/mage models_mage.MaskedGenerativeEncoderViT + main_pretrain.py transform",
                official_commit=commit, torch=torch.__version__, generator="tools/official-fixtures/make_mage_fixtures.py",
                tokenizer="data/reference/official-vqgan-tiny.ckpt", tokenizer_config=json.dumps(VQGAN),
                config=json.dumps(c), step=json.dumps(step))
    out = a.out.resolve() / "official-mage-one-step-tiny.safetensors"
    save_file(tensors, str(out), metadata=meta)
    os.chmod(out, 0o644)
    print("MAGE one step: loss %.6f lr %.6g grad_norm %.4f (clip %s, clipped %s), %d tensors stepped, boxes %s, "
          "flips %s, %d distinct ids; %d bytes" % (loss.item(), lr, float(norm), args.grad_clip, step["clipped"],
                                                   len(stepped), boxes.tolist(), flips.tolist(),
                                                   len(set(rec["gt"].reshape(-1).tolist())), out.stat().st_size))


if __name__ == "__main__":
    main()
