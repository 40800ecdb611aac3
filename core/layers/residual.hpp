// Residual connection: out[n] = a[n] + b[n]. Its backward passes dout to both branches unchanged,
// which the model does by accumulating into one residual-gradient buffer (no function needed).
#pragma once
#include <cstddef>

namespace lab {

void residual_forward(float* out, const float* a, const float* b, std::size_t n);

}  // namespace lab
