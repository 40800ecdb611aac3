#include "model/gpt.hpp"
#include "model/limits.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/matmul.hpp"
#include "layers/attention.hpp"
#include "layers/encoder.hpp"
#include "layers/gelu.hpp"
#include "layers/layernorm.hpp"
#include "layers/residual.hpp"
#include "layers/softmax_xent.hpp"
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
    const float residual_std = 0.02f / std::sqrt(2.0f * static_cast<float>(config_.n_layer));
    // Fill in nanoGPT's module order so the stream of random numbers is easy to reproduce.
    for (std::size_t k = 0; k < NUM_PARAM_KINDS; ++k) {
        const ParamSlot& s = layout_.slots[k];
        float* p = params_.data() + s.offset;
        const bool is_ln_weight = (k == P_LN1W || k == P_LN2W || k == P_LNFW);
        const bool is_residual_proj = (k == P_ATTPROJW || k == P_FCPROJW);
        for (std::size_t i = 0; i < s.size; ++i) {
            if (is_ln_weight) p[i] = 1.0f;
            else if (!s.is_matrix) p[i] = 0.0f;  // biases
            else p[i] = static_cast<float>(rng.normal()) * (is_residual_proj ? residual_std : 0.02f);
        }
    }
}

const float* GPT::attention(std::size_t layer) const {
    const std::size_t B = last_B_, T = last_T_, NH = config_.n_head;
    return acts_.data() + a_.att + layer * B * NH * T * T;
}

float GPT::forward(const std::int32_t* inputs, const std::int32_t* targets, std::size_t B, std::size_t T) {
    const std::size_t V = config_.vocab_size, C = config_.n_embd, L = config_.n_layer, NH = config_.n_head;
    if (B < 1 || B > max_B_) fail("batch size must be between 1 and ", max_B_, ", got ", B);
    if (T < 1 || T > config_.block_size) fail("sequence length must be between 1 and block_size ", config_.block_size, ", got ", T);
    const std::size_t BT = B * T;
    for (std::size_t i = 0; i < BT; ++i) {
        if (inputs[i] < 0 || static_cast<std::size_t>(inputs[i]) >= V)
            fail("token id ", inputs[i], " is outside the vocabulary 0..", V - 1);
        if (targets && (targets[i] < 0 || static_cast<std::size_t>(targets[i]) >= V))
            fail("target token id ", targets[i], " is outside the vocabulary 0..", V - 1);
    }
    std::copy(inputs, inputs + BT, inputs_.begin());
    if (targets) std::copy(targets, targets + BT, targets_.begin());
    have_targets_ = targets != nullptr;
    last_B_ = B;
    last_T_ = T;
    a_ = act_layout(config_, B, T);
    float* A = acts_.data();

    encoder_forward(A + a_.encoded, inputs_.data(), param(P_WTE), param(P_WPE), B, T, C);
    const float* x = A + a_.encoded;  // residual stream entering layer l
    for (std::size_t l = 0; l < L; ++l) {
        float* ln1 = A + a_.ln1 + l * BT * C;
        float* qkv = A + a_.qkv + l * BT * 3 * C;
        float* atty = A + a_.atty + l * BT * C;
        float* att = A + a_.att + l * B * NH * T * T;
        float* attproj = A + a_.attproj + l * BT * C;
        float* residual2 = A + a_.residual2 + l * BT * C;
        float* ln2 = A + a_.ln2 + l * BT * C;
        float* fch = A + a_.fch + l * BT * 4 * C;
        float* fch_gelu = A + a_.fch_gelu + l * BT * 4 * C;
        float* fcproj = A + a_.fcproj + l * BT * C;
        float* residual3 = A + a_.residual3 + l * BT * C;

        layernorm_forward(ln1, A + a_.ln1_mean + l * BT, A + a_.ln1_rstd + l * BT, x,
                          param(P_LN1W, l), param(P_LN1B, l), BT, C);
        f32_matmul_forward(qkv, ln1, param(P_QKVW, l), param(P_QKVB, l), BT, C, 3 * C);
        attention_forward(atty, att, dacts_.data(), qkv, B, T, C, NH);  // scratch: the (idle) gradient arena
        f32_matmul_forward(attproj, atty, param(P_ATTPROJW, l), param(P_ATTPROJB, l), BT, C, C);
        residual_forward(residual2, x, attproj, BT * C);
        layernorm_forward(ln2, A + a_.ln2_mean + l * BT, A + a_.ln2_rstd + l * BT, residual2,
                          param(P_LN2W, l), param(P_LN2B, l), BT, C);
        f32_matmul_forward(fch, ln2, param(P_FCW, l), param(P_FCB, l), BT, C, 4 * C);
        gelu_forward(fch_gelu, fch, BT * 4 * C);
        f32_matmul_forward(fcproj, fch_gelu, param(P_FCPROJW, l), param(P_FCPROJB, l), BT, 4 * C, C);
        residual_forward(residual3, residual2, fcproj, BT * C);
        x = residual3;
    }
    layernorm_forward(A + a_.lnf, A + a_.lnf_mean, A + a_.lnf_rstd, x, param(P_LNFW), param(P_LNFB), BT, C);
    f32_matmul_forward(A + a_.logits, A + a_.lnf, param(P_WTE), nullptr, BT, C, V);
    softmax_forward(A + a_.probs, A + a_.logits, BT, V);
    if (!targets) return 0.0f;
    crossentropy_forward(A + a_.losses, A + a_.probs, targets_.data(), BT, V);
    double sum = 0.0;
    for (std::size_t i = 0; i < BT; ++i) sum += A[a_.losses + i];
    return static_cast<float>(sum / static_cast<double>(BT));
}

