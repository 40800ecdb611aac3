// Tokenizers: text (UTF-8) <-> token ids. Two kinds, one class:
//   "char": vocab = the sorted distinct Unicode code points of the training text; id = index.
//   "bpe":  subword byte-pair encoding over code points (not bytes, so every token is valid UTF-8).
//           The first n_base ids are the sorted distinct characters of the training text; merge i
//           joins two earlier tokens into id n_base + i. Merges never cross a pre-tokenizer chunk
//           (see pretokenize.hpp), so tokens look like " Paris", "ing", ".", "\n\n".
// JSON forms (checkpoint metadata "tokenizer"):
//   {"type":"char","vocab":["\n"," ","A",...]}                      index = token id
//   {"type":"bpe","vocab":["\n"," ",...,"th"," the"],"merges":[[l,r],...]}
// Every bad input (invalid UTF-8, a character outside the vocabulary, an id out of range,
// malformed JSON) throws lab::Error with one line naming the value; nothing aborts.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/limits.hpp"

namespace lab {

class Tokenizer {
public:
    static constexpr std::size_t max_vocab = max_size(limits::vocab_size);  // the limits table

    // An empty "char" tokenizer (vocab_size 0): decodes nothing, encodes only "". Train or load one.
    Tokenizer();

    // vocab = sorted distinct code points of text (at least 2 characters, at most 65536 distinct).
    static Tokenizer train_char(const std::string& text);
    // Learns merges on text until vocab_size tokens exist or no adjacent pair occurs twice (so the
    // result may be smaller: check vocab_size()). vocab_size must be between the number of distinct
    // characters of text and 65536.
    static Tokenizer train_bpe(const std::string& text, std::size_t vocab_size);
    // Parses and validates one of the JSON forms above.
    static Tokenizer from_json(const std::string& json);
    std::string to_json() const;

    std::vector<std::int32_t> encode(const std::string& text) const;
    std::string decode(const std::vector<std::int32_t>& ids) const;
    std::string token_text(std::int32_t id) const;  // the token's UTF-8 string
    std::size_t vocab_size() const { return vocab_.size(); }
    const std::string& type() const { return type_; }  // "char" or "bpe"

    const std::vector<std::string>& vocab() const { return vocab_; }  // index = token id
    std::size_t n_base() const { return n_base_; }  // the first n_base tokens are single characters

private:
    using Merge = std::pair<std::int32_t, std::int32_t>;
    // Takes validated parts and builds the lookup tables.
    Tokenizer(std::string type, std::vector<std::string> vocab, std::size_t n_base, std::vector<Merge> merges);

    // Validates a training text (UTF-8, >= 2 characters) and returns its sorted distinct
    // characters as UTF-8 strings (at most max_vocab).
    static std::vector<std::string> training_chars(const std::string& text);
    static std::uint64_t pair_key(std::int32_t left, std::int32_t right) {
        return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) | static_cast<std::uint32_t>(right);
    }
    // Base id of a character; throws the "not in the tokenizer's vocabulary" error otherwise.
    std::int32_t char_id(char32_t c, std::size_t position) const;
    // Appends the ids of one pre-tokenizer chunk (bytes [begin, end) of valid text).
    struct Scratch;  // buffers reused across chunks (defined in tokenizer.cpp)
    void encode_chunk(const std::string& text, std::size_t begin, std::size_t end, std::size_t char_begin,
                      Scratch& scratch, std::vector<std::int32_t>& out) const;

    std::string type_ = "char";
    std::vector<std::string> vocab_;
    std::size_t n_base_ = 0;
    std::vector<Merge> merges_;
    std::array<std::int32_t, 128> ascii_id_{};           // -1 = not in the vocabulary
    std::unordered_map<char32_t, std::int32_t> char_id_;   // code points >= 128
    std::unordered_map<std::uint64_t, std::int32_t> merge_id_;  // pair_key(l, r) -> merged id
};

}  // namespace lab
