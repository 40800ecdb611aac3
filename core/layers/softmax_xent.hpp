// Output distribution and loss.
//   probs[N,V]  = softmax(logits[N,V])          (row-wise, stable)
//   losses[N]   = −ln probs[n, targets[n]]      ("surprise" of each position)
// Backward is fused: d(loss)/d(logits) = (probs − onehot(target)) · dloss.
#pragma once
#include <cstddef>
#include <cstdint>

namespace lab {

void softmax_forward(float* probs, const float* logits, std::size_t N, std::size_t V);
void crossentropy_forward(float* losses, const float* probs, const std::int32_t* targets,
                          std::size_t N, std::size_t V);
// Differentiates loss_n = −ln softmax(logits_n)[target_n], weighted by dloss (the same for every n,
// e.g. 1/N for the mean); writes (=) dlogits.
void crossentropy_softmax_backward(float* dlogits, const float* probs, const std::int32_t* targets,
                                   float dloss, std::size_t N, std::size_t V);

}  // namespace lab
