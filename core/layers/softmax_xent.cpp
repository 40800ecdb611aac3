#include "layers/softmax_xent.hpp"

#include <cmath>

#include "kernels/vector_ops.hpp"

namespace lab {

void softmax_forward(float* probs, const float* logits, std::size_t N, std::size_t V) {
    f32_softmax_rows(probs, logits, N, V);
}

void crossentropy_forward(float* losses, const float* probs, const std::int32_t* targets,
                          std::size_t N, std::size_t V) {
    for (std::size_t n = 0; n < N; ++n) {
        float p = probs[n * V + static_cast<std::size_t>(targets[n])];
        if (p < kMinTargetProb) p = kMinTargetProb;
        losses[n] = -std::log(p);
    }
}

void crossentropy_softmax_backward(float* dlogits, const float* probs, const std::int32_t* targets,
                                   float dloss, std::size_t N, std::size_t V) {
    for (std::size_t n = 0; n < N; ++n) {
        const float* p = probs + n * V;
        float* d = dlogits + n * V;
        const std::size_t target = static_cast<std::size_t>(targets[n]);
        for (std::size_t i = 0; i < V; ++i) d[i] = (p[i] - (i == target ? 1.0f : 0.0f)) * dloss;
    }
}

}  // namespace lab
