// libFuzzer target for the tokenizers: arbitrary bytes must give either a result or a lab::Error,
// never a crash, a hang, or a broken round trip.
//   first byte: mode (low 2 bits) and a vocab_size offset (high 6 bits); the rest is the input.
//   mode 0: train_char + encode/decode round trip + JSON round trip
//   mode 1: train_bpe  + encode/decode round trip + JSON round trip
//   mode 2: from_json on the input, then encode/decode with the loaded tokenizer
//   mode 3: encode the input with a fixed BPE tokenizer; decode the input read as ids
// Build: cmake -S . -B build-fuzz -DLAB_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ && cmake --build build-fuzz
// Run:   ./build-fuzz/fuzz_tokenizer tests/fuzz/corpus/tokenizer
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.hpp"
#include "tokenizer/utf8.hpp"
#include "util/error.hpp"

namespace {

void check(bool ok) {
    if (!ok) __builtin_trap();  // a broken invariant: let the fuzzer report it
}

void round_trip(const lab::Tokenizer& t, const std::string& text) {
    std::vector<std::int32_t> ids;
    try {
        ids = t.encode(text);
    } catch (const lab::Error&) {
        return;  // characters outside the vocabulary or invalid UTF-8
    }
    for (const auto id : ids) check(id >= 0 && static_cast<std::size_t>(id) < t.vocab_size());
    check(t.decode(ids) == text);
}

void json_round_trip(const lab::Tokenizer& t) {
    const std::string json = t.to_json();
    check(lab::utf8::is_valid(json));
    const lab::Tokenizer u = lab::Tokenizer::from_json(json);  // must never throw
    check(u.to_json() == json);
    check(u.type() == t.type() && u.vocab() == t.vocab());
}

const lab::Tokenizer& fixed_bpe() {
    static const lab::Tokenizer t = lab::Tokenizer::train_bpe(
        "The capital of France is Paris. Les élèves 日本語 🙂\n\t{\"a\": [1, 2]} The capital! The cat sat.", 120);
    return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const unsigned mode = data[0] & 3u, extra = data[0] >> 2;
    const std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
    try {
        if (mode == 0) {
            const lab::Tokenizer t = lab::Tokenizer::train_char(input);
            check(t.type() == "char");
            round_trip(t, input);
            json_round_trip(t);
        } else if (mode == 1) {
            // vocab_size: mostly the base size plus up to 62 merges; extra == 63 asks for too few.
            std::size_t base = 1;
            try {
                base = lab::Tokenizer::train_char(input).vocab_size();
            } catch (const lab::Error&) {
            }
            const std::size_t vocab_size = extra == 63 ? base / 2 : base + extra;
            const lab::Tokenizer t = lab::Tokenizer::train_bpe(input, vocab_size);
            check(t.type() == "bpe" && t.vocab_size() <= vocab_size);
            round_trip(t, input);
            json_round_trip(t);
        } else if (mode == 2) {
            const lab::Tokenizer t = lab::Tokenizer::from_json(input);
            json_round_trip(t);
            std::string all;
            for (const auto& s : t.vocab()) all += s;
            round_trip(t, all);
        } else {
            round_trip(fixed_bpe(), input);
            std::vector<std::int32_t> ids(input.size() / 4);
            if (!ids.empty()) std::memcpy(ids.data(), input.data(), ids.size() * 4);
            try {
                check(lab::utf8::is_valid(fixed_bpe().decode(ids)));
            } catch (const lab::Error&) {
            }
        }
    } catch (const lab::Error& e) {
        check(lab::utf8::is_valid(e.what()));
        check(std::strchr(e.what(), '\n') == nullptr);
    }
    return 0;
}
