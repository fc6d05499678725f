#!/usr/bin/env python3
"""Writes reference fixtures by running the OFFICIAL Sorcen code (ImaGonEs/LEASE) on the CPU.

    python make_fixtures.py /path/to/LEASE [--out data/reference]
    python make_fixtures.py /path/to/LEASE --one-step-only NAME [--seed N --epoch E --grad-clip X|none --set k=v]

The official code is imported from the checkout given on the command line; nothing of it is
copied here. What had to be adapted to run it on a CPU at tiny sizes (see README.md):

  * flash_attn (GPU only) -> exact softmax attention with the same packed-qkv interface;
  * tensor.cuda() -> no-op (CPU);
  * torch.distributed: a real single-process gloo group, so gather()/get_rank() run unchanged;
  * hard-wired sizes: codebook size (config/vqgan.yaml), the 257-row position table, the
    4096/512/2048 projector widths, the 512/1000 classifier, and the 16x16 / 256 / randint(8, 17)
    constants of forward_strange -> the tiny config;
  * random draws (mask rate, mask noise, crop side and corners) -> fixed values; the echo ids
    are sampled by the official top-k-excluding-max distribution under a fixed seed and recorded;
  * every dropout p -> 0 (nn.Dropout modules and the flash-attention dropout_p);
  * float64 arithmetic on float32-representable weights (the official run uses CUDA autocast).
"""
import argparse
import contextlib
import inspect
import json
import math
import os
import subprocess
import sys
import tempfile
import textwrap
import types
from functools import partial
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

# ---------------------------------------------------------------------------------------------
# Tiny configurations. FORWARD equals the config of sorcen-reference-tiny.safetensors.
FORWARD = dict(codebook_size=64, grid=4, embed_dim=32, depth=2, num_heads=4, decoder_embed_dim=24,
               decoder_depth=1, decoder_num_heads=4, mlp_ratio=4.0, projector_hidden_dim=64,
               projector_dim=16, predictor_hidden_dim=32, classifier_hidden_dim=16, num_classes=10,
               batch=4, mask_ratio=0.75, echo_crop=2)
ONE_STEP = dict(FORWARD, embed_dim=16, num_heads=2, decoder_embed_dim=16, decoder_num_heads=2,
                projector_hidden_dim=32)

# Tensors of the official state_dict that the Sorcen forward pass never reads (legacy MAE parts,
# fixed buffers); left out of the fixtures like in sorcen-reference-tiny.safetensors.
UNUSED = ("pos_embed", "decoder_pos_embed", "cls_token", "mask_token", "token_emb.position_ids")
UNUSED_PREFIXES = ("patch_embed.", "decoder_pred.")


def exact_flash_attn_qkvpacked_func(qkv, dropout_p=0.0, softmax_scale=None, causal=False):
    """flash_attn_qkvpacked_func without the GPU kernel: qkv B x N x 3 x H x d -> B x N x H x d."""
    assert dropout_p == 0.0, "fixtures are made with every dropout off"
    assert not causal
    q, k, v = qkv.unbind(dim=2)                      # B x N x H x d
    q, k, v = (t.transpose(1, 2) for t in (q, k, v))  # B x H x N x d
    scale = softmax_scale if softmax_scale is not None else q.shape[-1] ** -0.5
    attn = torch.softmax((q @ k.transpose(-2, -1)) * scale, dim=-1)
    return (attn @ v).transpose(1, 2)                # B x N x H x d


def import_official(lease_dir):
    torch.Tensor.cuda = lambda self, *a, **k: self  # CPU run: .cuda() calls become no-ops
    sys.path.insert(0, str(lease_dir))
    with contextlib.redirect_stdout(sys.stderr):
        import models_lease_tk_1600 as M
        import util.lr_sched as lr_sched
        import util.misc as misc
    M.flash_attn_qkvpacked_func = exact_flash_attn_qkvpacked_func
    return M, lr_sched, misc


def init_single_process_group():
    if not dist.is_initialized():
        f = tempfile.NamedTemporaryFile(prefix="gloo-", delete=False)
        f.close()
        os.unlink(f.name)
        dist.init_process_group("gloo", init_method="file://" + f.name, rank=0, world_size=1)


