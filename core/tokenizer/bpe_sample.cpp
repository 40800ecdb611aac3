// The text a BPE tokenizer learns its merges from when the training text is large. Merges are the
// statistics of frequent adjacent pairs: a few megabytes spread evenly over a book show them as
// well as the whole book does, in a fraction of the time (learning merges on 50 MB took ~20 s in
// the browser). The sample is kBpeSamplePieces pieces cut at line breaks, evenly spaced, plus one
// line with every distinct character of the whole text, so each of them still gets a base token
// (a character seen once adds no pair that could be merged: merges need a pair seen twice).
#include "tokenizer/bpe_sample.hpp"

#include <algorithm>
#include <vector>

#include "tokenizer/utf8.hpp"

namespace lab {

namespace {
constexpr std::size_t kBpeSamplePieces = 64;

// The first line start at or after `pos` (or text.size()).
std::size_t line_start(const std::string& text, std::size_t pos) {
    if (pos == 0 || pos >= text.size()) return pos >= text.size() ? text.size() : 0;
    const std::size_t nl = text.find('\n', pos - 1);
    return nl == std::string::npos ? text.size() : nl + 1;
}
}  // namespace

std::size_t bpe_sample_bytes(std::size_t text_bytes) { return text_bytes > kBpeSampleBytes ? kBpeSampleBytes : 0; }

std::string bpe_sample(const std::string& text) {
    if (bpe_sample_bytes(text.size()) == 0) return text;
    utf8::check(text);
    const std::size_t piece = kBpeSampleBytes / kBpeSamplePieces;
    const std::size_t stride = text.size() / kBpeSamplePieces;
    std::string sample;
    sample.reserve(kBpeSampleBytes + 4096);
    for (std::size_t i = 0; i < kBpeSamplePieces; ++i) {
        const std::size_t begin = line_start(text, i * stride);
        std::size_t end = line_start(text, begin + piece);
        if (end - begin > 2 * piece) {  // a text without line breaks: cut, but never inside a character
            end = std::min(text.size(), begin + piece);
            while (end < text.size() && end > begin && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
        }
        if (begin < end) sample.append(text, begin, end - begin);
        if (sample.empty() || sample.back() != '\n') sample.push_back('\n');
    }
    std::vector<bool> seen(0x110000);
    std::size_t pos = 0;
    while (pos < text.size()) {
        const char32_t c = utf8::next(text, pos);
        if (!seen[c]) {
            seen[c] = true;
            utf8::append(sample, c);
        }
    }
    return sample;
}

}  // namespace lab
