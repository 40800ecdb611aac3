#include "layers/encoder.hpp"

namespace lab {

void encoder_forward(float* out, const std::int32_t* inp, const float* wte, const float* wpe,
                     std::size_t B, std::size_t T, std::size_t C) {
    for (std::size_t b = 0; b < B; ++b) {
        for (std::size_t t = 0; t < T; ++t) {
            float* o = out + (b * T + t) * C;
            const float* te = wte + static_cast<std::size_t>(inp[b * T + t]) * C;
            const float* pe = wpe + t * C;
            for (std::size_t i = 0; i < C; ++i) o[i] = te[i] + pe[i];
        }
    }
}

void encoder_backward(float* dwte, float* dwpe, const float* dout, const std::int32_t* inp,
                      std::size_t B, std::size_t T, std::size_t C) {
    for (std::size_t b = 0; b < B; ++b) {
        for (std::size_t t = 0; t < T; ++t) {
            const float* d = dout + (b * T + t) * C;
            float* dte = dwte + static_cast<std::size_t>(inp[b * T + t]) * C;
            float* dpe = dwpe + t * C;
            for (std::size_t i = 0; i < C; ++i) {
                dte[i] += d[i];
                dpe[i] += d[i];
            }
        }
    }
}

}  // namespace lab
