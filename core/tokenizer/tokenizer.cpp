// Tokenizer construction, char training, encode and decode. BPE training: bpe_train.cpp;
// JSON: tokenizer_json.cpp.
#include "tokenizer/tokenizer.hpp"

#include <algorithm>
#include <string_view>

#include "tokenizer/pretokenize.hpp"
#include "tokenizer/utf8.hpp"
#include "util/error.hpp"

namespace lab {

Tokenizer::Tokenizer() { ascii_id_.fill(-1); }

Tokenizer::Tokenizer(std::string type, std::vector<std::string> vocab, std::size_t n_base, std::vector<Merge> merges)
    : type_(std::move(type)), vocab_(std::move(vocab)), n_base_(n_base), merges_(std::move(merges)) {
    ascii_id_.fill(-1);
    for (std::size_t id = 0; id < n_base_; ++id) {
        std::size_t pos = 0;
        const char32_t c = utf8::next(vocab_[id], pos);
        if (c < 0x80) {
            ascii_id_[c] = static_cast<std::int32_t>(id);
        } else {
            char_id_.emplace(c, static_cast<std::int32_t>(id));
        }
    }
    merge_id_.reserve(merges_.size());
    for (std::size_t i = 0; i < merges_.size(); ++i) {
        merge_id_.emplace(pair_key(merges_[i].first, merges_[i].second), static_cast<std::int32_t>(n_base_ + i));
    }
}

std::vector<std::string> Tokenizer::training_chars(const std::string& text) {
    utf8::check(text);
    const std::size_t n_chars = utf8::count(text);
    if (n_chars == 0) fail("text is empty: paste at least 2 characters");
    if (n_chars < 2) fail("text has only 1 character: paste at least 2 characters");
    std::vector<bool> seen(0x110000);  // one bit per code point
    std::vector<char32_t> distinct;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const char32_t c = utf8::next(text, pos);
        if (!seen[c]) {
            seen[c] = true;
            distinct.push_back(c);
        }
    }
    if (distinct.size() > max_vocab) {
        fail("text has ", distinct.size(), " distinct characters; at most ", max_vocab, " are allowed");
    }
    std::sort(distinct.begin(), distinct.end());
    std::vector<std::string> chars;
    chars.reserve(distinct.size());
    for (const char32_t c : distinct) chars.push_back(utf8::encode(c));
    return chars;
}

Tokenizer Tokenizer::train_char(const std::string& text) {
    std::vector<std::string> chars = training_chars(text);
    const std::size_t n = chars.size();
    return Tokenizer("char", std::move(chars), n, {});
}

std::int32_t Tokenizer::char_id(char32_t c, std::size_t position) const {
    if (c < 0x80) {
        if (ascii_id_[c] >= 0) return ascii_id_[c];
    } else {
        const auto it = char_id_.find(c);
        if (it != char_id_.end()) return it->second;
    }
    fail("character ", utf8::describe(c), " at position ", position, " is not in the tokenizer's vocabulary of ",
         n_base_, " characters");
}

struct Tokenizer::Scratch {
    struct Candidate {  // a mergeable adjacent pair: the left symbol and the id it would merge into
        std::int32_t merged;
        std::uint32_t left;
        bool operator>(const Candidate& o) const {
            return merged != o.merged ? merged > o.merged : left > o.left;
        }
    };
    std::vector<std::int32_t> sym;    // symbol ids; -1 once merged into its left neighbour
    std::vector<std::uint32_t> next;  // linked list over live symbols (index sym.size() = end)
    std::vector<std::uint32_t> prev;
    std::vector<Candidate> heap;
};

