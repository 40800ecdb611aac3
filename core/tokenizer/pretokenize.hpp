// BPE pre-tokenization, GPT-2 style: the text is cut into chunks and merges never cross a chunk
// boundary, so tokens stay inside words. A chunk is one of
//   - a run of letters/digits, with an optional single leading ' '       (" Paris", "42", "été")
//   - a run of other visible characters (punctuation), optional ' ' too (".", " (\"", "...")
//   - a run of whitespace; when it is followed by a word, its last ' ' goes to that word
//     ("\n\n", "  " + " the", "\t")
// Classes are ASCII-level; code points >= 128 count as letters except for common Unicode
// whitespace and punctuation blocks (so "。" and "“" are punctuation, CJK runs are words).
#pragma once
#include <cstddef>
#include <string>

#include "tokenizer/utf8.hpp"

namespace lab {

enum class CharClass { space, word, punct };

inline CharClass char_class(char32_t c) {
    if (c < 0x80) {
        if (c == ' ' || (c >= 0x09 && c <= 0x0D)) return CharClass::space;
        if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return CharClass::word;
        return CharClass::punct;  // other ASCII: punctuation, symbols, other control characters
    }
    if (c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
        c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000)
        return CharClass::space;
    if (c < 0xA0) return CharClass::punct;  // C1 controls
    if (c <= 0xBF && c != 0xAA && c != 0xB2 && c != 0xB3 && c != 0xB5 && c != 0xB9 && c != 0xBA &&
        !(c >= 0xBC && c <= 0xBE))
        return CharClass::punct;  // ¡ « » ° § ¿ ...
    if (c == 0xD7 || c == 0xF7) return CharClass::punct;                     // × ÷
    if ((c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205E)) return CharClass::punct;  // – — “ ” …
    if (c >= 0x3001 && c <= 0x3003) return CharClass::punct;                 // 、 。 〃
    if (c >= 0x3008 && c <= 0x3011) return CharClass::punct;                 // 〈 〉 《 》 「 」 【 】
    if ((c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
        (c >= 0xFF5B && c <= 0xFF65))
        return CharClass::punct;  // fullwidth ！ ， ： ？ ...
    return CharClass::word;
}

// Longer runs are cut every max_chunk_chars characters. Natural words are far shorter; the cap
// keeps BPE training and encoding linear on texts without spaces (CJK, base64, 1 MB of "aaaa").
constexpr std::size_t max_chunk_chars = 64;

// Calls f(byte_begin, byte_end, char_begin) for each chunk of VALID UTF-8 text, in order; the
// chunks tile the text exactly. char_begin is the chunk's first character index.
template <typename F>
void for_each_chunk(const std::string& text, F&& f) {
    const std::size_t n = text.size();
    std::size_t pos = 0, ci = 0;
    // Consumes characters of class k starting at p while the chunk (which started at character
    // index cbegin; c is the next character index) is below the cap; returns the end.
    auto run = [&](std::size_t p, std::size_t& c, std::size_t cbegin, CharClass k) {
        while (p < n && c - cbegin < max_chunk_chars) {
            std::size_t q = p;
            if (char_class(utf8::next(text, q)) != k) break;
            p = q;
            ++c;
        }
        return p;
    };
    while (pos < n) {
        const std::size_t begin = pos, cbegin = ci;
        std::size_t p = pos;
        const char32_t c0 = utf8::next(text, p);
        const CharClass k0 = char_class(c0);
        ++ci;
        if (k0 != CharClass::space) {
            pos = run(p, ci, cbegin, k0);
        } else {
            std::size_t q = p;
            const CharClass k1 = p < n ? char_class(utf8::next(text, q)) : CharClass::space;
            if (c0 == ' ' && k1 != CharClass::space) {  // ' ' + word or ' ' + punctuation
                ++ci;
                pos = run(q, ci, cbegin, k1);
            } else {
                // Whitespace run; when a word follows it and it ends in ' ', that ' ' goes to
                // the word (unless the run is that single ' ', handled above).
                const std::size_t end = run(p, ci, cbegin, CharClass::space);
                std::size_t r = end;
                const bool word_follows = end < n && char_class(utf8::next(text, r)) != CharClass::space;
                if (word_follows && text[end - 1] == ' ' && end - 1 > begin) {
                    pos = end - 1;
                    --ci;
                } else {
                    pos = end;
                }
            }
        }
        f(begin, pos, cbegin);
    }
}

}  // namespace lab
