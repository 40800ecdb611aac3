// Output distribution and loss.
//   probs[N,V]  = softmax(logits[N,V])          (row-wise, stable)
//   losses[N]   = −ln probs[n, targets[n]]      ("surprise" of each position)
// Backward is fused: d(loss)/d(logits) = (probs − onehot(target)) · dloss.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>

namespace lab {

// The loss reads the target's probability at least this: one that underflowed to 0 would give
// +inf, so it is clamped to the smallest normal float, and a confident mistake costs a lot
// (−ln ≈ 87.3) but never an infinity.
inline constexpr float kMinTargetProb = 1.17549435e-38f;
static_assert(kMinTargetProb == std::numeric_limits<float>::min(), "the smallest normal float");

void softmax_forward(float* probs, const float* logits, std::size_t N, std::size_t V);
void crossentropy_forward(float* losses, const float* probs, const std::int32_t* targets,
                          std::size_t N, std::size_t V);
// Differentiates loss_n = −ln softmax(logits_n)[target_n], weighted by dloss (the same for every n,
// e.g. 1/N for the mean); writes (=) dlogits.
void crossentropy_softmax_backward(float* dlogits, const float* probs, const std::int32_t* targets,
                                   float dloss, std::size_t N, std::size_t V);

}  // namespace lab
