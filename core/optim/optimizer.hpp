// Optimizers: SGD, SGD with momentum, AdamW (bias-corrected, decoupled weight decay on 2-D weights
// only, as nanoGPT). Optional clipping by global gradient norm; learning rate constant or
// linear warmup + cosine decay. The update is one flat loop per tensor kind over the ONE buffer.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "model/params.hpp"

namespace lab {

enum class OptimizerKind { Sgd, Momentum, AdamW };
enum class Schedule { Constant, Cosine };

OptimizerKind optimizer_from_name(const std::string& name);  // "sgd" | "momentum" | "adamw" (also "adam")
const char* optimizer_name(OptimizerKind kind);
Schedule schedule_from_name(const std::string& name);        // "constant" | "cosine"
const char* schedule_name(Schedule s);

struct OptimizerSettings {
    OptimizerKind kind = OptimizerKind::AdamW;
    float lr = 3e-3f;
    float momentum = 0.9f;
    float beta1 = 0.9f;
    float beta2 = 0.99f;
    float eps = 1e-8f;
    float weight_decay = 0.0f;
    float grad_clip = 1.0f;   // max global gradient norm; 0 = no clipping
    Schedule schedule = Schedule::Constant;
    std::size_t warmup_steps = 0;
    std::size_t max_steps = 0;  // cosine decays to min_lr_ratio·lr at max_steps
    float min_lr_ratio = 0.1f;
};

// Throws lab::Error naming the first invalid value (lr ≤ 0, NaN, betas outside [0,1), …).
void validate(const OptimizerSettings& s);
// Learning rate for step index `step` (0-based).
float learning_rate_at(const OptimizerSettings& s, std::size_t step);

// Adam's bias correction 1 − β^t (t: 1-based update count), as the update uses it.
float bias_correction(float beta, std::size_t t);

// √(Σ g²) over the whole buffer, in double.
double global_norm(const float* grads, std::size_t n);

class Optimizer {
public:
    Optimizer(const ParamLayout& layout, const OptimizerSettings& settings);

    // One update with learning rate lr; t is the 1-based update count (Adam's bias correction).
    // Gradients are clipped in place first when grad_clip > 0 (returns the norm BEFORE clipping).
    double update(float* params, float* grads, std::size_t t, float lr);
    // The same update from params_in to params_out (other buffers), given the gradient's norm
    // (global_norm of grads, already computed by the caller). The moments it changes are written
    // to a second set that then becomes the current one, so restore_previous() can bring back the
    // moments before this update without a copy per step: the trainer's divergence rollback.
    void update_keeping_previous(float* params_out, const float* params_in, float* grads, std::size_t t,
                                 float lr, double norm);
    // The moments as they were before the last update_keeping_previous (a no-op if none).
    void restore_previous();

    const OptimizerSettings& settings() const { return settings_; }
    void set_settings(const OptimizerSettings& s);  // keeps the moments
    void reset_state();                             // zero moments
    // Moments: AdamW uses m and v; momentum uses m as its velocity buffer; SGD uses neither.
    std::vector<float>& m() { return m_; }
    std::vector<float>& v() { return v_; }
    const std::vector<float>& m() const { return m_; }
    const std::vector<float>& v() const { return v_; }

private:
    // Clips, then runs the kind's loop per tensor from (params_in, m_in, v_in) to the outs.
    void apply(float* params_out, const float* params_in, float* grads, double norm, std::size_t t, float lr,
               float* m_out, const float* m_in, float* v_out, const float* v_in);

    const ParamLayout& layout_;
    OptimizerSettings settings_;
    std::vector<float> m_, v_;
    // The moments before the last update_keeping_previous, for those it changed (the flags).
    std::vector<float> prev_m_, prev_v_;
    bool prev_m_valid_ = false, prev_v_valid_ = false;
};

}  // namespace lab
