// The model's tensors under nanoGPT's state_dict names, each a slice of the flat parameter
// buffer: used by checkpoints, per-tensor gradient norms and the single-weight probe.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "model/params.hpp"

namespace lab {

struct NamedTensor {
    std::string name;                // e.g. "transformer.h.0.attn.c_attn.weight"
    std::size_t offset;              // floats from the start of the flat buffer
    std::size_t size;                // floats
    std::vector<std::size_t> shape;  // PyTorch shape, e.g. {3C, C}
    ParamKind kind;
    std::size_t layer;               // 0 for non-per-layer tensors
};

// In nanoGPT's order: wte, wpe, then every block's tensors, then ln_f (no biases if config.bias is
// false). Needs no parameter buffer: checkpoint reading uses it on a config alone.
std::vector<NamedTensor> named_tensors(const ParamLayout& layout, const GPTConfig& config);

}  // namespace lab
