// xsimd matmul kernels: one packed, register-blocked GEMM serves the three products.
//   forward   out[BT,OC]     = inp[BT,C]   · weight[OC,C]ᵀ (+ bias)   M=BT  N=OC K=C
//   dinp      dinp[BT,C]     = dout[BT,OC] · weight[OC,C]             M=BT  N=C  K=OC
//   dweight   dweight[OC,C] += dout[BT,OC]ᵀ · inp[BT,C]               M=OC  N=C  K=BT
// GotoBLAS scheme, single thread: K is cut into blocks of KC; per block, B (K×N) is packed into
// panels of NR columns ([k][NR], zero-padded), and per block of MC rows A is packed into
// micro-panels of MR rows ([k][MR], zero-padded; natively each value pre-broadcast, see AW).
// The micro-kernel keeps an MR×NR tile of C in MR·NV vector registers and per k does NV vector
// loads of B, MR broadcasts of A, MR·NV mul+add (no FMA: none without -mfma natively, none in
// wasm SIMD128). 4×2 vectors = 8 accumulators + 2 B + 1 A register: fits the 15 allocatable
// registers V8 gives wasm SIMD on x64. Packing costs O(K·(M+N)) against O(M·N·K) compute; the
// packed buffers are grow-only scratch (no allocation per step after warm-up). Each C element is
// its base (the bias, 0 or C) plus its K products added in order, in every tile and across the KC
// blocks (each block starts from C), as the scalar twin computes it: the same bits as the twin
// (no FMA; the native build compiles with -ffp-contract=off). So are the bias sums.
#include <algorithm>
#include <vector>

#include "kernels/matmul.hpp"
#include "kernels/simd.hpp"

