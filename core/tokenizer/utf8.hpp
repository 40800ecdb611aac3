// UTF-8 helpers for the tokenizers: validate, decode, encode, and name a character in a message.
// Well-formed UTF-8 is Unicode's Table 3-7: no overlong forms, no surrogates (U+D800..U+DFFF),
// nothing above U+10FFFF. NUL and control characters are ordinary code points.
#pragma once
#include <cstddef>
#include <string>

namespace lab::utf8 {

// Byte offset of the first byte where the text stops being well-formed UTF-8, or text.size()
// when all of it is valid.
std::size_t find_invalid(const std::string& text);

inline bool is_valid(const std::string& text) { return find_invalid(text) == text.size(); }

// Throws lab::Error "<what> is not valid UTF-8 at byte 17 (0xff)" unless the text is valid.
void check(const std::string& text, const char* what = "text");

// Decodes the code point starting at text[pos] and moves pos past it. The text must already be
// valid (see check); even so this never reads past the end of the string.
inline char32_t next(const std::string& text, std::size_t& pos) {
    const auto b0 = static_cast<unsigned char>(text[pos]);
    if (b0 < 0x80) {
        ++pos;
        return b0;
    }
    const std::size_t len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : 2;
    char32_t cp = b0 & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    std::size_t i = 1;
    for (; i < len && pos + i < text.size(); ++i) {
        cp = (cp << 6) | (static_cast<unsigned char>(text[pos + i]) & 0x3F);
    }
    pos += i;
    return cp;
}

// Number of code points in valid UTF-8 text.
std::size_t count(const std::string& text);

// Appends the UTF-8 form of a code point (which must be <= U+10FFFF and not a surrogate).
void append(std::string& out, char32_t cp);
std::string encode(char32_t cp);

// "U+00E9" (at least four hex digits, upper case).
std::string code_point_name(char32_t cp);

// For messages: "'é' (U+00E9)" for a visible character, "U+000A" for control, format,
// whitespace other than ' ' and other invisible ones. Always printable, valid UTF-8.
std::string describe(char32_t cp);

// For messages: a string shown as a JSON string literal (quotes, escapes for controls), cut to
// max_chars code points with "..." appended. Invalid UTF-8 is shown as its byte count instead.
std::string quote(const std::string& s, std::size_t max_chars = 40);

}  // namespace lab::utf8
