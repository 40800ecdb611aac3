// The GPT model (docs/contracts.md, Model): parameters, gradients and activations, forward and backward.
//   x = wte[idx] + wpe[pos]; per block x += attn(ln_1(x)); x += mlp(ln_2(x));
//   logits = ln_f(x) · wteᵀ (tied); probs = softmax(logits); loss = mean −ln probs[target].
// Parameters and gradients are one flat buffer each (layout: model/params.hpp). Activations live
// in one arena sized once for max_B × block_size; any B ≤ max_B and T ≤ block_size is accepted.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/config.hpp"
#include "model/params.hpp"

namespace lab {

class GPT {
public:
    GPT(const GPTConfig& config, std::size_t max_batch);

    // nanoGPT init: normal(0, 0.02); residual projections 0.02/√(2L); zero biases; LayerNorm 1/0.
    void init_weights(std::uint64_t seed);

    // Runs the model on inputs[B,T]. With targets, also computes per-position losses and returns
    // their mean; without, returns 0. Probabilities for every position are kept (probs()).
    float forward(const std::int32_t* inputs, const std::int32_t* targets, std::size_t B, std::size_t T);
    void zero_grad();
    // Backpropagates the last forward (which had targets). dloss is d(total)/d(loss at one position):
    // 1/(B·T) for the mean over this batch; callers accumulating over several batches pass
    // 1/(all tokens). Gradients accumulate (+=) into grads().
    void backward(float dloss);
    void backward() { backward(1.0f / static_cast<float>(last_B_ * last_T_)); }

    const GPTConfig& config() const { return config_; }
    const ParamLayout& layout() const { return layout_; }
    std::size_t max_batch() const { return max_B_; }
    std::size_t num_params() const { return layout_.total; }
    std::vector<float>& params() { return params_; }
    const std::vector<float>& params() const { return params_; }
    std::vector<float>& grads() { return grads_; }
    const std::vector<float>& grads() const { return grads_; }

    // Views of the last forward, [B,T,V], [B,T] and [B,NH,T,T] of layer l (row = query position).
    const float* probs() const { return acts_.data() + a_.probs; }
    const float* losses() const { return acts_.data() + a_.losses; }
    const float* attention(std::size_t layer) const;
    std::size_t last_B() const { return last_B_; }
    std::size_t last_T() const { return last_T_; }

    // Floats of memory the model needs (params, grads, 2 optimizer moments, activations, their
    // gradient scratch): lets callers refuse a config before allocating it. 64-bit and checked:
    // valid configs can need more than a 32-bit std::size_t (wasm32) holds.
    static std::uint64_t estimate_floats(const GPTConfig& config, std::size_t max_batch);
    // FLOPs of one training step on B×T tokens: B·T·(6·N + 12·L·T·C), N = L·12·C² + V·C.
    static double flops_per_step(const GPTConfig& config, std::size_t B, std::size_t T);

private:
    // Offsets (in floats) of each activation inside the arena for a given B, T.
    struct ActLayout {
        std::size_t encoded, ln1, ln1_mean, ln1_rstd, qkv, atty, att, attproj, residual2, ln2,
            ln2_mean, ln2_rstd, fch, fch_gelu, fcproj, residual3, lnf, lnf_mean, lnf_rstd, logits,
            probs, losses;
        std::uint64_t total;  // floats; the offsets are exact when it fits std::size_t
    };
    struct GradLayout {
        std::size_t dresidual, dln, dqkv, datty, dfch, dfch_gelu, dlogits, scratch;
        std::uint64_t total;  // floats
    };
    static ActLayout act_layout(const GPTConfig& c, std::size_t B, std::size_t T);
    static GradLayout grad_layout(const GPTConfig& c, std::size_t B, std::size_t T);
    // nullptr for the biases of a bias-free model: the layers then add none.
    const float* param(ParamKind k, std::size_t l = 0) const { return layout_.slice(params_.data(), k, l); }
    float* grad(ParamKind k, std::size_t l = 0) { return layout_.slice(grads_.data(), k, l); }

    GPTConfig config_;
    ParamLayout layout_;
    std::size_t max_B_;
    std::vector<float> params_, grads_, acts_, dacts_;
    std::vector<std::int32_t> inputs_, targets_;
    ActLayout a_{};
    std::size_t last_B_ = 0, last_T_ = 0;
    bool have_targets_ = false;
};

}  // namespace lab
