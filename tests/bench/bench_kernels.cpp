// Kernel throughput, scalar twin vs xsimd, on the model's linear-layer shapes.
//   ./lab_bench --benchmark_filter=Matmul        GFLOP/s: forward 2·BT·C·OC, backward 4·BT·C·OC
//   ./lab_bench --benchmark_filter=VectorOps     elements/s of the element-wise kernels
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "kernels/matmul.hpp"
#include "kernels/vector_ops.hpp"
#include "util/rng.hpp"

namespace {

std::vector<float> random_vec(std::size_t n, lab::Rng& rng) {
    std::vector<float> v(n);
    for (auto& x : v) x = 2.0f * rng.uniform() - 1.0f;
    return v;
}

using ForwardFn = void (*)(float*, const float*, const float*, const float*, std::size_t,
                           std::size_t, std::size_t);
using BackwardFn = void (*)(float*, float*, float*, const float*, const float*, const float*,
                            std::size_t, std::size_t, std::size_t);

template <ForwardFn F>
void BM_MatmulForward(benchmark::State& state) {
    const auto BT = static_cast<std::size_t>(state.range(0));
    const auto C = static_cast<std::size_t>(state.range(1));
    const auto OC = static_cast<std::size_t>(state.range(2));
    lab::Rng rng(1);
    const auto inp = random_vec(BT * C, rng), weight = random_vec(OC * C, rng),
               bias = random_vec(OC, rng);
    std::vector<float> out(BT * OC);
    for (auto _ : state) {
        F(out.data(), inp.data(), weight.data(), bias.data(), BT, C, OC);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.counters["GFLOP/s"] = benchmark::Counter(2.0 * BT * C * OC * 1e-9,
                                                   benchmark::Counter::kIsIterationInvariantRate);
}

template <BackwardFn F>
void BM_MatmulBackward(benchmark::State& state) {
    const auto BT = static_cast<std::size_t>(state.range(0));
    const auto C = static_cast<std::size_t>(state.range(1));
    const auto OC = static_cast<std::size_t>(state.range(2));
    lab::Rng rng(2);
    const auto inp = random_vec(BT * C, rng), weight = random_vec(OC * C, rng),
               dout = random_vec(BT * OC, rng);
    std::vector<float> dinp(BT * C), dweight(OC * C), dbias(OC);
    for (auto _ : state) {
        F(dinp.data(), dweight.data(), dbias.data(), dout.data(), inp.data(), weight.data(), BT, C,
          OC);
        benchmark::DoNotOptimize(dinp.data());
        benchmark::DoNotOptimize(dweight.data());
        benchmark::ClobberMemory();
    }
    state.counters["GFLOP/s"] = benchmark::Counter(4.0 * BT * C * OC * 1e-9,
                                                   benchmark::Counter::kIsIterationInvariantRate);
}

// BT = B·T = 1024; OC ∈ {C (attn proj), 3C (qkv), 4C (mlp fc), V = 65 (char vocab lm_head)}.
void matmul_shapes(benchmark::internal::Benchmark* b) {
    b->ArgNames({"BT", "C", "OC"});
    for (long C : {64L, 128L})
        for (long OC : {C, 3 * C, 4 * C, 65L}) b->Args({1024, C, OC});
    b->Unit(benchmark::kMicrosecond);
}

BENCHMARK_TEMPLATE(BM_MatmulForward, lab::scalar::f32_matmul_forward)->Apply(matmul_shapes);
BENCHMARK_TEMPLATE(BM_MatmulForward, lab::simd::f32_matmul_forward)->Apply(matmul_shapes);
BENCHMARK_TEMPLATE(BM_MatmulBackward, lab::scalar::f32_matmul_backward)->Apply(matmul_shapes);
BENCHMARK_TEMPLATE(BM_MatmulBackward, lab::simd::f32_matmul_backward)->Apply(matmul_shapes);

// ---- element-wise kernels (n = 1024·4·128: the MLP activation of B·T = 1024, C = 128) ----

constexpr long kVectorN = 1024 * 4 * 128;

template <decltype(&lab::f32_gelu_forward) F>
void BM_VectorOpsGeluForward(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    lab::Rng rng(3);
    const auto x = random_vec(n, rng);
    std::vector<float> y(n);
    for (auto _ : state) {
        F(y.data(), x.data(), n);
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<long>(state.iterations()) * state.range(0));
}

template <decltype(&lab::f32_gelu_backward) F>
void BM_VectorOpsGeluBackward(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    lab::Rng rng(4);
    const auto x = random_vec(n, rng), g = random_vec(n, rng);
    std::vector<float> d(n), y(n);
    lab::f32_gelu_forward(y.data(), x.data(), n);
    for (auto _ : state) {
        F(d.data(), x.data(), y.data(), g.data(), n);
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<long>(state.iterations()) * state.range(0));
}

template <decltype(&lab::f32_adamw_update) F>
void BM_VectorOpsAdamw(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    lab::Rng rng(5);
    auto p = random_vec(n, rng), g = random_vec(n, rng);
    std::vector<float> m(n), v(n);
    for (auto _ : state) {
        F(p.data(), m.data(), v.data(), p.data(), m.data(), v.data(), g.data(), n, 1e-3f, 0.9f, 0.95f,
          0.1f, 0.05f, 1e-8f, 0.1f);
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<long>(state.iterations()) * state.range(0));
}

template <decltype(&lab::f32_sum_squares) F>
void BM_VectorOpsSumSquares(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    lab::Rng rng(6);
    const auto x = random_vec(n, rng);
    for (auto _ : state) benchmark::DoNotOptimize(F(x.data(), n));
    state.SetItemsProcessed(static_cast<long>(state.iterations()) * state.range(0));
}

BENCHMARK_TEMPLATE(BM_VectorOpsGeluForward, lab::scalar::f32_gelu_forward)->Arg(kVectorN);
BENCHMARK_TEMPLATE(BM_VectorOpsGeluForward, lab::simd::f32_gelu_forward)->Arg(kVectorN);
BENCHMARK_TEMPLATE(BM_VectorOpsGeluBackward, lab::scalar::f32_gelu_backward)->Arg(kVectorN);
BENCHMARK_TEMPLATE(BM_VectorOpsGeluBackward, lab::simd::f32_gelu_backward)->Arg(kVectorN);
BENCHMARK_TEMPLATE(BM_VectorOpsAdamw, lab::scalar::f32_adamw_update)->Arg(kVectorN);
BENCHMARK_TEMPLATE(BM_VectorOpsAdamw, lab::simd::f32_adamw_update)->Arg(kVectorN);
BENCHMARK_TEMPLATE(BM_VectorOpsSumSquares, lab::scalar::f32_sum_squares)->Arg(kVectorN);
BENCHMARK_TEMPLATE(BM_VectorOpsSumSquares, lab::simd::f32_sum_squares)->Arg(kVectorN);

}  // namespace
