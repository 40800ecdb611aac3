#include "tokenizer/utf8.hpp"

#include <cstdio>

#include "util/error.hpp"

namespace lab::utf8 {

std::size_t find_invalid(const std::string& text) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char b0 = s[i];
        if (b0 < 0x80) {  // ASCII fast path
            ++i;
            continue;
        }
        // Table 3-7: the allowed range of the second byte depends on the first byte.
        std::size_t len = 0;
        unsigned char lo = 0x80, hi = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            len = 2;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            len = 3;
            if (b0 == 0xE0) lo = 0xA0;  // no overlong forms
            if (b0 == 0xED) hi = 0x9F;  // no surrogates
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            len = 4;
            if (b0 == 0xF0) lo = 0x90;  // no overlong forms
            if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
        } else {
            return i;  // continuation byte, overlong lead C0/C1, or F5..FF
        }
        if (i + 1 >= n || s[i + 1] < lo || s[i + 1] > hi) return i;
        for (std::size_t k = 2; k < len; ++k) {
            if (i + k >= n || s[i + k] < 0x80 || s[i + k] > 0xBF) return i;
        }
        i += len;
    }
    return n;
}

void check(const std::string& text, const char* what) {
    const std::size_t bad = find_invalid(text);
    if (bad == text.size()) return;
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned>(static_cast<unsigned char>(text[bad])));
    fail(what, " is not valid UTF-8 at byte ", bad, " (", hex, ")");
}

std::size_t count(const std::string& text) {
    std::size_t n = 0;
    for (const char c : text) {
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // count every non-continuation byte
    }
    return n;
}

void append(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::string encode(char32_t cp) {
    std::string s;
    append(s, cp);
    return s;
}

std::string code_point_name(char32_t cp) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
    return buf;
}

namespace {

// Characters that show nothing (or confuse a terminal) when printed on their own.
bool is_invisible(char32_t c) {
    if (c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD) return true;   // C0, DEL, C1, NBSP, SHY
    if (c >= 0x300 && c <= 0x36F) return true;                            // combining marks alone
    if (c == 0x34F || c == 0x61C || c == 0x115F || c == 0x1160 || c == 0x1680 || c == 0x17B4 ||
        c == 0x17B5 || c == 0x3164 || c == 0xFEFF || c == 0xFFA0)
        return true;
    if (c >= 0x180B && c <= 0x180F) return true;                          // Mongolian selectors
    if (c >= 0x2000 && c <= 0x200F) return true;                          // spaces, ZW*, LRM/RLM
    if (c >= 0x2028 && c <= 0x202F) return true;                          // separators, bidi
    if (c >= 0x205F && c <= 0x206F) return true;                          // invisible operators
    if (c == 0x3000) return true;                                         // ideographic space
    if (c >= 0xD800 && c <= 0xF8FF) return true;                          // surrogates, private use
    if (c >= 0xFDD0 && c <= 0xFDEF) return true;                          // noncharacters
    if (c >= 0xFE00 && c <= 0xFE0F) return true;                          // variation selectors
    if (c >= 0xFFF0 && c <= 0xFFFB) return true;                          // specials
    if ((c & 0xFFFE) == 0xFFFE) return true;                              // U+xxFFFE, U+xxFFFF
    if (c >= 0xE0000) return true;                                        // tags, selectors, PUA
    return false;
}

}  // namespace

std::string describe(char32_t cp) {
    if (cp > 0x10FFFF || is_invisible(cp)) return code_point_name(cp);
    std::string s = "'";
    append(s, cp);
    s += "' (";
    s += code_point_name(cp);
    s += ')';
    return s;
}

std::string quote(const std::string& s, std::size_t max_chars) {
    if (!is_valid(s)) return "(" + std::to_string(s.size()) + " bytes of invalid UTF-8)";
    std::string out = "\"";
    std::size_t pos = 0, chars = 0;
    while (pos < s.size()) {
        if (chars == max_chars) {
            out += "...";
            break;
        }
        const char32_t c = next(s, pos);
        ++chars;
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == ' ') {
            out += ' ';
        } else if (is_invisible(c)) {
            char buf[16];
            if (c < 0x10000) {
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
            } else {  // JSON spelling of a supplementary code point: a surrogate pair
                const char32_t v = c - 0x10000;
                std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", static_cast<unsigned>(0xD800 + (v >> 10)),
                              static_cast<unsigned>(0xDC00 + (v & 0x3FF)));
            }
            out += buf;
        } else {
            append(out, c);
        }
    }
    out += '"';
    return out;
}

}  // namespace lab::utf8
