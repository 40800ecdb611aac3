// Scalar twins of the matmul kernels: straightforward loops, the oracle for the xsimd versions.
#include "kernels/matmul.hpp"

namespace lab::scalar {

void f32_matmul_forward(float* out, const float* inp, const float* weight, const float* bias,
                        std::size_t BT, std::size_t C, std::size_t OC) {
    for (std::size_t bt = 0; bt < BT; ++bt) {
        const float* x = inp + bt * C;
        for (std::size_t o = 0; o < OC; ++o) {
            const float* w = weight + o * C;
            float acc = bias ? bias[o] : 0.0f;
            for (std::size_t i = 0; i < C; ++i) acc += x[i] * w[i];
            out[bt * OC + o] = acc;
        }
    }
}

void f32_matmul_backward(float* dinp, float* dweight, float* dbias, const float* dout,
                         const float* inp, const float* weight,
                         std::size_t BT, std::size_t C, std::size_t OC) {
    for (std::size_t bt = 0; bt < BT; ++bt) {
        const float* g = dout + bt * OC;
        float* dx = dinp + bt * C;
        for (std::size_t i = 0; i < C; ++i) dx[i] = 0.0f;
        for (std::size_t o = 0; o < OC; ++o) {
            const float* w = weight + o * C;
            const float d = g[o];
            for (std::size_t i = 0; i < C; ++i) dx[i] += w[i] * d;
        }
    }
    for (std::size_t o = 0; o < OC; ++o) {
        float* dw = dweight + o * C;
        float db = dbias ? dbias[o] : 0.0f;  // dbias plus the rows in order (as dweight)
        for (std::size_t bt = 0; bt < BT; ++bt) {
            const float d = dout[bt * OC + o];
            const float* x = inp + bt * C;
            for (std::size_t i = 0; i < C; ++i) dw[i] += x[i] * d;
            db += d;
        }
        if (dbias) dbias[o] = db;
    }
}

}  // namespace lab::scalar
