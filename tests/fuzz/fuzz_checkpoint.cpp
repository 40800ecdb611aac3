// libFuzzer target: checkpoint_read must reject any bytes with lab::Error — never crash, hang, leak
// or allocate more than the input justifies.
//   cmake -S . -B build-fuzz -DLAB_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ && cmake --build build-fuzz --target fuzz_checkpoint
//   ./build-fuzz/fuzz_checkpoint -max_len=65536 -rss_limit_mb=1024 tests/fuzz/corpus/checkpoint
// Seeds (tests/fuzz/corpus/checkpoint/*.bin, kept in the repo):
// a tiny model with optimizer moments, a nanoGPT-shaped file with lm_head.weight, a file missing a tensor.
#include <cstddef>
#include <cstdint>

#include "model/checkpoint.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const lab::Checkpoint ck = lab::checkpoint_read(data, size);
        // An accepted file must round-trip.
        const auto bytes = lab::checkpoint_write(ck);
        (void)lab::checkpoint_read(bytes.data(), bytes.size());
    } catch (const lab::Error&) {
    }
    return 0;
}
