// GPT configuration (nanoGPT's GPTConfig): vocab_size V, block_size T, n_layer L, n_head NH, n_embd C,
// and bias: with false, no LayerNorm and no Linear has a bias (nanoGPT's bias=False).
#pragma once
#include <cstddef>
#include <string>

namespace lab {

struct GPTConfig {
    std::size_t vocab_size = 65;
    std::size_t block_size = 64;
    std::size_t n_layer = 2;
    std::size_t n_head = 4;
    std::size_t n_embd = 64;
    bool bias = true;
};

// Allowed ranges: the model-shape rows of the limits table (model/limits.hpp). They do NOT keep
// sizes small: a model at these limits needs far more than 2^32 floats, past a 32-bit std::size_t
// (wasm32). Memory estimates are computed in checked 64-bit arithmetic (GPT::estimate_floats), and
// the trainer refuses a config over kMaxModelBytes before allocating anything.

// Throws lab::Error naming the first out-of-range or inconsistent value.
void validate(const GPTConfig& c);

// {"vocab_size":..,"block_size":..,"n_layer":..,"n_head":..,"n_embd":..,"bias":..}; parse validates.
// A JSON without "bias" means true (files written before the key existed, nanoGPT's default).
std::string config_to_json(const GPTConfig& c);
GPTConfig config_from_json(const std::string& json);

}  // namespace lab
