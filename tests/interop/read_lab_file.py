"""Loads a checkpoint the lab wrote into the PyTorch reference and prints, as one JSON line, what
the engine must agree with: the next-token probabilities after PROMPT and the mean loss over the
text windows of TEXT_FILE. Computed in float64 from the stored float32 weights, so the numbers are
the exact function of the file (the engine, in float32, must be within rounding of them).

usage: read_lab_file.py CHECKPOINT PROMPT TEXT_FILE
"""
import json
import sys

import torch

from reference import char_ids, load_model, windows_loss


def main(path, prompt, text_file):
    model, tokenizer, meta = load_model(path)
    T = model.cfg["block_size"]
    with torch.no_grad():
        ids = char_ids(tokenizer, prompt)[-T:]  # the engine crops a prompt to its last block_size tokens
        probs = model(torch.tensor([ids]))[0, -1].softmax(-1).tolist()
    with open(text_file, encoding="utf-8") as f:
        loss = windows_loss(model, char_ids(tokenizer, f.read()))
    print(json.dumps({
        "bias": model.cfg["bias"],
        "config": json.loads(meta["config"]),
        "tensors": [k for k in model.state_dict() if k != "lm_head.weight"],
        "probs": probs,
        "loss": loss,
    }))


if __name__ == "__main__":
    main(*sys.argv[1:])
