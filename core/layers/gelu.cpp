// GELU forwards to the element-wise kernels (scalar twin + xsimd in kernels/vector_ops).
#include "layers/gelu.hpp"

#include "kernels/vector_ops.hpp"

namespace lab {

void gelu_forward(float* out, const float* inp, std::size_t n) { f32_gelu_forward(out, inp, n); }

void gelu_backward(float* dinp, const float* inp, const float* out, const float* dout, std::size_t n) {
    f32_gelu_backward(dinp, inp, out, dout, n);
}

}  // namespace lab