def build_model(M, lease_dir, c, zero_dropout=True):
    """SorcenViT as sorcen_vit_*_patch16_single builds it, at the sizes of config c.

    zero_dropout=False keeps the official dropout (bench_official_step.py times the real step)."""
    g, d = c["grid"], c["embed_dim"]
    L = g * g

    real = M.OmegaConf  # SorcenViT reads the codebook size (n_embed, 1024) from config/vqgan.yaml

    def load(path):
        cfg = real.load(Path(lease_dir) / path)
        cfg.model.params.n_embed = c["codebook_size"]
        return cfg

    shim = types.SimpleNamespace(load=load)
    M.OmegaConf = shim
    try:
        model = M.SorcenViT(img_size=16 * g, patch_size=16, embed_dim=d, depth=c["depth"], num_heads=c["num_heads"],
                            decoder_embed_dim=c["decoder_embed_dim"], decoder_depth=c["decoder_depth"],
                            decoder_num_heads=c["decoder_num_heads"], mlp_ratio=c["mlp_ratio"],
                            norm_layer=partial(nn.LayerNorm, eps=1e-6))
    finally:
        M.OmegaConf = real
    assert model.patch_embed.num_patches == L
    vocab = c["codebook_size"] + 1000 + 1
    assert model.mask_token_label == vocab - 1
    # Hard-wired sizes -> tiny ones, with the official classes.
    model.token_emb = M.BertEmbeddings(vocab_size=vocab, hidden_size=d, max_position_embeddings=L + 1, dropout=0.1)
    model.projector = M.Projector(d, c["projector_hidden_dim"], c["projector_dim"])
    model.momentum_projector = M.Projector(d, c["projector_hidden_dim"], c["projector_dim"])
    model.predictor = M.Projector(c["projector_dim"], c["predictor_hidden_dim"], c["projector_dim"])
    model.classifier = nn.Sequential(nn.Linear(d, c["classifier_hidden_dim"]), nn.ReLU(),
                                     nn.Linear(c["classifier_hidden_dim"], c["num_classes"]))
    model.initialize_weights()
    # forward_strange: the 16x16 grid, its 256 positions and the crop range [8, 16] are literals.
    src = textwrap.dedent(inspect.getsource(M.SorcenViT.forward_strange))
    for old, new, count in [("reshape(bsz, 16, 16)", f"reshape(bsz, {g}, {g})", 2),
                            ("reshape(bsz, 256)", f"reshape(bsz, {L})", 1),
                            ("torch.randint(8, 17, (1,))", f"torch.randint({g // 2}, {g + 1}, (1,))", 1)]:
        assert src.count(old) == count, (old, src.count(old))
        src = src.replace(old, new)
    ns = {}
    exec(compile(src, "<forward_strange adapted to the tiny grid>", "exec"), M.__dict__, ns)
    model.forward_strange = types.MethodType(ns["forward_strange"], model)
    # Dropout off everywhere (fixtures must be deterministic).
    for m in (model.modules() if zero_dropout else ()):
        if isinstance(m, nn.Dropout):
            m.p = 0.0
        if isinstance(m, M.FlashAttentionLayer):
            m.attn_drop_prob = 0.0
    return model


def randomise(model, gen):
    """Official init, then perturbed so that no bias, norm or table is trivially 0 or 1."""
    with torch.no_grad():
        for name, p in list(model.named_parameters()) + list(model.named_buffers()):
            if not p.is_floating_point():
                continue
            n = lambda std: torch.randn(p.shape, generator=gen, dtype=torch.float64) * std
            if name.endswith("running_var"):
                p.copy_(0.5 + torch.rand(p.shape, generator=gen, dtype=torch.float64))
            elif name.endswith("running_mean"):
                p.copy_(n(0.1))
            elif p.dim() == 1 and ("norm" in name or "LayerNorm" in name or ".ln." in name
                                   or "projector.1." in name):
                p.add_(n(0.1))  # LayerNorm / BatchNorm scale (1 + noise) or shift (noise)
            elif name.endswith("bias"):
                p.add_(n(0.05))
            elif "embeddings" in name:
                p.copy_(n(0.5))  # larger than the official 0.02 so the tables matter numerically
            # round every float tensor to float32, then compute in float64
            p.copy_(p.float().double())


def fixture_names(model):
    out = []
    for name in model.state_dict():
        if name in UNUSED or name.startswith(UNUSED_PREFIXES) or name.endswith("num_batches_tracked"):
            continue
        out.append(name)
    return out


def snapshot(model, names):
    sd = model.state_dict()
    return {n: sd[n].detach().clone() for n in names}


