// Model checkpoints (docs/contracts.md, Checkpoint): one safetensors file, F32, tensor names
// and shapes exactly as nanoGPT's state_dict, so it loads into PyTorch (README, Checkpoints) and a
// nanoGPT-shaped file loads here.
//   tensors:  transformer.wte.weight [V,C], transformer.wpe.weight [T,C],
//             transformer.h.{i}.{ln_1,ln_2}.{weight,bias} [C],
//             transformer.h.{i}.attn.c_attn.weight [3C,C] / .bias [3C],
//             transformer.h.{i}.attn.c_proj.weight [C,C] / .bias [C],
//             transformer.h.{i}.mlp.c_fc.weight [4C,C] / .bias [4C],
//             transformer.h.{i}.mlp.c_proj.weight [C,4C] / .bias [C],
//             transformer.ln_f.weight|bias [C];
//             with config bias = false (nanoGPT's bias=False) there is no .bias tensor at all;
//             optimizer.m.<name>, optimizer.v.<name> for every parameter (optional, all or none).
//             lm_head.weight is tied to wte: never written; accepted on read if shaped [V,C].
//             transformer.h.{i}.attn.bias (old nanoGPT causal-mask buffers) is accepted and ignored.
//   metadata: "config" (config_to_json; without "bias" it means true), "tokenizer" (verbatim JSON),
//             "format" = "training-loop-lab/1", "training.<key>" for each Checkpoint::training entry.
// Each tensor is a straight copy of a slice of the flat parameter buffer (ParamLayout).
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/config.hpp"

namespace lab {

inline constexpr const char* kCheckpointFormat = "training-loop-lab/1";

struct Checkpoint {
    GPTConfig config;
    std::string tokenizer_json;                   // stored verbatim in __metadata__["tokenizer"]
    std::vector<float> params;                    // ParamLayout(config).total floats
    std::map<std::string, std::string> training;  // e.g. "step", "optimizer", "seed", "lr"
    bool has_moments = false;
    std::vector<float> m, v;                      // optimizer moments, same layout as params
};

// Throws lab::Error if the config is invalid or a buffer has the wrong size.
std::vector<std::uint8_t> checkpoint_write(const Checkpoint& ck);
// Validates everything (config, every tensor's presence and shape, no extras) before allocating;
// throws lab::Error with one line naming the offending tensor or metadata key. The tokenizer JSON
// is returned unchecked: the caller validates it.
Checkpoint checkpoint_read(const std::uint8_t* bytes, std::size_t n);

}  // namespace lab
