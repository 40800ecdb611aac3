// Tokenizers: char and BPE training, encode/decode round trips, errors, JSON forms.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "tokenizer/bpe_sample.hpp"
#include "tokenizer/pretokenize.hpp"
#include "train/trainer.hpp"
#include "tokenizer/tokenizer.hpp"
#include "tokenizer/utf8.hpp"
#include "util/error.hpp"

namespace {

using lab::Tokenizer;
using namespace std::string_literals;

// The message of the lab::Error that fn throws ("" and a test failure if it doesn't throw).
template <typename F>
std::string error_of(F&& fn) {
    try {
        fn();
    } catch (const lab::Error& e) {
        const std::string msg = e.what();
        EXPECT_TRUE(lab::utf8::is_valid(msg)) << msg;
        EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
        return msg;
    }
    ADD_FAILURE() << "expected a lab::Error";
    return "";
}

#define EXPECT_HAS(haystack, needle) EXPECT_NE((haystack).find(needle), std::string::npos) << (haystack)

const std::string kMixed = "Hello, wörld! 🙂 café 日本語\n\ttabs\r\nand NUL\0 ok"s;

std::string repeat(const std::string& s, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

std::vector<std::string> chunks_of(const std::string& text) {
    std::vector<std::string> out;
    lab::for_each_chunk(text, [&](std::size_t b, std::size_t e, std::size_t) { out.push_back(text.substr(b, e - b)); });
    return out;
}

// ---------------------------------------------------------------- UTF-8

TEST(TokenizerUtf8, ValidatesLikeTheStandard) {
    using lab::utf8::find_invalid;
    EXPECT_EQ(find_invalid(""), 0u);
    EXPECT_EQ(find_invalid("abc"), 3u);
    EXPECT_EQ(find_invalid("é🙂日"), std::string("é🙂日").size());
    EXPECT_EQ(find_invalid("ab\xff"), 2u);
    EXPECT_EQ(find_invalid("a\xc0\x80"), 1u);          // overlong NUL
    EXPECT_EQ(find_invalid("\xed\xa0\x80"), 0u);       // surrogate U+D800
    EXPECT_EQ(find_invalid("\xf4\x90\x80\x80"), 0u);   // above U+10FFFF
    EXPECT_EQ(find_invalid("ok\xe6\x97"), 2u);         // truncated 3-byte sequence
    EXPECT_EQ(find_invalid("\x80"), 0u);               // lone continuation byte
    EXPECT_EQ(lab::utf8::encode(0x1F642), "🙂");
    EXPECT_EQ(lab::utf8::describe(0xE9), "'é' (U+00E9)");
    EXPECT_EQ(lab::utf8::describe('\n'), "U+000A");
    EXPECT_EQ(lab::utf8::describe(0), "U+0000");
}

TEST(TokenizerPretokenize, SplitsLikeGpt2) {
    EXPECT_EQ(chunks_of("The capital of France is Paris."),
              (std::vector<std::string>{"The", " capital", " of", " France", " is", " Paris", "."}));
    EXPECT_EQ(chunks_of("Hi!!  you\n\nthere (ok)"),
              (std::vector<std::string>{"Hi", "!!", " ", " you", "\n\n", "there", " (", "ok", ")"}));
    EXPECT_EQ(chunks_of("  "), (std::vector<std::string>{"  "}));
    EXPECT_EQ(chunks_of("été 日本語。"), (std::vector<std::string>{"été", " 日本語", "。"}));
    EXPECT_EQ(chunks_of("\tx"), (std::vector<std::string>{"\t", "x"}));
}

// ---------------------------------------------------------------- char

TEST(TokenizerChar, VocabIsSortedDistinctCodePoints) {
    const Tokenizer t = Tokenizer::train_char("hello world");
    EXPECT_EQ(t.type(), "char");
    ASSERT_EQ(t.vocab_size(), 8u);
    const std::vector<std::string> expected = {" ", "d", "e", "h", "l", "o", "r", "w"};
    for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(t.token_text(static_cast<std::int32_t>(i)), expected[i]);
    EXPECT_EQ(t.encode("hello"), (std::vector<std::int32_t>{3, 2, 4, 4, 5}));
    EXPECT_EQ(t.decode({7, 5, 6, 4, 1}), "world");
}

TEST(TokenizerChar, RoundTripsUnicode) {
    for (const std::string& text : std::vector<std::string>{"🙂", "é", "日本語", "a\nb\tc", "x\0y"s, kMixed}) {
        const std::string training = text + "?";  // at least 2 characters
        const Tokenizer t = Tokenizer::train_char(training);
        EXPECT_EQ(t.decode(t.encode(text)), text);
        EXPECT_EQ(t.encode(text).size(), lab::utf8::count(text));
    }
    const Tokenizer t = Tokenizer::train_char("a🙂é日");
    EXPECT_EQ(t.token_text(3), "🙂");  // code points sort: a < é < 日 < 🙂
    EXPECT_EQ(t.token_text(1), "é");
}

TEST(TokenizerChar, OutOfVocabularyNamesCharAndPosition) {
    const Tokenizer t = Tokenizer::train_char("abcdefghijklmnopqrstuvwxyz ");
    const std::string msg = error_of([&] { t.encode("hello world é"); });
    EXPECT_HAS(msg, "'é' (U+00E9)");
    EXPECT_HAS(msg, "position 12");
    EXPECT_HAS(msg, "27 characters");
    EXPECT_HAS(error_of([&] { t.encode("ab\ncd"); }), "U+000A at position 2");
}

TEST(TokenizerChar, InvalidUtf8NamesByteOffset) {
    const Tokenizer t = Tokenizer::train_char("abc");
    const std::string msg = error_of([&] { t.encode("abcabcabcabcabcab\xff"); });
    EXPECT_HAS(msg, "not valid UTF-8 at byte 17 (0xff)");
    EXPECT_HAS(error_of([] { Tokenizer::train_char("ok\xc3"); }), "at byte 2 (0xc3)");
    EXPECT_HAS(error_of([] { Tokenizer::train_bpe("ok ok \xed\xa0\x80", 10); }), "at byte 6 (0xed)");
}

TEST(TokenizerChar, EmptyOrTinyTextIsAnError) {
    EXPECT_HAS(error_of([] { Tokenizer::train_char(""); }), "text is empty: paste at least 2 characters");
    EXPECT_HAS(error_of([] { Tokenizer::train_bpe("", 10); }), "text is empty");
    EXPECT_HAS(error_of([] { Tokenizer::train_char("🙂"); }), "at least 2 characters");
    EXPECT_EQ(Tokenizer::train_char("aa").vocab_size(), 1u);
}

TEST(TokenizerChar, DecodeRejectsIdsOutOfRange) {
    const Tokenizer t = Tokenizer::train_char("abc");
    const std::string msg = error_of([&] { t.decode({0, 1, 3}); });
    EXPECT_HAS(msg, "token id 3 at position 2");
    EXPECT_HAS(msg, "ids 0 to 2");
    EXPECT_HAS(error_of([&] { t.decode({-1}); }), "token id -1");
    EXPECT_HAS(error_of([&] { t.token_text(99); }), "token id 99");
    EXPECT_EQ(t.decode({}), "");
    EXPECT_TRUE(t.encode("").empty());
}

TEST(TokenizerChar, DefaultConstructedIsEmptyButSafe) {
    const Tokenizer t;
    EXPECT_EQ(t.vocab_size(), 0u);
    EXPECT_TRUE(t.encode("").empty());
    EXPECT_HAS(error_of([&] { t.encode("a"); }), "vocabulary of 0 characters");
    EXPECT_HAS(error_of([&] { t.decode({0}); }), "out of range");
}

// ---------------------------------------------------------------- BPE

const std::string kParis = repeat("The capital of France is Paris. ", 40);

bool has_token(const Tokenizer& t, const std::string& s) {
    for (const auto& v : t.vocab()) {
        if (v == s) return true;
    }
    return false;
}

TEST(TokenizerBpe, LearnsWholeWords) {
    const Tokenizer t = Tokenizer::train_bpe(kParis, 64);
    EXPECT_EQ(t.type(), "bpe");
    EXPECT_LE(t.vocab_size(), 64u);
    EXPECT_TRUE(has_token(t, " Paris"));
    EXPECT_TRUE(has_token(t, " capital"));
    const auto ids = t.encode("The capital of France is Paris.");
    std::vector<std::string> pieces;
    for (const auto id : ids) pieces.push_back(t.token_text(id));
    EXPECT_EQ(pieces, (std::vector<std::string>{"The", " capital", " of", " France", " is", " Paris", "."}));
    EXPECT_EQ(t.decode(ids), "The capital of France is Paris.");
    // Base vocab = sorted distinct characters of the text, as in the char tokenizer.
    const Tokenizer c = Tokenizer::train_char(kParis);
    ASSERT_EQ(t.n_base(), c.vocab_size());
    for (std::size_t i = 0; i < c.vocab_size(); ++i) EXPECT_EQ(t.vocab()[i], c.vocab()[i]);
}

TEST(TokenizerBpe, StopsWhenNoPairRepeats) {
    const Tokenizer t = Tokenizer::train_bpe("abcd abcd", 1000);
    // Merges "ab", "abc", "abcd"; then the only pair left, " " + "abcd", occurs once.
    EXPECT_LT(t.vocab_size(), 1000u);
    EXPECT_EQ(t.encode("abcd abcd").size(), 3u);  // "abcd", " ", "abcd": " abcd" occurs once
}

TEST(TokenizerBpe, TiesBrokenByLowestIds) {
    // "ab" and "cd" both occur twice; ("a","b") has the lower ids, so it is merge 0.
    const Tokenizer t = Tokenizer::train_bpe("cd.ab.cd.ab", 7);
    ASSERT_EQ(t.vocab_size(), 7u);
    EXPECT_EQ(t.vocab()[5], "ab");
    EXPECT_EQ(t.vocab()[6], "cd");
}

TEST(TokenizerBpe, RoundTripsUnicodeAndWhitespace) {
    const std::string text = repeat(kMixed + " Les élèves étudient à Paris. 東京は日本の首都です。🙂🙂  \n\n", 20);
    const Tokenizer t = Tokenizer::train_bpe(text, 300);
    EXPECT_GT(t.vocab_size(), t.n_base());
    const auto ids = t.encode(text);
    EXPECT_LT(ids.size(), lab::utf8::count(text) / 2);
    EXPECT_EQ(t.decode(ids), text);
    for (std::size_t id = 0; id < t.vocab_size(); ++id) {
        EXPECT_TRUE(lab::utf8::is_valid(t.token_text(static_cast<std::int32_t>(id))));
    }
    for (const std::string s : {"🙂", "é", "日本語", "\n", "\t\t", "  Paris  ", ""}) EXPECT_EQ(t.decode(t.encode(s)), s);
}

TEST(TokenizerBpe, EncodeMatchesNaiveGpt2Merging) {
    const std::string text = repeat("aaaa abab aaab baaa ", 8) + repeat("a", 300);
    const Tokenizer t = Tokenizer::train_bpe(text, 40);
    // Reference: per chunk, repeatedly merge every occurrence of the lowest-rank pair.
    auto naive = [&](const std::string& s) {
        std::vector<std::int32_t> out;
        lab::for_each_chunk(s, [&](std::size_t b, std::size_t e, std::size_t) {
            std::vector<std::int32_t> w;  // base ids: a single character is never merged
            for (std::size_t p = b; p < e;) w.push_back(t.encode(lab::utf8::encode(lab::utf8::next(s, p)))[0]);
            for (;;) {
                std::size_t best = SIZE_MAX;
                for (std::size_t i = 0; i + 1 < w.size(); ++i) {
                    for (std::size_t m = 0; m < t.vocab_size() - t.n_base(); ++m) {
                        const std::string merged = t.token_text(w[i]) + t.token_text(w[i + 1]);
                        if (t.vocab()[t.n_base() + m] == merged && m < best) best = m;
                    }
                }
                if (best == SIZE_MAX) break;
                const std::string target = t.vocab()[t.n_base() + best];
                std::vector<std::int32_t> next;
                for (std::size_t i = 0; i < w.size(); ++i) {
                    if (i + 1 < w.size() && t.token_text(w[i]) + t.token_text(w[i + 1]) == target) {
                        next.push_back(static_cast<std::int32_t>(t.n_base() + best));
                        ++i;
                    } else {
                        next.push_back(w[i]);
                    }
                }
                w = next;
            }
            out.insert(out.end(), w.begin(), w.end());
        });
        return out;
    };
    for (const std::string& s : std::vector<std::string>{"aaaa", "aaaaaaa", "abababab aaab", "baaa aaaa", repeat("a", 37), text}) {
        EXPECT_EQ(t.encode(s), naive(s)) << s;
    }
}

TEST(TokenizerBpe, VocabSizeLimits) {
    const std::string msg = error_of([] { Tokenizer::train_bpe("hello world", 3); });
    EXPECT_HAS(msg, "vocab_size 3");
    EXPECT_HAS(msg, "8 distinct characters");
    EXPECT_HAS(msg, "65536");
    EXPECT_HAS(error_of([] { Tokenizer::train_bpe("hello world", 65537); }), "vocab_size 65537");
    const Tokenizer t = Tokenizer::train_bpe("hello world", 8);  // exactly the base characters
    EXPECT_EQ(t.vocab_size(), 8u);
    EXPECT_EQ(t.decode(t.encode("hello")), "hello");
}

TEST(TokenizerBpe, OutOfVocabularyIsTheCharError) {
    const Tokenizer t = Tokenizer::train_bpe(kParis, 64);
    const std::string msg = error_of([&] { t.encode("Paris is fun"); });
    EXPECT_HAS(msg, "character 'u' (U+0075) at position 10");
    EXPECT_HAS(msg, "vocabulary of " + std::to_string(t.n_base()) + " characters");
}

TEST(TokenizerBpe, IsDeterministic) {
    const std::string text = repeat("to be or not to be, that is the question. ", 30);
    EXPECT_EQ(Tokenizer::train_bpe(text, 80).to_json(), Tokenizer::train_bpe(text, 80).to_json());
}

TEST(TokenizerBpe, FastEnoughOnOneMegabyte) {
    std::string text;
    std::uint32_t seed = 12345;
    const std::vector<std::string> words = {"the", "cat", "sat", "on", "mat", "Paris", "is", "a", "capital",
                                            "learning", "tokens", "été", "日本", "model", "loss", "gradient"};
    while (text.size() < (1u << 20)) {
        seed = seed * 1664525u + 1013904223u;
        text += words[(seed >> 16) % words.size()];
        text += (seed >> 8) % 13 == 0 ? ".\n" : " ";
    }
    const auto t0 = std::chrono::steady_clock::now();
    const Tokenizer t = Tokenizer::train_bpe(text, 512);
    const auto t1 = std::chrono::steady_clock::now();
    const auto ids = t.encode(text);
    const auto t2 = std::chrono::steady_clock::now();
    EXPECT_EQ(t.decode(ids), text);
    EXPECT_LT(std::chrono::duration<double>(t1 - t0).count(), 5.0);
    EXPECT_LT(std::chrono::duration<double>(t2 - t1).count(), 1.0);
    // One long chunk (no spaces) must not be quadratic either.
    const std::string long_word = repeat("abcdefghij", 50000);
    const Tokenizer w = Tokenizer::train_bpe(long_word, 200);
    const auto t3 = std::chrono::steady_clock::now();
    EXPECT_EQ(w.decode(w.encode(long_word)), long_word);
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t3).count(), 1.0);
}

