"""Writes a checkpoint from the PyTorch reference (random weights, nanoGPT's state_dict names with
lm_head.weight included, as torch saves it) for the lab to load, and prints, as one JSON line, the
mean loss over the text windows of TEXT_FILE that the engine's eval must reproduce. With bias
"true" the config omits the "bias" key (older files: it means true); with "false" it says so.

usage: write_torch_file.py OUT TEXT_FILE true|false SEED
"""
import json
import sys

import torch

from reference import GPT, char_ids, windows_loss, write_safetensors


def main(out, text_file, bias, seed):
    with open(text_file, encoding="utf-8") as f:
        text = f.read()
    tokenizer = {"type": "char", "vocab": sorted(set(text))}
    cfg = {"vocab_size": len(tokenizer["vocab"]), "block_size": 16, "n_layer": 2, "n_head": 2, "n_embd": 16,
           "bias": bias == "true"}
    torch.manual_seed(int(seed))
    model = GPT(cfg)
    # Weights far from nanoGPT's init (LayerNorm 1/0, zero biases) so every tensor matters.
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0.0, 1.0)
    stored = dict(cfg) if cfg["bias"] is False else {k: cfg[k] for k in cfg if k != "bias"}
    write_safetensors(out, model.state_dict(), {"format": "pt", "config": json.dumps(stored),
                                                "tokenizer": json.dumps(tokenizer)})
    loss = windows_loss(model.to(torch.float64), char_ids(tokenizer, text))
    print(json.dumps({"loss": loss, "tensors": list(model.state_dict())}))


if __name__ == "__main__":
    main(*sys.argv[1:])