def draw_inputs(c, gen):
    b, g = c["batch"], c["grid"]
    L = g * g
    tokens = torch.randint(0, c["codebook_size"], (b, L), generator=gen)
    labels = torch.randint(0, c["num_classes"], (b,), generator=gen)
    # Noise whose per-row order is a random permutation: the official code drops the n_drop
    # smallest and masks the n_mask smallest.
    noise = torch.empty(b, L, dtype=torch.float64)
    for i in range(b):
        order = torch.randperm(L, generator=gen)
        noise[i, order] = torch.arange(1, L + 1, dtype=torch.float64) / (L + 1)
    s = c["echo_crop"]
    corners = torch.randint(0, g - s + 1, (2, b), generator=gen)
    return tokens, labels, noise, corners


class FixedRate:
    def __init__(self, r):
        self.r = r

    def rvs(self, n):
        return np.full(n, self.r)


@contextlib.contextmanager
def official_draws(model, c, noise, corners):
    """Replaces the official random draws by fixed ones; records the jitter-masked echo grid."""
    b, g = c["batch"], c["grid"]
    model.mask_ratio_generator = FixedRate(c["mask_ratio"])
    real_rand, real_randint = torch.rand, torch.randint
    randint_calls = []

    def rand(*size, **kw):
        shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else tuple(size)
        assert shape == (b, g * g), shape
        return noise.clone().to(kw.get("dtype") or torch.get_default_dtype())

    def randint(*args, **kw):
        randint_calls.append(args)
        k = len(randint_calls)
        if k == 1:  # crop side, official range [G/2, G]
            assert args == (g // 2, g + 1, (1,)), args
            return torch.tensor([c["echo_crop"]])
        assert args == (0, g - c["echo_crop"] + 1, (b,)), args  # top-left x then y
        return corners[k - 2].clone()

    rec = {}
    real_square = model.mask_random_square

    def square(seq, label, crop_size):
        out = real_square(seq, label, crop_size)
        rec["echo"] = out.reshape(b, -1).clone()
        return out

    model.mask_random_square = square
    torch.rand, torch.randint = rand, randint
    try:
        yield rec
    finally:
        torch.rand, torch.randint = real_rand, real_randint
        del model.mask_random_square
        assert len(randint_calls) == 3, randint_calls


@contextlib.contextmanager
def recorder(model):
    """Records intermediate results of the official forward without changing them."""
    rec = {}
    saved = {}

    def wrap(name, key):
        saved[name] = model.__dict__.get(name)  # an instance attribute (adapted method) or None
        orig = getattr(model, name)

        def f(*a, **k):
            r = orig(*a, **k)
            rec[key] = r
            return r
        setattr(model, name, f)

    wrap("forward_encoder", "encoder")
    wrap("forward_decoder", "logits")
    wrap("forward_loss", "loss_reconstruction")
    wrap("uniformity_loss", "loss_uniformity")
    wrap("forward_strange", "teacher_latent")
    hooks = [model.momentum_projector.register_forward_hook(lambda m, i, o: rec.__setitem__("teacher_projection", o)),
             model.predictor.register_forward_hook(lambda m, i, o: rec.__setitem__("student_prediction", o))]
    try:
        yield rec
    finally:
        for h in hooks:
            h.remove()
        for name, orig in saved.items():
            if orig is None:
                delattr(model, name)
            else:
                setattr(model, name, orig)


def run_forward(model, c, tokens, labels, noise, corners, epoch, seed):
    torch.manual_seed(seed)  # the echo ids: top-k-excluding-max sampling of the official code
    with official_draws(model, c, noise, corners) as draws, recorder(model) as rec:
        vq = tokens.clone()  # forward_encoder overwrites its input's masked ids in place
        total, rec_loss, nn_loss, all_mask, acc, cls_loss, latent = model(vq, labels, epoch)
    enc = rec["encoder"]
    drop, mask = enc[3][:, 1:], enc[4][:, 1:]
    L = c["grid"] ** 2
    n_drop, n_mask = math.ceil(L * 0.5), math.ceil(L * c["mask_ratio"])
    assert torch.equal(drop, (noise <= noise.sort(1).values[:, n_drop - 1:n_drop]).to(drop.dtype))
    assert drop.sum().item() == c["batch"] * n_drop and mask.sum().item() == c["batch"] * n_mask
    # official rec_loss = reconstruction + uniformity; the fixtures keep the two apart
    assert torch.allclose(rec_loss, rec["loss_reconstruction"] + rec["loss_uniformity"], rtol=0, atol=1e-12)
    out = {
        "latent": latent, "logits": rec["logits"], "teacher_latent": rec["teacher_latent"],
        "teacher_projection": rec["teacher_projection"], "student_prediction": rec["student_prediction"],
        "loss_reconstruction": rec["loss_reconstruction"], "loss_uniformity": rec["loss_uniformity"],
        "loss_contrastive": nn_loss, "loss_classifier": cls_loss, "loss_total": total,
    }
    inputs = {"tokens": tokens, "drop_mask": drop, "token_mask": mask, "echo_tokens": draws["echo"],
              "labels": labels}
    return total, out, inputs


def f32(t):
    return t.detach().to(torch.float32).contiguous() if t.is_floating_point() else t.detach().to(torch.int64).contiguous()


def forward_fixture(M, lease_dir, out_path, meta_common):
    c = FORWARD
    torch.manual_seed(20260517)  # the official initialisation draws from the global generator
    gen = torch.Generator().manual_seed(20260517)
    model = build_model(M, lease_dir, c)
    randomise(model, gen)
    model.train()  # BatchNorm on batch statistics; dropout is off
    names = fixture_names(model)
    weights = snapshot(model, names)
    tokens, labels, noise, corners = draw_inputs(c, gen)
    # epoch 1600 = the end of the official beta schedule: beta = 1 exactly, so the official
    # update_ema at the top of forward() leaves the teacher bit-for-bit as stored.
    epoch = 1600
    assert model.compute_beta(epoch) == 1.0
    _, out, inputs = run_forward(model, c, tokens, labels, noise, corners, epoch, seed=7)
    for n in names:
        if "running_" not in n:
            assert torch.equal(model.state_dict()[n], weights[n]), n
    # Embedding, eval mode, the full unmasked sequence (CLS = fake class id), official modules.
    model.eval()
    with torch.no_grad():
        ids = torch.cat([torch.full((c["batch"], 1), model.fake_class_label), tokens], dim=1)
        x = model.token_emb(ids)
        for blk in model.blocks:
            x = blk(x)
        pre = x
        post = model.norm(x)
    out["embedding"] = post[:, 1:].mean(1)
    probe = F.layer_norm(pre[:, 1:].mean(1), (c["embed_dim"],), eps=1e-6)
    tensors = {n: f32(v) for n, v in weights.items()}
    tensors.update({"input." + k: f32(v) for k, v in inputs.items()})
    tensors.update({"expected." + k: f32(v) for k, v in out.items()})
    tensors["extra.official_probe_feature"] = f32(probe)
    meta = dict(meta_common, config=json.dumps(c), epoch=str(epoch))
    save_file(tensors, str(out_path), metadata=meta)
    os.chmod(out_path, 0o644)
    return tensors


def weight_decay_groups(model, weight_decay):
    """main_pretrain_tk_1600.py's optimizer groups: timm add_weight_decay (no decay on biases and norms)."""
    try:
        import timm.optim.optim_factory as optim_factory
        add_weight_decay = optim_factory.add_weight_decay
    except (ImportError, AttributeError):  # newer timm: same function under its new name
        from timm.optim import param_groups_weight_decay as add_weight_decay
    return add_weight_decay(model, weight_decay)


def one_step_fixture(M, lr_sched, misc, lease_dir, out_path, meta_common, c=ONE_STEP, seed=20260518, epoch=100,
                     grad_clip=3.0, peak_lr=0.02):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = build_model(M, lease_dir, c)
    randomise(model, gen)
    model.train()
    names = fixture_names(model)
    before = snapshot(model, names)
    tokens, labels, noise, corners = draw_inputs(c, gen)

    args = types.SimpleNamespace(lr=peak_lr, min_lr=0.0, warmup_epochs=40, epochs=1600, weight_decay=0.05,
                                 grad_clip=grad_clip, accum_iter=1)
    param_groups = weight_decay_groups(model, args.weight_decay)
    optimizer = torch.optim.AdamW(param_groups, lr=args.lr, betas=(0.9, 0.95))  # main_pretrain_tk_1600.py
    loss_scaler = misc.NativeScalerWithGradNormCount()  # GradScaler is disabled on a CPU: scale 1
    data_iter_step, steps_per_epoch = 0, 1
    lr = lr_sched.adjust_learning_rate(optimizer, data_iter_step / steps_per_epoch + epoch, args)
    beta = model.compute_beta(epoch)
    optimizer.zero_grad()
    # engine_pretrain.train_one_epoch_two_losses_tk, minus autocast
    loss, out, inputs = run_forward(model, c, tokens, labels, noise, corners, epoch, seed=11)
    loss = loss / args.accum_iter
    norm = loss_scaler(loss, optimizer, clip_grad=args.grad_clip, parameters=model.parameters(), update_grad=True)
    optimizer.zero_grad()
    after = snapshot(model, names)

    tensors = {n: f32(v) for n, v in before.items()}
    tensors.update({"input." + k: f32(v) for k, v in inputs.items()})
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
    for k in ["loss_reconstruction", "loss_uniformity", "loss_contrastive", "loss_classifier", "loss_total"]:
        tensors["step." + k] = f32(out[k])
    tensors["step.grad_norm"] = f32(norm)
    tensors["step.lr"] = torch.tensor(lr, dtype=torch.float32)
    tensors["step.beta"] = torch.tensor(beta, dtype=torch.float32)
    fixture_set = set(names)
    step = dict(lr=lr, beta=beta, epoch=epoch, beta_schedule_epochs=1600, betas=[0.9, 0.95], eps=1e-8,
                weight_decay=args.weight_decay, grad_clip=args.grad_clip, grad_norm=float(norm),
                clipped=args.grad_clip is not None and float(norm) > args.grad_clip,
                lr_schedule=dict(lr=args.lr, min_lr=args.min_lr, warmup_epochs=args.warmup_epochs, epochs=args.epochs),
                stepped=sorted(stepped),
                no_weight_decay=sorted(n for n in not_decayed if n in fixture_set),
                weight_decay_params=sorted(n for n in decayed if n in fixture_set))
    meta = dict(meta_common, config=json.dumps(c), step=json.dumps(step))
    save_file(tensors, str(out_path), metadata=meta)
    os.chmod(out_path, 0o644)
    return tensors, step


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("lease", type=Path, help="checkout of github.com/ImaGonEs/LEASE")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[2] / "data" / "reference")
    ap.add_argument("--one-step-only", metavar="NAME", help="write only a one-step fixture NAME.safetensors, "
                    "made with the options below (defaults: those of official-one-step-tiny)")
    ap.add_argument("--seed", type=int, default=20260518, help="weights and inputs of the one-step fixture")
    ap.add_argument("--epoch", type=int, default=100, help="epoch of the step (lr, beta; <= 10: echo warm-up)")
    ap.add_argument("--grad-clip", default="3.0", help="clip_grad_norm_ threshold, or 'none' (no clipping)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="one-step config key (as in ONE_STEP, e.g. grid=6, mlp_ratio=2.7)")
    a = ap.parse_args()
    lease = a.lease.resolve()
    out = a.out.resolve()
    try:
        commit = subprocess.run(["git", "-C", str(lease), "rev-parse", "HEAD"], capture_output=True, text=True,
                                check=True).stdout.strip()
    except Exception:
        commit = os.environ.get("LEASE_COMMIT", "unknown")
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    M, lr_sched, misc = import_official(lease)
    init_single_process_group()
    meta_common = dict(source="github.com/ImaGonEs/LEASE models_lease_tk_1600.SorcenViT",
                       official_commit=commit, torch=torch.__version__,
                       generator="tools/official-fixtures/make_fixtures.py")
    if a.one_step_only:
        c = dict(ONE_STEP)
        for kv in a.set:
            k, v = kv.split("=", 1)
            assert k in c, f"unknown config key {k}"
            c[k] = type(c[k])(v)
        clip = None if a.grad_clip == "none" else float(a.grad_clip)
        path = out / (a.one_step_only + ".safetensors")
        _, step = one_step_fixture(M, lr_sched, misc, lease, path, meta_common, c, a.seed, a.epoch, clip)
        print("one step: lr %.6g beta %.6f grad_norm %.6f (clip %s, clipped %s), %d tensors stepped, %d bytes"
              % (step["lr"], step["beta"], step["grad_norm"], step["grad_clip"], step["clipped"],
                 len(step["stepped"]), path.stat().st_size))
        return
    fwd = forward_fixture(M, lease, out / "official-forward-tiny.safetensors", meta_common)
    print("forward: loss_total %.6f" % fwd["expected.loss_total"].item())
    _, step = one_step_fixture(M, lr_sched, misc, lease, out / "official-one-step-tiny.safetensors", meta_common)
    print("one step: lr %.6g beta %.6f grad_norm %.6f (clip %s, clipped %s), %d tensors stepped"
          % (step["lr"], step["beta"], step["grad_norm"], step["grad_clip"], step["clipped"], len(step["stepped"])))
    for f in ("official-forward-tiny.safetensors", "official-one-step-tiny.safetensors"):
        print(f, (out / f).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