namespace lab::simd {
namespace {


// Measured (Zen 4, node 20 and g++ 12 -O3): 4×2 and 2×4 are equally fast in wasm; 6×2, 3×3,
// 3×4 spill in V8 (−30 %); natively 6×2 is +3 %. Unrolling k (clang already unrolls by 4) made
// V8 spill (−30 %). KC 128/256/512 and MC 64/128 are within noise.
constexpr std::size_t MR = 4;       // rows of C per micro-tile
constexpr std::size_t NV = 2;       // vectors of C per micro-tile row
constexpr std::size_t NR = NV * W;  // columns of C per micro-tile
constexpr std::size_t KC = 256;     // K block: B micro-panel KC·NR·4 B = 8 KiB stays in L1
constexpr std::size_t MC = 64;      // M block: packed A MC·KC·AW·4 B ≤ 256 KiB stays in L2
// Alignment in bytes of the packed buffers and the tail tile: a cache line, which also covers
// the widest vector (32 B with avx2), so the kernel may use aligned loads and stores.
constexpr std::size_t kAlignBytes = 64;

// A strided view: element (r, c) at p[r*rs + c*cs].
struct View {
    const float* p;
    std::size_t rs, cs;
    float at(std::size_t r, std::size_t c) const { return p[r * rs + c * cs]; }
};

// Natively (SSE2) a broadcast from memory is movss + shufps, and the shuffle competes with
// mul/add for the FP pipes; so packed A stores each value already broadcast to W lanes (plain
// vector loads in the kernel). In wasm, load32_splat is a single load (vbroadcastss / ld1r).
#ifdef __EMSCRIPTEN__
constexpr std::size_t AW = 1;
#else
constexpr std::size_t AW = W;
#endif

using aligned_vector = std::vector<float, xsimd::aligned_allocator<float, kAlignBytes>>;
struct Scratch {
    aligned_vector a, b;
};
Scratch& scratch() {
    static thread_local Scratch s;
    return s;
}
float* grow(aligned_vector& v, std::size_t n) {
    if (v.size() < n) v.resize(n);
    return v.data();
}

// A full panel of Bᵀ-stored columns (b.rs == 1: the forward's weights, [OC, C]) through 4×4
// transposes: 4 weight rows in, 4 k-rows of the panel out. Returns false where it does not apply
// (other than 4 lanes). The trainer's passes pack each weight once per pass: +0.7 % on
// bench-small, +1 % on the nanoGPT config against the scalar copy.
bool pack_b_transposed_panel(float* dst, View b, std::size_t n0, std::size_t k0, std::size_t kc) {
    if constexpr (W != 4 || NR % 4 != 0) {
        return false;
    } else {
        std::size_t k = 0;
        for (; k + 4 <= kc; k += 4) {
            for (std::size_t j0 = 0; j0 < NR; j0 += 4) {
                const float* src = b.p + (n0 + j0) * b.cs + k0 + k;
                store_transposed_4x4(vf::load_unaligned(src), vf::load_unaligned(src + b.cs),
                                     vf::load_unaligned(src + 2 * b.cs), vf::load_unaligned(src + 3 * b.cs),
                                     dst + k * NR + j0, NR);
            }
        }
        for (; k < kc; ++k)
            for (std::size_t j = 0; j < NR; ++j) dst[k * NR + j] = b.p[(n0 + j) * b.cs + k0 + k];
        return true;
    }
}

// B rows k0..k0+kc, all N columns → panels of NR columns, [panel][k][NR], zero-padded.
void pack_b(float* dst, View b, std::size_t k0, std::size_t kc, std::size_t N) {
    for (std::size_t n0 = 0; n0 < N; n0 += NR) {
        const std::size_t nr = std::min(NR, N - n0);
        if (b.cs == 1 && nr == NR) {  // rows of B are contiguous: copy NR floats per k
            for (std::size_t k = 0; k < kc; ++k) {
                const float* src = b.p + (k0 + k) * b.rs + n0;
                for (std::size_t v = 0; v < NV; ++v)
                    vf::load_unaligned(src + v * W).store_unaligned(dst + k * NR + v * W);
            }
        } else if (b.rs == 1 && nr == NR && pack_b_transposed_panel(dst, b, n0, k0, kc)) {
            // packed by the transposes
        } else if (b.rs == 1) {  // columns of B are contiguous (Wᵀ): read along k
            for (std::size_t j = 0; j < NR; ++j) {
                if (j < nr) {
                    const float* src = b.p + (n0 + j) * b.cs + k0;
                    for (std::size_t k = 0; k < kc; ++k) dst[k * NR + j] = src[k];
                } else {
                    for (std::size_t k = 0; k < kc; ++k) dst[k * NR + j] = 0.0f;
                }
            }
        } else {
            for (std::size_t k = 0; k < kc; ++k)
                for (std::size_t j = 0; j < NR; ++j)
                    dst[k * NR + j] = j < nr ? b.at(k0 + k, n0 + j) : 0.0f;
        }
        dst += kc * NR;
    }
}

// Stores x at dst, repeated AW times (dst is aligned to AW floats).
inline void put_a(float* dst, float x) {
    if constexpr (AW == 1) {
        *dst = x;
    } else {
        vf(x).store_aligned(dst);
    }
}

// A rows m0..m0+mc, columns k0..k0+kc → micro-panels of MR rows, [group][k][MR][AW] (each value
// repeated AW times), zero-padded. Packing is O(M·K) against O(M·N·K) compute but with N = C = 64
// it was ~15 % of the backward, hence the vector paths for the two layouts the products use.
void pack_a(float* dst, View a, std::size_t m0, std::size_t mc, std::size_t k0, std::size_t kc) {
    constexpr std::size_t step = MR * AW;  // floats per k in a micro-panel
    for (std::size_t g = 0; g < mc; g += MR, dst += kc * step) {
        const std::size_t mr = std::min(MR, mc - g);
        const float* src = a.p + (m0 + g) * a.rs + k0 * a.cs;  // A(m0+g, k0)
        if (mr == MR && a.cs == 1) {  // row-major A (forward, dinp): MR rows, contiguous in k
            std::size_t k = 0;
            if constexpr (AW == 1 && MR == W) {  // 4×4 transposes: rows in, k-columns out
                for (; k + W <= kc; k += W) {
                    store_transposed_4x4(vf::load_unaligned(src + k), vf::load_unaligned(src + a.rs + k),
                                         vf::load_unaligned(src + 2 * a.rs + k), vf::load_unaligned(src + 3 * a.rs + k),
                                         dst + k * step, step);
                }
            }
            for (; k < kc; ++k)
                for (std::size_t i = 0; i < MR; ++i)
                    put_a(dst + k * step + i * AW, src[i * a.rs + k]);
        } else if (mr == MR && a.rs == 1) {  // column-major A (dweight: doutᵀ): MR values per k
            for (std::size_t k = 0; k < kc; ++k) {
                const float* s = src + k * a.cs;
                if constexpr (AW == 1 && MR == W) {
                    vf::load_unaligned(s).store_aligned(dst + k * step);
                } else {
                    for (std::size_t i = 0; i < MR; ++i) put_a(dst + k * step + i * AW, s[i]);
                }
            }
        } else {  // last, partial group of rows: zero-pad
            for (std::size_t k = 0; k < kc; ++k)
                for (std::size_t i = 0; i < MR; ++i)
                    put_a(dst + k * step + i * AW, i < mr ? src[i * a.rs + k * a.cs] : 0.0f);
        }
    }
}

// C tile (mr×nr at c, row stride ldc) = (init ? bias|0 : C) + A_panel · B_panel over kc.
// Every tile starts its accumulators from that base (bias, 0 or the C tile; a partial edge tile
// through a padded copy), so each element is its base plus its K products added in order, the
// scalar twin's order: the result does not depend on where the tiles and the M blocks fall, so a
// row's output is the same bits whether it is computed alone or in a batch (the trainer's passes,
// Trainer::slice_gradients). For a full tile the epilogue is only stores: −1 to −1.5 % GEMM time
// at K = 64, where the epilogue weighs against only 64 multiply-adds.
void micro_kernel(std::size_t kc, const float* __restrict pa, const float* __restrict pb, float* c,
                  std::size_t ldc, std::size_t mr, std::size_t nr, bool init, const float* bias) {
    vf acc[MR][NV];
    const bool full = mr == MR && nr == NR;
    alignas(kAlignBytes) float tmp[MR][NR];
    if (!full) {
        for (std::size_t i = 0; i < MR; ++i)
            for (std::size_t j = 0; j < NR; ++j)
                tmp[i][j] = i >= mr || j >= nr ? 0.0f : init ? (bias ? bias[j] : 0.0f) : c[i * ldc + j];
        for (std::size_t i = 0; i < MR; ++i)
            for (std::size_t v = 0; v < NV; ++v) acc[i][v] = vf::load_aligned(&tmp[i][v * W]);
    } else if (!init) {
#pragma GCC unroll 16
        for (std::size_t i = 0; i < MR; ++i)
#pragma GCC unroll 16
            for (std::size_t v = 0; v < NV; ++v) acc[i][v] = vf::load_unaligned(c + i * ldc + v * W);
    } else if (bias) {
#pragma GCC unroll 16
        for (std::size_t v = 0; v < NV; ++v) {
            const vf bv = vf::load_unaligned(bias + v * W);
#pragma GCC unroll 16
            for (std::size_t i = 0; i < MR; ++i) acc[i][v] = bv;
        }
    } else {
#pragma GCC unroll 16
        for (std::size_t i = 0; i < MR; ++i)
#pragma GCC unroll 16
            for (std::size_t v = 0; v < NV; ++v) acc[i][v] = vf(0.0f);
    }

    for (std::size_t k = 0; k < kc; ++k) {
        vf b[NV];
#pragma GCC unroll 16
        for (std::size_t v = 0; v < NV; ++v) b[v] = vf::load_aligned(pb + v * W);
#pragma GCC unroll 16
        for (std::size_t i = 0; i < MR; ++i) {
            const vf ai = AW == 1 ? vf(pa[i]) : vf::load_aligned(pa + i * AW);
#pragma GCC unroll 16
            for (std::size_t v = 0; v < NV; ++v) acc[i][v] = acc[i][v] + ai * b[v];
        }
        pa += MR * AW;
        pb += NR;
    }

    if (full) {
#pragma GCC unroll 16
        for (std::size_t i = 0; i < MR; ++i)
#pragma GCC unroll 16
            for (std::size_t v = 0; v < NV; ++v) acc[i][v].store_unaligned(c + i * ldc + v * W);
        return;
    }
    for (std::size_t i = 0; i < MR; ++i)
        for (std::size_t v = 0; v < NV; ++v) acc[i][v].store_aligned(&tmp[i][v * W]);
    for (std::size_t i = 0; i < mr; ++i)
        for (std::size_t j = 0; j < nr; ++j) c[i * ldc + j] = tmp[i][j];
}

// C[M,N] (row stride ldc) = or += A[M,K] · B[K,N]; overwrite adds bias[N] (nullable).
void gemm(float* c, std::size_t ldc, View a, View b, std::size_t M, std::size_t N, std::size_t K,
          bool overwrite, const float* bias) {
    if (M == 0 || N == 0) return;
    if (K == 0) {  // empty sum: out = bias (overwrite) or unchanged (accumulate)
        if (overwrite)
            for (std::size_t m = 0; m < M; ++m)
                for (std::size_t n = 0; n < N; ++n) c[m * ldc + n] = bias ? bias[n] : 0.0f;
        return;
    }
    Scratch& s = scratch();
    const std::size_t n_panels = (N + NR - 1) / NR;
    const std::size_t kc_max = std::min(KC, K);
    float* pb = grow(s.b, n_panels * NR * kc_max);
    float* pa = grow(s.a, ((std::min(MC, M) + MR - 1) / MR) * MR * AW * kc_max);

    for (std::size_t k0 = 0; k0 < K; k0 += KC) {
        const std::size_t kc = std::min(KC, K - k0);
        const bool init = overwrite && k0 == 0;
        pack_b(pb, b, k0, kc, N);
        for (std::size_t m0 = 0; m0 < M; m0 += MC) {
            const std::size_t mc = std::min(MC, M - m0);
            pack_a(pa, a, m0, mc, k0, kc);
            for (std::size_t p = 0; p < n_panels; ++p) {
                const std::size_t n0 = p * NR;
                const std::size_t nr = std::min(NR, N - n0);
                const float* bp = pb + p * kc * NR;
                const float* bias_p = bias ? bias + n0 : nullptr;
                for (std::size_t g = 0; g < mc; g += MR) {
                    micro_kernel(kc, pa + (g / MR) * kc * MR * AW, bp, c + (m0 + g) * ldc + n0, ldc,
                                 std::min(MR, mc - g), nr, init, bias_p);
                }
            }
        }
    }
}

}  // namespace

void f32_matmul_forward(float* out, const float* inp, const float* weight, const float* bias,
                        std::size_t BT, std::size_t C, std::size_t OC) {
    // A = inp [BT,C] row-major; B(k=c, n=o) = weight[o*C + c].
    gemm(out, OC, View{inp, C, 1}, View{weight, 1, C}, BT, OC, C, true, bias);
}

void f32_matmul_backward(float* dinp, float* dweight, float* dbias, const float* dout,
                         const float* inp, const float* weight,
                         std::size_t BT, std::size_t C, std::size_t OC) {
    // dinp = dout · weight: A = dout [BT,OC], B = weight [OC,C] row-major.
    gemm(dinp, C, View{dout, OC, 1}, View{weight, C, 1}, BT, C, OC, true, nullptr);
    // dweight += doutᵀ · inp: A(o, bt) = dout[bt*OC + o], B = inp [BT,C] row-major.
    gemm(dweight, C, View{dout, 1, OC}, View{inp, C, 1}, OC, C, BT, false, nullptr);
    if (!dbias) return;
    // dbias += column sums of dout, 4 vectors of columns at a time held in registers. Each sum
    // starts from dbias and adds the rows in order (the twin's order): summing the batch in
    // passes of a few rows then gives the same bits as one pass over all of it.
    std::size_t o = 0;
    for (; o + 4 * W <= OC; o += 4 * W) {
        vf s0 = vf::load_unaligned(dbias + o), s1 = vf::load_unaligned(dbias + o + W);
        vf s2 = vf::load_unaligned(dbias + o + 2 * W), s3 = vf::load_unaligned(dbias + o + 3 * W);
        for (std::size_t bt = 0; bt < BT; ++bt) {
            const float* g = dout + bt * OC + o;
            s0 = s0 + vf::load_unaligned(g);
            s1 = s1 + vf::load_unaligned(g + W);
            s2 = s2 + vf::load_unaligned(g + 2 * W);
            s3 = s3 + vf::load_unaligned(g + 3 * W);
        }
        s0.store_unaligned(dbias + o);
        s1.store_unaligned(dbias + o + W);
        s2.store_unaligned(dbias + o + 2 * W);
        s3.store_unaligned(dbias + o + 3 * W);
    }
    for (; o + W <= OC; o += W) {
        vf s = vf::load_unaligned(dbias + o);
        for (std::size_t bt = 0; bt < BT; ++bt) s = s + vf::load_unaligned(dout + bt * OC + o);
        s.store_unaligned(dbias + o);
    }
    for (; o < OC; ++o) {
        float s = dbias[o];
        for (std::size_t bt = 0; bt < BT; ++bt) s += dout[bt * OC + o];
        dbias[o] = s;
    }
}

}  // namespace lab::simd