// ---------------------------------------------------------------- JSON

TEST(TokenizerJson, CharRoundTrip) {
    const Tokenizer t = Tokenizer::train_char("ab\n\"\\é🙂");
    const std::string json = t.to_json();
    EXPECT_EQ(json.rfind("{\"type\":\"char\",\"vocab\":[\"\\n\",\"\\\"\"", 0), 0u) << json;
    const Tokenizer u = Tokenizer::from_json(json);
    EXPECT_EQ(u.type(), "char");
    EXPECT_EQ(u.vocab(), t.vocab());
    EXPECT_EQ(u.to_json(), json);
    EXPECT_EQ(u.encode("a🙂\n"), t.encode("a🙂\n"));
}

TEST(TokenizerJson, BpeRoundTrip) {
    const Tokenizer t = Tokenizer::train_bpe(kParis + "日本語 🙂🙂", 64);
    const std::string json = t.to_json();
    EXPECT_EQ(json.rfind("{\"type\":\"bpe\",\"vocab\":[", 0), 0u) << json;
    EXPECT_HAS(json, "\"merges\":[[");
    const Tokenizer u = Tokenizer::from_json(json);
    EXPECT_EQ(u.type(), "bpe");
    EXPECT_EQ(u.vocab(), t.vocab());
    EXPECT_EQ(u.n_base(), t.n_base());
    EXPECT_EQ(u.to_json(), json);
    EXPECT_EQ(u.encode(kParis), t.encode(kParis));
}

