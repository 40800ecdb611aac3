#include "optim/optimizer.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/vector_ops.hpp"
#include "model/limits.hpp"
#include "util/error.hpp"

namespace lab {

OptimizerKind optimizer_from_name(const std::string& name) {
    if (name == "sgd") return OptimizerKind::Sgd;
    if (name == "momentum") return OptimizerKind::Momentum;
    if (name == "adamw" || name == "adam") return OptimizerKind::AdamW;
    fail("optimizer must be one of sgd, momentum, adamw; got \"", name, "\"");
}

const char* optimizer_name(OptimizerKind kind) {
    switch (kind) {
        case OptimizerKind::Sgd: return "sgd";
        case OptimizerKind::Momentum: return "momentum";
        case OptimizerKind::AdamW: return "adamw";
    }
    return "adamw";
}

Schedule schedule_from_name(const std::string& name) {
    if (name == "constant") return Schedule::Constant;
    if (name == "cosine") return Schedule::Cosine;
    fail("schedule must be constant or cosine; got \"", name, "\"");
}

const char* schedule_name(Schedule s) { return s == Schedule::Cosine ? "cosine" : "constant"; }

void validate(const OptimizerSettings& s) {
    check(limits::lr, s.lr);
    check(limits::momentum, s.momentum);
    check(limits::beta1, s.beta1);
    check(limits::beta2, s.beta2);
    check(limits::eps, s.eps);
    check(limits::weight_decay, s.weight_decay);
    check(limits::grad_clip, s.grad_clip);
    check(limits::min_lr_ratio, s.min_lr_ratio);
    check(limits::warmup_steps, static_cast<double>(s.warmup_steps));
    check(limits::max_steps, static_cast<double>(s.max_steps));
}

float learning_rate_at(const OptimizerSettings& s, std::size_t step) {
    if (s.warmup_steps > 0 && step < s.warmup_steps)
        return s.lr * static_cast<float>(step + 1) / static_cast<float>(s.warmup_steps);
    if (s.schedule == Schedule::Constant || s.max_steps <= s.warmup_steps) return s.lr;
    const float min_lr = s.lr * s.min_lr_ratio;
    if (step >= s.max_steps) return min_lr;
    const double progress = static_cast<double>(step - s.warmup_steps) / static_cast<double>(s.max_steps - s.warmup_steps);
    const double coeff = 0.5 * (1.0 + std::cos(3.141592653589793 * progress));
    return min_lr + static_cast<float>(coeff) * (s.lr - min_lr);
}

float bias_correction(float beta, std::size_t t) { return 1.0f - std::pow(beta, static_cast<float>(t)); }

double global_norm(const float* g, std::size_t n) { return std::sqrt(f32_sum_squares(g, n)); }

Optimizer::Optimizer(const ParamLayout& layout, const OptimizerSettings& settings)
    : layout_(layout), settings_(settings), m_(layout.total, 0.0f), v_(layout.total, 0.0f) {
    validate(settings);
}

void Optimizer::set_settings(const OptimizerSettings& s) {
    validate(s);
    settings_ = s;
}

void Optimizer::reset_state() {
    std::fill(m_.begin(), m_.end(), 0.0f);
    std::fill(v_.begin(), v_.end(), 0.0f);
    prev_m_valid_ = prev_v_valid_ = false;
}

double Optimizer::update(float* params, float* grads, std::size_t t, float lr) {
    const double norm = global_norm(grads, layout_.total);
    apply(params, params, grads, norm, t, lr, m_.data(), m_.data(), v_.data(), v_.data());
    prev_m_valid_ = prev_v_valid_ = false;  // the moments before are gone
    return norm;
}

void Optimizer::update_keeping_previous(float* params_out, const float* params_in, float* grads, std::size_t t,
                                        float lr, double norm) {
    // Which moments this kind changes: those get written to the spare set, which then swaps in.
    const bool uses_m = settings_.kind != OptimizerKind::Sgd, uses_v = settings_.kind == OptimizerKind::AdamW;
    if (uses_m) prev_m_.resize(m_.size());
    if (uses_v) prev_v_.resize(v_.size());
    apply(params_out, params_in, grads, norm, t, lr, uses_m ? prev_m_.data() : m_.data(), m_.data(),
          uses_v ? prev_v_.data() : v_.data(), v_.data());
    if (uses_m) m_.swap(prev_m_);
    if (uses_v) v_.swap(prev_v_);
    prev_m_valid_ = uses_m;
    prev_v_valid_ = uses_v;
}

void Optimizer::restore_previous() {
    if (prev_m_valid_) m_ = prev_m_;
    if (prev_v_valid_) v_ = prev_v_;
}

void Optimizer::apply(float* params_out, const float* params_in, float* grads, double norm, std::size_t t,
                      float lr, float* m_out, const float* m_in, float* v_out, const float* v_in) {
    const OptimizerSettings& s = settings_;
    if (s.grad_clip > 0.0f && norm > s.grad_clip && std::isfinite(norm)) {
        f32_scale(grads, static_cast<float>(s.grad_clip / norm), layout_.total);
    }
    const float b1c = bias_correction(s.beta1, t);
    const float b2c = bias_correction(s.beta2, t);
    for (const ParamSlot& slot : layout_.slots) {
        const float wd = slot.is_matrix ? s.weight_decay : 0.0f;
        const std::size_t o = slot.offset, n = slot.size;
        float* p = params_out + o;
        const float* pin = params_in + o;
        const float* g = grads + o;
        switch (s.kind) {
            case OptimizerKind::Sgd:  // p -= lr·(g + wd·p)
                for (std::size_t i = 0; i < n; ++i) p[i] = pin[i] - lr * (g[i] + wd * pin[i]);
                break;
            case OptimizerKind::Momentum: {  // buf = μ·buf + (g + wd·p); p -= lr·buf  (PyTorch SGD)
                float* m = m_out + o;
                const float* min = m_in + o;
                for (std::size_t i = 0; i < n; ++i) {
                    const float buf = s.momentum * min[i] + g[i] + wd * pin[i];
                    m[i] = buf;
                    p[i] = pin[i] - lr * buf;
                }
                break;
            }
            case OptimizerKind::AdamW:  // decoupled weight decay, bias-corrected moments
                f32_adamw_update(p, m_out + o, v_out + o, pin, m_in + o, v_in + o, g, n, lr, s.beta1, s.beta2,
                                 b1c, b2c, s.eps, wd);
                break;
        }
    }
}

}  // namespace lab
