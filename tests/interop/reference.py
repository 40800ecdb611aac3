"""A PyTorch reference for the lab's model and checkpoint format, written for the interop tests.

The model is nanoGPT's architecture, written out here (tests must not depend on a copy of
nanoGPT): token + position embeddings; per block x += attn(ln_1(x)), x += mlp(ln_2(x)); ln_f;
logits = ln_f(x) · wteᵀ (lm_head tied to wte). Attention is causal, scaled by 1/sqrt(C/NH); the MLP
uses GELU's tanh approximation; LayerNorm eps is 1e-5. bias=False drops every LayerNorm and
Linear bias, as nanoGPT's bias=False. Module names match nanoGPT's, so state_dict keys are the
checkpoint's tensor names.

safetensors is read and written by hand (an 8-byte little-endian header length, a JSON header,
raw little-endian F32 data): Debian has no python3-safetensors.
"""
import json
import math
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class LayerNorm(nn.Module):
    """LayerNorm with an optional bias (torch 1.13's nn.LayerNorm always has one)."""

    def __init__(self, n, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))
        self.bias = nn.Parameter(torch.zeros(n)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        C = cfg["n_embd"]
        self.n_head = cfg["n_head"]
        self.c_attn = nn.Linear(C, 3 * C, bias=cfg["bias"])
        self.c_proj = nn.Linear(C, C, bias=cfg["bias"])

    def forward(self, x):
        B, T, C = x.shape
        nh = self.n_head
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, nh, C // nh).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C // nh)
        mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        C = cfg["n_embd"]
        self.c_fc = nn.Linear(C, 4 * C, bias=cfg["bias"])
        self.c_proj = nn.Linear(4 * C, C, bias=cfg["bias"])

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x), approximate="tanh"))


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.ln_1 = LayerNorm(cfg["n_embd"], cfg["bias"])
        self.attn = Attention(cfg)
        self.ln_2 = LayerNorm(cfg["n_embd"], cfg["bias"])
        self.mlp = MLP(cfg)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(cfg["vocab_size"], cfg["n_embd"]),
            wpe=nn.Embedding(cfg["block_size"], cfg["n_embd"]),
            h=nn.ModuleList([Block(cfg) for _ in range(cfg["n_layer"])]),
            ln_f=LayerNorm(cfg["n_embd"], cfg["bias"]),
        ))
        self.lm_head = nn.Linear(cfg["n_embd"], cfg["vocab_size"], bias=False)
        self.lm_head.weight = self.transformer.wte.weight  # tied

    def forward(self, idx):
        T = idx.shape[1]
        x = self.transformer.wte(idx) + self.transformer.wpe(torch.arange(T))
        for block in self.transformer.h:
            x = block(x)
        return self.lm_head(self.transformer.ln_f(x))


def read_safetensors(path):
    """→ ({name: float32 tensor}, metadata dict)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", f"{name}: dtype {info['dtype']}"
        begin, end = info["data_offsets"]
        flat = np.frombuffer(data[8 + n + begin:8 + n + end], dtype="<f4")
        tensors[name] = torch.from_numpy(flat.copy().reshape(info["shape"]))
    return tensors, meta


def write_safetensors(path, tensors, meta):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        raw = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header["__metadata__"] = meta
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


CONFIG_KEYS = ("vocab_size", "block_size", "n_layer", "n_head", "n_embd")


def load_model(path, dtype=torch.float64):
    """A model from a lab checkpoint, the way README's snippet loads one into nanoGPT."""
    tensors, meta = read_safetensors(path)
    stored = json.loads(meta["config"])
    cfg = {k: stored[k] for k in CONFIG_KEYS}
    cfg["bias"] = stored.get("bias", True)
    model = GPT(cfg)
    sd = {k: v for k, v in tensors.items() if not k.startswith("optimizer.")}
    missing, unexpected = model.load_state_dict(sd, strict=False)
    assert not unexpected, f"unexpected tensors {unexpected}"
    assert missing == ["lm_head.weight"], f"missing tensors {missing}"
    model.lm_head.weight = model.transformer.wte.weight
    return model.to(dtype).eval(), json.loads(meta["tokenizer"]), meta


def char_ids(tokenizer, text):
    assert tokenizer["type"] == "char"
    index = {c: i for i, c in enumerate(tokenizer["vocab"])}
    return [index[c] for c in text]


def windows_loss(model, ids):
    """Mean cross-entropy over the lab's text windows: block_size + 1 tokens, stride block_size,
    a last shorter window kept if it has ≥ 2 tokens; the mean is over every predicted token."""
    T = model.cfg["block_size"]
    total, count = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(ids) - 1, T):
            w = ids[start:start + T + 1]
            if len(w) < 2:
                break
            logits = model(torch.tensor([w[:-1]]))[0]
            total += F.cross_entropy(logits, torch.tensor(w[1:]), reduction="sum").item()
            count += len(w) - 1
    return total / count
