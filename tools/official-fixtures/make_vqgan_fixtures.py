"""Runs MAGE's official VQGAN tokenizer (LTH14/mage: taming/models/vqgan.py `VQModel`, with its
`Encoder`, `Decoder` and `VectorQuantizer2`) with PyTorch on the CPU and writes fixtures for
`./sorcen import-official --tokenizer`:

- `official-vqgan-tiny.ckpt`: a VQModel checkpoint in the official format (a dict with `state_dict`,
  as `VQModel.init_from_ckpt` reads it) at a tiny ddconfig, with seeded random weights and two
  `loss.*` tensors (a taming checkpoint's discriminator/LPIPS keys, which the importer must ignore);
- `official-vqgan-tiny-io.pt`: seeded uint8 images, the official encode's ids for them, and the
  official decode of those ids post-processed to uint8 as MAGE's gen_img_uncond.py does.

None of the official code is copied: the checkout is imported from the path given.

    nice -n 19 /tmp/torchenv/bin/python tools/official-fixtures/make_vqgan_fixtures.py /tmp/mage [--out DIR]
    nice -n 19 /tmp/torchenv/bin/python tools/official-fixtures/make_vqgan_fixtures.py /tmp/mage \\
        --official-size --out /tmp/vqgan-official      # the 256x256 config of config/vqgan.yaml (not committed)
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("mage", help="a checkout of LTH14/mage")
parser.add_argument("--out", default=os.path.join(here, "..", "..", "data", "reference"))
parser.add_argument("--official-size", action="store_true",
                    help="the official config/vqgan.yaml (256x256, 1024 codes) instead of the tiny one")
parser.add_argument("--images", type=int, default=None, help="images to encode (default 6 tiny, 4 official)")
args = parser.parse_args()

sys.path.insert(0, os.path.abspath(args.mage))
from omegaconf import OmegaConf  # noqa: E402  (the official code reads its config with OmegaConf)
from taming.models.vqgan import VQModel  # noqa: E402

torch.set_num_threads(1 if not args.official_size else 2)
torch.manual_seed(0)
gen = torch.Generator().manual_seed(1234)
rng = np.random.default_rng(1234)


def mage_commit():
    if os.environ.get("MAGE_COMMIT"):
        return os.environ["MAGE_COMMIT"]
    try:
        return subprocess.check_output(["git", "-C", args.mage, "rev-parse", "HEAD"], text=True,
                                       stderr=subprocess.DEVNULL).strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        sys.exit("set MAGE_COMMIT: the checkout is not a git work tree")


if args.official_size:
    params = OmegaConf.to_container(OmegaConf.load(os.path.join(args.mage, "config", "vqgan.yaml")).model.params)
    name, count = "official-vqgan-256", args.images or 4
else:
    # Tiny: ch_mult [2, 1] gives both directions of a width change (so both ResnetBlocks with
    # nin_shortcut), one avg-pool downsampling and one upsampling; grid 4x4 of 64 codes.
    params = {"embed_dim": 8, "n_embed": 64, "ddconfig": {
        "double_z": False, "z_channels": 8, "resolution": 8, "in_channels": 3, "out_ch": 3, "ch": 32,
        "ch_mult": [2, 1], "num_res_blocks": 1, "attn_resolutions": [4], "dropout": 0.0}}
    name, count = "official-vqgan-tiny", args.images or 6
dd = params["ddconfig"]
res = dd["resolution"]

model = VQModel(ddconfig=dd, n_embed=params["n_embed"], embed_dim=params["embed_dim"]).eval()


def to_input(images_uint8):
    """MAGE's pre-processing: torchvision ToTensor (uint8 HWC -> float CHW / 255), nothing else."""
    return torch.from_numpy(images_uint8).permute(0, 3, 1, 2).contiguous().float().div(255)


def random_images(n):
    # Smooth colour fields plus noise: not constant, not white noise.
    base = rng.integers(0, 256, size=(n, 1, 1, 3)).astype(np.float64)
    yy, xx = np.meshgrid(np.arange(res), np.arange(res), indexing="ij")
    ramp = (np.sin(xx[None, :, :, None] / res * 6 + rng.uniform(0, 6, (n, 1, 1, 3)))
            * np.cos(yy[None, :, :, None] / res * 5 + rng.uniform(0, 6, (n, 1, 1, 3))))
    img = base * 0.5 + 64 + ramp * 60 + rng.normal(0, 20, (n, res, res, 3))
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


