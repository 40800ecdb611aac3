// GELU, tanh approximation (PyTorch approximate='tanh'):
//   out = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
#pragma once
#include <cstddef>

namespace lab {

void gelu_forward(float* out, const float* inp, std::size_t n);
// Differentiates the expression above: dinp = gelu'(inp)·dout (written; out: gelu_forward's output).
void gelu_backward(float* dinp, const float* inp, const float* out, const float* dout, std::size_t n);

}  // namespace lab