TEST(TokenizerJson, AcceptsHandWrittenForms) {
    const Tokenizer c = Tokenizer::from_json(R"({"type":"char","vocab":["b","a","\u00e9"]})");
    EXPECT_EQ(c.encode("abé"), (std::vector<std::int32_t>{1, 0, 2}));
    const Tokenizer b = Tokenizer::from_json(R"({"type":"bpe","vocab":["a","b","ab","abb"],"merges":[[0,1],[2,1]]})");
    EXPECT_EQ(b.encode("abbab"), (std::vector<std::int32_t>{3, 2}));
}

TEST(TokenizerJson, RejectsMalformedInput) {
    struct Case {
        const char* json;
        const char* expected;
    };
    const Case cases[] = {
        {"", "not valid JSON"},
        {"{\"type\":", "not valid JSON (syntax error at byte"},
        {"[1,2]", "must be an object"},
        {"{\"vocab\":[\"a\"]}", "has no \"type\""},
        {"{\"type\":\"word\",\"vocab\":[\"a\"]}", "type \"word\" is unknown"},
        {"{\"type\":3,\"vocab\":[\"a\"]}", "got the number 3"},
        {"{\"type\":\"char\"}", "has no \"vocab\""},
        {"{\"type\":\"char\",\"vocab\":\"abc\"}", "vocab must be an array"},
        {"{\"type\":\"char\",\"vocab\":[]}", "vocab is empty"},
        {"{\"type\":\"char\",\"vocab\":[\"a\",7]}", "vocab entry 1 must be a string, got the number 7"},
        {"{\"type\":\"char\",\"vocab\":[\"a\",\"\"]}", "vocab entry 1 is empty"},
        {"{\"type\":\"char\",\"vocab\":[\"a\",\"bc\"]}", "vocab entry 1 \"bc\" must be exactly one character"},
        {"{\"type\":\"char\",\"vocab\":[\"a\",\"b\",\"a\"]}", "entries 0 and 2 are both \"a\""},
        {"{\"type\":\"char\",\"vocab\":[\"a\"],\"merges\":[]}", "unknown key \"merges\""},
        {"{\"type\":\"bpe\",\"vocab\":[\"a\",\"b\"]}", "has no \"merges\""},
        {"{\"type\":\"bpe\",\"vocab\":[\"a\",\"b\",\"ab\"],\"merges\":[[0,1],[0,2],[1,1]]}", "3 merges but only 3 vocab"},
        {"{\"type\":\"bpe\",\"vocab\":[\"a\",\"b\",\"ab\"],\"merges\":[[0,2]]}", "merge 0 refers to token id 2"},
        {"{\"type\":\"bpe\",\"vocab\":[\"a\",\"b\",\"ab\"],\"merges\":[[0,-1]]}", "token id -1"},
        {"{\"type\":\"bpe\",\"vocab\":[\"a\",\"b\",\"ab\"],\"merges\":[[0,1.5]]}", "pair of integer token ids"},
        {"{\"type\":\"bpe\",\"vocab\":[\"a\",\"b\",\"ab\"],\"merges\":[[0]]}", "pair of integer token ids"},
        {"{\"type\":\"bpe\",\"vocab\":[\"a\",\"b\",\"ba\"],\"merges\":[[0,1]]}", "vocab entry 2 is \"ba\""},
        {"{\"type\":\"bpe\",\"vocab\":[\"a\",\"bb\",\"abb\"],\"merges\":[[0,1]]}", "entries 0 to 1 are the base"},
        {"{\"type\":\"bpe\",\"vocab\":[\"a\",\"b\",\"ab\"],\"merges\":[[0,1]],\"extra\":1}", "unknown key \"extra\""},
        {"{\"type\":\"char\",\"vocab\":[\"\xff\"]}", "not valid UTF-8 at byte"},
        {"{\"type\":\"char\",\"vocab\":[\"\\ud800\"]}", "not valid JSON"},
    };
    for (const Case& c : cases) {
        const std::string msg = error_of([&] { Tokenizer::from_json(c.json); });
        EXPECT_HAS(msg, c.expected) << " for " << c.json;
    }
    std::string big = "{\"type\":\"char\",\"vocab\":[";
    for (std::size_t i = 0; i <= Tokenizer::max_vocab; ++i) big += (i ? ",\"" : "\"") + lab::utf8::encode(static_cast<char32_t>(0x10000 + i)) + "\"";
    EXPECT_HAS(error_of([&] { Tokenizer::from_json(big + "]}"); }), "65537 tokens; at most 65536");
    EXPECT_HAS(error_of([] { Tokenizer::from_json(std::string(100000, '[')); }), "tokenizer JSON nests deeper than 64 levels");
    EXPECT_HAS(error_of([] { Tokenizer::from_json("{\"type\":\"char\",\"type\":\"bpe\",\"vocab\":[\"a\"]}"); }),
               "tokenizer names key 'type' twice");
    const std::string deep = std::string(12, '[') + std::string(12, ']');
    EXPECT_HAS(error_of([&] { Tokenizer::from_json("{\"type\":\"bpe\",\"vocab\":[\"a\",\"b\"],\"merges\":[" + deep + "]}"); }),
               "merge 0 must be a pair of integer token ids like [12, 7], got [[...]]");
}

}  // namespace