# Weights: the official initialisation, then GroupNorm scales/shifts and every bias perturbed so no
# tensor is trivially 0 or 1; the decoder's last conv scaled so its output straddles [0, 1] (the
# post-processing clips some pixels, not all).
with torch.no_grad():
    for pname, p in model.named_parameters():
        if pname.endswith(".bias"):
            p.copy_(torch.randn(p.shape, generator=gen) * 0.1)
        elif "norm" in pname and pname.endswith(".weight"):
            p.copy_(1 + torch.randn(p.shape, generator=gen) * 0.2)
    # Codebook: encoder outputs of other images, plus noise, so that the fixture's ids spread over the codes.
    grid = res // 2 ** (len(dd["ch_mult"]) - 1)
    z = model.encoder(to_input(random_images(2 * -(-params["n_embed"] // (grid * grid)))))
    z = z.permute(0, 2, 3, 1).reshape(-1, params["embed_dim"])
    pick = z[torch.randint(0, z.shape[0], (params["n_embed"],), generator=gen)]
    model.quantize.embedding.weight.copy_(pick + torch.randn(pick.shape, generator=gen) * pick.std() * 0.3)
    # Decoder output: mean 0.5, std 0.3 over the codes' images.
    codes = model.quantize.embedding.weight[:16 * (params["n_embed"] // 16)]
    probe = codes[torch.randint(0, codes.shape[0], (2 * grid * grid,), generator=gen)]
    probe = probe.reshape(2, grid, grid, -1).permute(0, 3, 1, 2)
    conv = model.decoder.conv_out
    out = model.decoder(probe) - conv.bias[None, :, None, None]
    conv.weight.mul_(0.3 / out.std())
    conv.bias.copy_(0.5 - out.mean((0, 2, 3)) * 0.3 / out.std() + torch.randn(conv.bias.shape, generator=gen) * 0.02)

# float16 on disk keeps the committed file small; the official model loads it into its float32
# modules exactly (and the importer widens it exactly). The official-size fixture stays float32.
dtype = torch.float32 if args.official_size else torch.float16
state = {k: v.detach().to(dtype).clone() for k, v in model.state_dict().items()}
# A taming training checkpoint also holds the loss's discriminator and LPIPS weights.
state["loss.discriminator.main.0.weight"] = torch.randn(8, 3, 4, 4, generator=gen).to(dtype)
state["loss.perceptual_loss.net.slice1.0.bias"] = torch.randn(8, generator=gen).to(dtype)
metadata = {"mage_commit": mage_commit(), "torch_version": str(torch.__version__), "config": json.dumps(params),
            "generator": "tools/official-fixtures/make_vqgan_fixtures.py"}
os.makedirs(args.out, exist_ok=True)
ckpt_path = os.path.join(args.out, name + ".ckpt")
torch.save({"state_dict": state, "global_step": 0, "epoch": 0, "fixture": metadata}, ckpt_path)

# The official load (strict, after dropping the loss.* keys as init_from_ckpt's ignore_keys does),
# then the official encode and decode.
official = VQModel(ddconfig=dd, n_embed=params["n_embed"], embed_dim=params["embed_dim"], ckpt_path=ckpt_path,
                   ignore_keys=["loss."]).eval()
images = random_images(count)
with torch.no_grad():
    t0 = time.perf_counter()
    quant, _, (_, _, ids) = official.encode(to_input(images))
    t1 = time.perf_counter()
    g = quant.shape[2]
    ids = ids.reshape(count, g * g)
    # As gen_img_uncond.py: quantize.get_codebook_entry(ids, (b, g, g, embed_dim)), then vqgan.decode.
    z_q = official.quantize.get_codebook_entry(ids.reshape(-1), shape=(count, g, g, params["embed_dim"]))
    decoded = official.decode(z_q)
    t2 = time.perf_counter()
    # Nearest-code margins: how far each position is from a tie (float32 rounding is ~1e-6 of |z|^2).
    zf = official.encoder(to_input(images)).permute(0, 2, 3, 1).reshape(-1, params["embed_dim"])
    e = official.quantize.embedding.weight
    d = (zf ** 2).sum(1, keepdim=True) + (e ** 2).sum(1) - 2 * zf @ e.t()
    two = d.topk(2, dim=1, largest=False).values
    margin = ((two[:, 1] - two[:, 0]) / two[:, 0].abs().clamp_min(1e-12)).min().item()
# gen_img_uncond.py: np.clip(x.transpose(1, 2, 0) * 255, 0, 255).astype(np.uint8) (then [:, :, ::-1]
# only to hand BGR to cv2.imwrite: the image itself is RGB).
out_images = np.clip(decoded.numpy().transpose(0, 2, 3, 1) * 255, 0, 255).astype(np.uint8)

io_path = os.path.join(args.out, name + "-io.pt")
torch.save({"images": torch.from_numpy(images), "ids": ids.to(torch.int64).contiguous(),
            "decoded": torch.from_numpy(np.ascontiguousarray(out_images)),
            "metadata": dict(metadata, encode_seconds_per_image=str((t1 - t0) / count),
                             decode_seconds_per_image=str((t2 - t1) / count), threads=str(torch.get_num_threads()))},
           io_path)
used = len(set(ids.reshape(-1).tolist()))
print(f"{name}: {count} images {res}x{res}, grid {g}x{g}, {used} distinct ids of {params['n_embed']}, "
      f"min relative nearest-code margin {margin:.2e}, clipped pixels {np.mean((out_images == 0) | (out_images == 255)):.1%}")
print(f"torch {torch.__version__}, {torch.get_num_threads()} threads: encode {(t1 - t0) / count * 1000:.1f} ms/image, "
      f"decode {(t2 - t1) / count * 1000:.1f} ms/image")
for f in (ckpt_path, io_path):
    print(f"wrote {f} ({os.path.getsize(f) / 1024:.0f} KB)")
