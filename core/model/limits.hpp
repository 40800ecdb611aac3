// The one table of limits: every numeric setting the engine takes, with its allowed range, and the
// memory limit. Config validation, the trainer's, optimizer's and sampler's checks and the wasm
// settings parser all check against it; the wasm module exports it as engine.limits(), the CLI
// takes its option ranges from there, and the page's narrower lesson ranges are tested to lie inside.
// A range here is what the engine accepts, not what is sensible: memory is bounded separately, by
// kMaxModelBytes on the checked 64-bit size estimate (a model at every maximum is far too big).
#pragma once
#include <cstddef>
#include <string>

namespace lab {

struct Limit {
    const char* key;   // name in JS: the engine's settings object and engine.limits()
    const char* name;  // name in C++ (GPTConfig, TrainerSettings, OptimizerSettings, SamplingSettings)
    double min, max;
    bool integer;      // whole numbers only
    bool min_open;     // min itself is refused (lr > 0)
    bool max_open;     // max itself is refused (beta1 < 1)
};

namespace limits {
// Model shape (GPTConfig and the trainer's settings); vocab_size is also the BPE target size and
// the largest vocabulary a tokenizer may have.
inline constexpr Limit vocab_size{"vocabSize", "vocab_size", 2, 65536, true, false, false};
inline constexpr Limit block_size{"blockSize", "block_size", 1, 2048, true, false, false};
inline constexpr Limit n_layer{"nLayer", "n_layer", 1, 48, true, false, false};
inline constexpr Limit n_head{"nHead", "n_head", 1, 64, true, false, false};
inline constexpr Limit n_embd{"nEmbd", "n_embd", 1, 4096, true, false, false};
// Training.
inline constexpr Limit batch_size{"batchSize", "batch_size", 1, 512, true, false, false};
// Rows of the batch a trainer computes and holds activations for (a data-parallel replica's
// slice); 0 = the whole batch (at most batch_size).
inline constexpr Limit slice_rows{"sliceRows", "slice_rows", 0, 512, true, false, false};
// Seeds are 64-bit in C++, but JS numbers are exact integers only up to 2^53 − 1.
inline constexpr Limit seed{"seed", "seed", 0, 9007199254740991.0, true, false, false};
inline constexpr Limit val_fraction{"valFraction", "val_fraction", 0, 0.5, false, false, false};
// Optimizer and schedule.
inline constexpr Limit lr{"lr", "lr", 0, 10, false, true, false};
inline constexpr Limit momentum{"momentum", "momentum", 0, 1, false, false, true};
inline constexpr Limit beta1{"beta1", "beta1", 0, 1, false, false, true};
inline constexpr Limit beta2{"beta2", "beta2", 0, 1, false, false, true};
inline constexpr Limit weight_decay{"weightDecay", "weight_decay", 0, 10, false, false, false};
// 0 turns clipping off; a norm above 10^6 never clips a model that is still training.
inline constexpr Limit grad_clip{"gradClip", "grad_clip", 0, 1e6, false, false, false};
inline constexpr Limit warmup_steps{"warmupSteps", "warmup_steps", 0, 1e7, true, false, false};
inline constexpr Limit max_steps{"maxSteps", "max_steps", 0, 1e8, true, false, false};
inline constexpr Limit min_lr_ratio{"minLrRatio", "min_lr_ratio", 0, 1, false, false, false};
// AdamW's epsilon: a C++ setting only (JS cannot set it), so it is not exported.
inline constexpr Limit eps{"eps", "eps", 0, 1, false, true, false};
// Sampling (generate's options).
inline constexpr Limit temperature{"temperature", "temperature", 0, 100, false, true, false};
inline constexpr Limit top_k{"topK", "top_k", 1, 65536, true, false, false};
inline constexpr Limit top_p{"topP", "top_p", 0, 1, false, true, false};
// Arguments of the bound calls: steps per train(n), tokens per generate(), windows per evaluate().
inline constexpr Limit train_steps{"trainSteps", "steps", 0, 1e6, true, false, false};
inline constexpr Limit generate_tokens{"generateTokens", "tokens", 0, 10000, true, false, false};
inline constexpr Limit eval_windows{"evalWindows", "windows", 1, 1e9, true, false, false};
}  // namespace limits

// Every exported limit, in the order engine.limits() lists them.
inline constexpr const Limit* kLimits[] = {
    &limits::vocab_size, &limits::block_size, &limits::n_layer, &limits::n_head, &limits::n_embd,
    &limits::batch_size, &limits::slice_rows, &limits::seed, &limits::val_fraction,
    &limits::lr, &limits::momentum, &limits::beta1, &limits::beta2, &limits::weight_decay, &limits::grad_clip,
    &limits::warmup_steps, &limits::max_steps, &limits::min_lr_ratio,
    &limits::temperature, &limits::top_k, &limits::top_p,
    &limits::train_steps, &limits::generate_tokens, &limits::eval_windows,
};

// Largest model memory (params, grads, moments, activations) a trainer accepts: the wasm module's
// memory is capped at 1 GiB, and a refused config must be refused before anything is allocated.
inline constexpr std::size_t kMaxModelBytes = 640u * 1024u * 1024u;

// The allowed range in words: "between 1 and 48", "greater than 0 and at most 10", "at least 0 and below 1".
std::string range_text(const Limit& l);
// Whether v is allowed (finite, whole when l.integer, inside the bounds).
bool within(const Limit& l, double v);
// Throws lab::Error "<shown> must be <range_text>, got <v>" (or "must be a whole number") unless within.
// shown defaults to l.name (C++ callers); the wasm bindings pass l.key.
void check(const Limit& l, double v, const char* shown = nullptr);

// Bounds as the C++ types that hold them (sizes fit a 32-bit std::size_t).
inline constexpr std::size_t max_size(const Limit& l) { return static_cast<std::size_t>(l.max); }

}  // namespace lab
