// The GPT's forward and backward passes: the training hot path, built for speed. Its memory
// (arena layouts, size estimate, construction, initialisation) is in gpt_memory.cpp.
#include "model/gpt.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/matmul.hpp"
#include "layers/attention.hpp"
#include "layers/encoder.hpp"
#include "layers/gelu.hpp"
#include "layers/layernorm.hpp"
#include "layers/softmax_xent.hpp"
#include "util/error.hpp"

namespace lab {

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
    // The LayerNorm that reads the residual stream entering layer l (ln_1 of layer l; ln_f for
    // l = L). Each residual add is fused with the LayerNorm after it (add_layernorm_forward): layer
    // l − 1 writes layer l's ln_1, the last layer writes ln_f.
    struct EnteringNorm {
        float *out, *mean, *rstd;
        const float *weight, *bias;
    };
    const auto norm_entering = [&](std::size_t l) {
        return l < L ? EnteringNorm{A + a_.ln1 + l * BT * C, A + a_.ln1_mean + l * BT, A + a_.ln1_rstd + l * BT,
                                    param(P_LN1W, l), param(P_LN1B, l)}
                     : EnteringNorm{A + a_.lnf, A + a_.lnf_mean, A + a_.lnf_rstd, param(P_LNFW), param(P_LNFB)};
    };
    const EnteringNorm first = norm_entering(0);
    layernorm_forward(first.out, first.mean, first.rstd, x, first.weight, first.bias, BT, C);
    for (std::size_t l = 0; l < L; ++l) {
        const float* ln1 = A + a_.ln1 + l * BT * C;  // written by norm_entering(l)
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

        f32_matmul_forward(qkv, ln1, param(P_QKVW, l), param(P_QKVB, l), BT, C, 3 * C);
        attention_forward(atty, att, dacts_.data(), qkv, B, T, C, NH);  // scratch: the (idle) gradient arena
        f32_matmul_forward(attproj, atty, param(P_ATTPROJW, l), param(P_ATTPROJB, l), BT, C, C);
        add_layernorm_forward(residual2, ln2, A + a_.ln2_mean + l * BT, A + a_.ln2_rstd + l * BT, x, attproj,
                              param(P_LN2W, l), param(P_LN2B, l), BT, C);
        f32_matmul_forward(fch, ln2, param(P_FCW, l), param(P_FCB, l), BT, C, 4 * C);
        gelu_forward(fch_gelu, fch, BT * 4 * C);
        f32_matmul_forward(fcproj, fch_gelu, param(P_FCPROJW, l), param(P_FCPROJB, l), BT, 4 * C, C);
        const EnteringNorm next = norm_entering(l + 1);
        add_layernorm_forward(residual3, next.out, next.mean, next.rstd, residual2, fcproj, next.weight, next.bias,
                              BT, C);
        x = residual3;
    }
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
        f32_matmul_backward(dfch_gelu, grad(P_FCPROJW, l), grad(P_FCPROJB, l), dresidual, fch_gelu,
                            param(P_FCPROJW, l), BT, 4 * C, C);
        gelu_backward(dfch, fch, fch_gelu, dfch_gelu, BT * 4 * C);
        f32_matmul_backward(dln, grad(P_FCW, l), grad(P_FCB, l), dfch, ln2, param(P_FCW, l), BT, C, 4 * C);
        layernorm_backward(dresidual, grad(P_LN2W, l), grad(P_LN2B, l), dln, residual2, param(P_LN2W, l),
                           A + a_.ln2_mean + l * BT, A + a_.ln2_rstd + l * BT, BT, C);
        // residual2 = x + attproj: dresidual is now d(residual2) = d(attproj) = (part of) d(x).
        f32_matmul_backward(datty, grad(P_ATTPROJW, l), grad(P_ATTPROJB, l), dresidual, atty,
                            param(P_ATTPROJW, l), BT, C, C);
        attention_backward(dqkv, D + g.scratch, datty, qkv, att, B, T, C, NH);
        f32_matmul_backward(dln, grad(P_QKVW, l), grad(P_QKVB, l), dqkv, ln1, param(P_QKVW, l), BT, C, 3 * C);
        layernorm_backward(dresidual, grad(P_LN1W, l), grad(P_LN1B, l), dln, x, param(P_LN1W, l),
                           A + a_.ln1_mean + l * BT, A + a_.ln1_rstd + l * BT, BT, C);
    }
    encoder_backward(grad(P_WTE), grad(P_WPE), dresidual, inputs_.data(), B, T, C);
}

}  // namespace lab