void GPT::zero_grad() { std::fill(grads_.begin(), grads_.end(), 0.0f); }

void GPT::backward(float dloss) {
    if (!have_targets_) fail("backward needs a forward pass with targets");
    const std::size_t B = last_B_, T = last_T_, BT = B * T;
    const std::size_t V = config_.vocab_size, C = config_.n_embd, L = config_.n_layer, NH = config_.n_head;
    const GradLayout g = grad_layout(config_, B, T);
    const float* A = acts_.data();
    float* D = dacts_.data();
    float* dresidual = D + g.dresidual;
    float* dln = D + g.dln;
    float* dqkv = D + g.dqkv;
    float* datty = D + g.datty;
    float* dfch = D + g.dfch;
    float* dfch_gelu = D + g.dfch_gelu;
    float* dlogits = D + g.dlogits;

    crossentropy_softmax_backward(dlogits, A + a_.probs, targets_.data(), dloss, BT, V);
    std::fill(dln, dln + BT * C, 0.0f);
    f32_matmul_backward(dln, grad(P_WTE), nullptr, dlogits, A + a_.lnf, param(P_WTE), BT, C, V);
    const float* x_last = L > 0 ? A + a_.residual3 + (L - 1) * BT * C : A + a_.encoded;
    std::fill(dresidual, dresidual + BT * C, 0.0f);
    layernorm_backward(dresidual, grad(P_LNFW), grad(P_LNFB), dln, x_last, param(P_LNFW),
                       A + a_.lnf_mean, A + a_.lnf_rstd, BT, C);

    for (std::size_t l = L; l-- > 0;) {
        const float* x = l == 0 ? A + a_.encoded : A + a_.residual3 + (l - 1) * BT * C;
        const float* ln1 = A + a_.ln1 + l * BT * C;
        const float* qkv = A + a_.qkv + l * BT * 3 * C;
        const float* atty = A + a_.atty + l * BT * C;
        const float* att = A + a_.att + l * B * NH * T * T;
        const float* residual2 = A + a_.residual2 + l * BT * C;
        const float* ln2 = A + a_.ln2 + l * BT * C;
        const float* fch = A + a_.fch + l * BT * 4 * C;
        const float* fch_gelu = A + a_.fch_gelu + l * BT * 4 * C;

        // residual3 = residual2 + fcproj: dresidual is d(fcproj) and (so far) d(residual2).
        std::fill(dfch_gelu, dfch_gelu + BT * 4 * C, 0.0f);
        f32_matmul_backward(dfch_gelu, grad(P_FCPROJW, l), grad(P_FCPROJB, l), dresidual, fch_gelu,
                            param(P_FCPROJW, l), BT, 4 * C, C);
        std::fill(dfch, dfch + BT * 4 * C, 0.0f);
        gelu_backward(dfch, fch, dfch_gelu, BT * 4 * C);
        std::fill(dln, dln + BT * C, 0.0f);
        f32_matmul_backward(dln, grad(P_FCW, l), grad(P_FCB, l), dfch, ln2, param(P_FCW, l), BT, C, 4 * C);
        layernorm_backward(dresidual, grad(P_LN2W, l), grad(P_LN2B, l), dln, residual2, param(P_LN2W, l),
                           A + a_.ln2_mean + l * BT, A + a_.ln2_rstd + l * BT, BT, C);
        // residual2 = x + attproj: dresidual is now d(residual2) = d(attproj) = (part of) d(x).
        std::fill(datty, datty + BT * C, 0.0f);
        f32_matmul_backward(datty, grad(P_ATTPROJW, l), grad(P_ATTPROJB, l), dresidual, atty,
                            param(P_ATTPROJW, l), BT, C, C);
        std::fill(dqkv, dqkv + BT * 3 * C, 0.0f);
        attention_backward(dqkv, D + g.scratch, datty, qkv, att, B, T, C, NH);
        std::fill(dln, dln + BT * C, 0.0f);
        f32_matmul_backward(dln, grad(P_QKVW, l), grad(P_QKVB, l), dqkv, ln1, param(P_QKVW, l), BT, C, 3 * C);
        layernorm_backward(dresidual, grad(P_LN1W, l), grad(P_LN1B, l), dln, x, param(P_LN1W, l),
                           A + a_.ln1_mean + l * BT, A + a_.ln1_rstd + l * BT, BT, C);
    }
    encoder_backward(grad(P_WTE), grad(P_WPE), dresidual, inputs_.data(), B, T, C);
}

}  // namespace lab
