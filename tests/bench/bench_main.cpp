// Entry point of lab_bench (benchmark_main is not linked): every bench/*.cpp registers into it.
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
