// BPE on a large text learns its merges from an even sample of it (see bpe_sample.cpp for why).
#pragma once
#include <cstddef>
#include <string>

namespace lab {

// Texts longer than this (UTF-8 bytes) learn their BPE merges from a sample of about this size.
inline constexpr std::size_t kBpeSampleBytes = 4u << 20;

// Size of the sample BPE learns from for a text of `text_bytes` bytes; 0 = the whole text.
std::size_t bpe_sample_bytes(std::size_t text_bytes);

// The text BPE learns its merges from: `text` itself when small, else evenly spaced whole lines of
// it plus every distinct character of it once. Valid UTF-8 in, valid UTF-8 out.
std::string bpe_sample(const std::string& text);

}  // namespace lab