void Tokenizer::encode_chunk(const std::string& text, std::size_t begin, std::size_t end, std::size_t char_begin,
                             Scratch& s, std::vector<std::int32_t>& out) const {
    s.sym.clear();
    std::size_t pos = begin, position = char_begin;
    while (pos < end) s.sym.push_back(char_id(utf8::next(text, pos), position++));
    const auto n = static_cast<std::uint32_t>(s.sym.size());
    if (n < 2 || merges_.empty()) {
        out.insert(out.end(), s.sym.begin(), s.sym.end());
        return;
    }
    // GPT-2 BPE: repeatedly apply the lowest-rank merge (= lowest merged id) present, leftmost
    // first. A min-heap of candidate pairs makes this O(n log n) even for a very long chunk.
    s.next.resize(n);
    s.prev.resize(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        s.next[i] = i + 1;
        s.prev[i] = i == 0 ? n : i - 1;
    }
    s.heap.clear();
    const auto greater = std::greater<Scratch::Candidate>();
    auto consider = [&](std::uint32_t i) {  // pair (i, next[i])
        if (i >= n || s.next[i] >= n) return;
        const auto it = merge_id_.find(pair_key(s.sym[i], s.sym[s.next[i]]));
        if (it == merge_id_.end()) return;
        s.heap.push_back({it->second, i});
        std::push_heap(s.heap.begin(), s.heap.end(), greater);
    };
    for (std::uint32_t i = 0; i + 1 < n; ++i) consider(i);
    while (!s.heap.empty()) {
        std::pop_heap(s.heap.begin(), s.heap.end(), greater);
        const Scratch::Candidate c = s.heap.back();
        s.heap.pop_back();
        const std::uint32_t i = c.left;
        if (s.sym[i] < 0) continue;  // merged away since this candidate was pushed
        const std::uint32_t j = s.next[i];
        if (j >= n) continue;
        const Merge& m = merges_[static_cast<std::size_t>(c.merged) - n_base_];
        if (s.sym[i] != m.first || s.sym[j] != m.second) continue;  // stale candidate
        s.sym[i] = c.merged;
        s.sym[j] = -1;
        s.next[i] = s.next[j];
        if (s.next[j] < n) s.prev[s.next[j]] = i;
        consider(s.prev[i]);
        consider(i);
    }
    for (std::uint32_t i = 0; i < n; i = s.next[i]) out.push_back(s.sym[i]);
}

std::vector<std::int32_t> Tokenizer::encode(const std::string& text) const {
    utf8::check(text);
    std::vector<std::int32_t> out;
    if (merges_.empty()) {  // char tokenizer (or BPE without merges): one id per character
        out.reserve(text.size());
        std::size_t pos = 0, position = 0;
        while (pos < text.size()) out.push_back(char_id(utf8::next(text, pos), position++));
        return out;
    }
    out.reserve(text.size() / 3 + 16);
    Scratch scratch;
    // Natural text repeats its words: remember the ids of short chunks seen in this call.
    struct Span {
        std::size_t offset, length;
    };
    std::unordered_map<std::string_view, Span> cache;
    std::vector<std::int32_t> cached_ids;
    constexpr std::size_t max_cached_bytes = 64, max_cache_entries = 1u << 16;
    const std::string_view all(text);
    for_each_chunk(text, [&](std::size_t begin, std::size_t end, std::size_t char_begin) {
        const bool cacheable = end - begin <= max_cached_bytes;
        const std::string_view key = all.substr(begin, end - begin);
        if (cacheable) {
            const auto it = cache.find(key);
            if (it != cache.end()) {
                const auto first = cached_ids.begin() + static_cast<std::ptrdiff_t>(it->second.offset);
                out.insert(out.end(), first, first + static_cast<std::ptrdiff_t>(it->second.length));
                return;
            }
        }
        const std::size_t start = out.size();
        encode_chunk(text, begin, end, char_begin, scratch, out);
        if (cacheable && cache.size() < max_cache_entries) {
            cache.emplace(key, Span{cached_ids.size(), out.size() - start});
            cached_ids.insert(cached_ids.end(), out.begin() + static_cast<std::ptrdiff_t>(start), out.end());
        }
    });
    return out;
}

std::string Tokenizer::token_text(std::int32_t id) const {
    if (id < 0 || static_cast<std::size_t>(id) >= vocab_.size()) {
        if (vocab_.empty()) fail("token id ", id, " is out of range: the tokenizer is empty (train or load one first)");
        fail("token id ", id, " is out of range: the vocabulary has ", vocab_.size(), " tokens (ids 0 to ",
             vocab_.size() - 1, ")");
    }
    return vocab_[static_cast<std::size_t>(id)];
}

std::string Tokenizer::decode(const std::vector<std::int32_t>& ids) const {
    std::string out;
    out.reserve(ids.size() * (merges_.empty() ? 1 : 4));
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const std::int32_t id = ids[i];
        if (id < 0 || static_cast<std::size_t>(id) >= vocab_.size()) {
            if (vocab_.empty()) fail("token id ", id, " at position ", i, " is out of range: the tokenizer is empty");
            fail("token id ", id, " at position ", i, " is out of range: the vocabulary has ", vocab_.size(),
                 " tokens (ids 0 to ", vocab_.size() - 1, ")");
        }
        out += vocab_[static_cast<std::size_t>(id)];
    }
    return out;
}

}  // namespace lab