// A large text learns its BPE merges from an even sample of whole lines, keeping every character.
TEST(BpeSample, SmallTextsAreUsedWholeLargeOnesSampledWithEveryCharacter) {
    EXPECT_EQ(lab::bpe_sample_bytes(lab::kBpeSampleBytes), 0u);
    EXPECT_EQ(lab::bpe_sample_bytes(lab::kBpeSampleBytes + 1), lab::kBpeSampleBytes);
    const std::string small = "the cat sat\non the mat\n";
    EXPECT_EQ(lab::bpe_sample(small), small);

    std::string big;
    while (big.size() <= 3 * lab::kBpeSampleBytes) big += "the quick brown fox jumps over the lazy dog\n";
    big += "\xc3\xa9tude \xe2\x82\xac\n";  // two characters that occur only once, at the very end
    const std::string sample = lab::bpe_sample(big);
    EXPECT_LT(sample.size(), lab::kBpeSampleBytes + 4096);
    EXPECT_GT(sample.size(), lab::kBpeSampleBytes / 2);
    EXPECT_TRUE(lab::utf8::is_valid(sample));
    EXPECT_NE(sample.find("\xc3\xa9"), std::string::npos);
    EXPECT_NE(sample.find("\xe2\x82\xac"), std::string::npos);
    // Whole lines: every sampled piece starts at a line start of the text.
    EXPECT_EQ(sample.rfind("the quick brown fox jumps over the lazy dog\n", 0), 0u);
    // A tokenizer made this way encodes the WHOLE text (no character is missing from its vocabulary).
    lab::TrainerSettings s;
    s.tokenizer = "bpe";
    s.vocab_size = 64;
    const lab::Tokenizer tok = lab::make_tokenizer(big, s);
    EXPECT_EQ(tok.decode(tok.encode(big)), big);
}

TEST(BpeSample, TextWithoutLineBreaksIsCutOnCharacterBoundaries) {
    std::string big;
    while (big.size() <= 2 * lab::kBpeSampleBytes) big += "\xc3\xa9\xe2\x82\xac ab ";
    const std::string sample = lab::bpe_sample(big);
    EXPECT_TRUE(lab::utf8::is_valid(sample));
    EXPECT_LT(sample.size(), lab::kBpeSampleBytes + 4096);
}
