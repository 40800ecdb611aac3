// The GPT's memory: the layout of its activation and gradient arenas (in checked 64-bit
// arithmetic, so a config too big for wasm32 is refused instead of wrapping), its size estimate,
// FLOPs per step, construction and weight initialisation. Apart from the passes (gpt.cpp) because
// the build compiles this cold code for size and the passes for speed.
#include "model/gpt.hpp"
#include "model/limits.hpp"

#include <cmath>

#include "layers/attention.hpp"
#include "util/checked.hpp"
#include "util/error.hpp"
#include "util/rng.hpp"

namespace lab {

namespace {
// Hands out consecutive offsets in an arena, in checked 64-bit arithmetic (util/checked.hpp): the
// offsets are exact std::size_t values whenever total fits the address space, which the
// constructor checks (estimate_floats) before it allocates or uses any of them.
struct Offsets {
    std::uint64_t total = 0;
    void take(std::size_t& field, std::initializer_list<std::uint64_t> dims) {
        field = static_cast<std::size_t>(total);
        total = checked_add(total, checked_product(dims));
    }
};
}  // namespace

GPT::ActLayout GPT::act_layout(const GPTConfig& c, std::size_t B, std::size_t T) {
    const std::uint64_t L = c.n_layer, C = c.n_embd, V = c.vocab_size, NH = c.n_head, BT = checked_mul(B, T);
    ActLayout a{};
    Offsets o;
    o.take(a.encoded, {BT, C});
    o.take(a.ln1, {L, BT, C});
    o.take(a.ln1_mean, {L, BT});
    o.take(a.ln1_rstd, {L, BT});
    o.take(a.qkv, {L, BT, 3, C});
    o.take(a.atty, {L, BT, C});
    o.take(a.att, {L, B, NH, T, T});
    o.take(a.attproj, {L, BT, C});
    o.take(a.residual2, {L, BT, C});
    o.take(a.ln2, {L, BT, C});
    o.take(a.ln2_mean, {L, BT});
    o.take(a.ln2_rstd, {L, BT});
    o.take(a.fch, {L, BT, 4, C});
    o.take(a.fch_gelu, {L, BT, 4, C});
    o.take(a.fcproj, {L, BT, C});
    o.take(a.residual3, {L, BT, C});
    o.take(a.lnf, {BT, C});
    o.take(a.lnf_mean, {BT});
    o.take(a.lnf_rstd, {BT});
    o.take(a.logits, {BT, V});
    o.take(a.probs, {BT, V});
    o.take(a.losses, {BT});
    a.total = o.total;
    return a;
}

GPT::GradLayout GPT::grad_layout(const GPTConfig& c, std::size_t B, std::size_t T) {
    const std::uint64_t C = c.n_embd, V = c.vocab_size, BT = checked_mul(B, T);
    GradLayout g{};
    Offsets o;
    o.take(g.dresidual, {BT, C});
    o.take(g.dln, {BT, C});
    o.take(g.dqkv, {BT, 3, C});
    o.take(g.datty, {BT, C});
    o.take(g.dfch, {BT, 4, C});
    o.take(g.dfch_gelu, {BT, 4, C});
    o.take(g.dlogits, {BT, V});
    o.take(g.scratch, {attention_scratch_floats(T, c.n_embd, c.n_head)});
    g.total = o.total;
    return g;
}

std::uint64_t GPT::estimate_floats(const GPTConfig& c, std::size_t max_batch) {
    // Parameters from the shapes (ParamLayout's own size_t sums may wrap in wasm32 for a config
    // this is about to refuse).
    std::uint64_t n = 0;
    for (const ParamSlot& s : ParamLayout(c).slots) {
        std::uint64_t size = 1;
        for (std::size_t d : s.shape) size = checked_mul(size, d);
        n = checked_add(n, size);
    }
    const std::uint64_t acts = act_layout(c, max_batch, c.block_size).total;
    const std::uint64_t dacts = grad_layout(c, max_batch, c.block_size).total;
    return checked_add(checked_add(checked_mul(4, n), acts), dacts);  // params, grads, 2 moments
}

double GPT::flops_per_step(const GPTConfig& c, std::size_t B, std::size_t T) {
    const double L = static_cast<double>(c.n_layer), C = static_cast<double>(c.n_embd);
    const double N = L * 12.0 * C * C + static_cast<double>(c.vocab_size) * C;
    return static_cast<double>(B) * static_cast<double>(T) * (6.0 * N + 12.0 * L * static_cast<double>(T) * C);
}

GPT::GPT(const GPTConfig& config, std::size_t max_batch) : config_(config), layout_(config), max_B_(max_batch) {
    validate(config);
    check(limits::batch_size, static_cast<double>(max_batch));
    // Every size below (and every offset in the layouts) is exact once the whole fits in bytes.
    to_size(checked_mul(4, estimate_floats(config, max_batch)), "the model's memory in bytes");
    params_.assign(layout_.total, 0.0f);
    grads_.assign(layout_.total, 0.0f);
    acts_.assign(static_cast<std::size_t>(act_layout(config, max_batch, config.block_size).total), 0.0f);
    dacts_.assign(static_cast<std::size_t>(grad_layout(config, max_batch, config.block_size).total), 0.0f);
    inputs_.assign(max_batch * config.block_size, 0);
    targets_.assign(max_batch * config.block_size, 0);
}

void GPT::init_weights(std::uint64_t seed) {
    Rng rng(seed);
    const float residual_std = kInitStd / std::sqrt(2.0f * static_cast<float>(config_.n_layer));
    // Fill in nanoGPT's module order so the stream of random numbers is easy to reproduce.
    for (std::size_t k = 0; k < NUM_PARAM_KINDS; ++k) {
        const ParamSlot& s = layout_.slots[k];
        float* p = params_.data() + s.offset;
        const bool is_ln_weight = (k == P_LN1W || k == P_LN2W || k == P_LNFW);
        const bool is_residual_proj = (k == P_ATTPROJW || k == P_FCPROJW);
        for (std::size_t i = 0; i < s.size; ++i) {
            if (is_ln_weight) p[i] = 1.0f;
            else if (!s.is_matrix) p[i] = 0.0f;  // biases
            else p[i] = static_cast<float>(rng.normal()) * (is_residual_proj ? residual_std : kInitStd);
        }
    }
}

const float* GPT::attention(std::size_t layer) const {
    const std::size_t B = last_B_, T = last_T_, NH = config_.n_head;
    return acts_.data() + a_.att + layer * B * NH * T * T;
}

}  // namespace lab
