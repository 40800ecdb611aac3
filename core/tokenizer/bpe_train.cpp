// BPE training over code points (Sennrich et al. 2016; GPT-2's pre-tokenization).
//  1. Cut the text into chunks (pretokenize.hpp) and count each distinct chunk once, so a long
//     text costs one pass; merges never cross a chunk boundary.
//  2. Count adjacent pairs over the distinct chunks, weighted by chunk frequency.
//  3. Repeatedly merge the most frequent pair (ties: lowest (left id, right id)) into a new token,
//     updating only the counts next to each merged occurrence, until vocab_size tokens exist or
//     no pair occurs at least twice.
// A max-heap with lazy deletion finds the best pair: counts of existing pairs only ever go down
// (a merge creates adjacencies only with the new token), so a popped entry whose count is stale
// is pushed back with its current count.
#include <algorithm>
#include <limits>
#include <string_view>
#include <unordered_map>

#include "tokenizer/pretokenize.hpp"
#include "tokenizer/tokenizer.hpp"
#include "tokenizer/utf8.hpp"
#include "util/error.hpp"

namespace lab {

namespace {

struct HeapEntry {
    std::int64_t count;
    std::uint64_t pair;
    // Max-heap order: higher count first, then lower pair (= lower left id, then lower right id).
    bool operator<(const HeapEntry& o) const { return count != o.count ? count < o.count : pair > o.pair; }
};

}  // namespace

Tokenizer Tokenizer::train_bpe(const std::string& text, std::size_t vocab_size) {
    std::vector<std::string> vocab = training_chars(text);
    const std::size_t n_base = vocab.size();
    if (vocab_size < n_base || vocab_size > max_vocab) {
        fail("vocab_size ", vocab_size, " is out of range: the text has ", n_base,
             " distinct characters, so vocab_size must be between ", n_base, " and ", max_vocab);
    }
    std::vector<Merge> merges;
    if (vocab_size == n_base) return Tokenizer("bpe", std::move(vocab), n_base, std::move(merges));

    // 1. Distinct chunks and their frequencies (views into text).
    std::unordered_map<std::string_view, std::int64_t> chunk_count;
    const std::string_view all(text);
    for_each_chunk(text, [&](std::size_t begin, std::size_t end, std::size_t) {
        if (end - begin > 1) ++chunk_count[all.substr(begin, end - begin)];  // 1 byte: no pairs
    });
    // Base id of each character (the base vocab is sorted by code point).
    std::unordered_map<char32_t, std::int32_t> base_id;
    for (std::size_t id = 0; id < n_base; ++id) {
        std::size_t pos = 0;
        base_id.emplace(utf8::next(vocab[id], pos), static_cast<std::int32_t>(id));
    }
    std::vector<std::vector<std::int32_t>> words;
    std::vector<std::int64_t> word_count;
    words.reserve(chunk_count.size());
    word_count.reserve(chunk_count.size());
    for (const auto& [chunk, count] : chunk_count) {
        std::vector<std::int32_t> w;
        const std::string s(chunk);
        std::size_t pos = 0;
        while (pos < s.size()) w.push_back(base_id.at(utf8::next(s, pos)));
        if (w.size() < 2) continue;
        words.push_back(std::move(w));
        word_count.push_back(count);
    }
    chunk_count.clear();

    // 2. Pair counts and, per pair, the words that (may) contain it.
    std::unordered_map<std::uint64_t, std::int64_t> pair_count;
    std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> pair_words;
    auto note_word = [&](std::uint64_t p, std::uint32_t w) {
        auto& list = pair_words[p];
        if (list.empty() || list.back() != w) list.push_back(w);
    };
    for (std::uint32_t w = 0; w < words.size(); ++w) {
        const auto& s = words[w];
        for (std::size_t i = 0; i + 1 < s.size(); ++i) {
            const std::uint64_t p = pair_key(s[i], s[i + 1]);
            pair_count[p] += word_count[w];
            note_word(p, w);
        }
    }
    std::vector<HeapEntry> heap;
    heap.reserve(pair_count.size());
    for (const auto& [p, c] : pair_count) heap.push_back({c, p});
    std::make_heap(heap.begin(), heap.end());

    // 3. Merge.
    std::vector<std::uint32_t> visited(words.size(), std::numeric_limits<std::uint32_t>::max());
    std::vector<std::uint64_t> touched;  // pairs with the new token whose count changed
    while (vocab.size() < vocab_size && !heap.empty()) {
        std::pop_heap(heap.begin(), heap.end());
        const HeapEntry top = heap.back();
        heap.pop_back();
        const auto found = pair_count.find(top.pair);
        const std::int64_t current = found == pair_count.end() ? 0 : found->second;
        if (current != top.count) {  // stale: the pair was partly merged away since
            if (current > 0) {
                heap.push_back({current, top.pair});
                std::push_heap(heap.begin(), heap.end());
            }
            continue;
        }
        if (current < 2) break;  // the best pair occurs once: nothing left worth merging

        const auto a = static_cast<std::int32_t>(top.pair >> 32);
        const auto b = static_cast<std::int32_t>(top.pair & 0xFFFFFFFFu);
        const auto n = static_cast<std::int32_t>(vocab.size());
        const auto merge_index = static_cast<std::uint32_t>(merges.size());
        merges.emplace_back(a, b);
        vocab.push_back(vocab[static_cast<std::size_t>(a)] + vocab[static_cast<std::size_t>(b)]);

        std::vector<std::uint32_t> where = std::move(pair_words[top.pair]);
        pair_words.erase(top.pair);
        touched.clear();
        for (const std::uint32_t w : where) {
            if (visited[w] == merge_index) continue;
            visited[w] = merge_index;
            auto& s = words[w];
            const std::int64_t c = word_count[w];
            auto add = [&](std::int32_t l, std::int32_t r, std::int64_t delta) {
                const std::uint64_t p = pair_key(l, r);
                pair_count[p] += delta;
                if (l == n || r == n) {
                    touched.push_back(p);
                    if (delta > 0) note_word(p, w);
                }
            };
            // In place, left to right; j = write index. Each occurrence a b becomes n; its
            // neighbours' pairs move from a/b to n (s[j-1] may already be n: the updates cancel).
            std::size_t i = 0, j = 0;
            const std::size_t len = s.size();
            while (i < len) {
                if (i + 1 < len && s[i] == a && s[i + 1] == b) {
                    if (j > 0) {
                        add(s[j - 1], a, -c);
                        add(s[j - 1], n, c);
                    }
                    if (i + 2 < len) {
                        add(b, s[i + 2], -c);
                        add(n, s[i + 2], c);
                    }
                    s[j++] = n;
                    i += 2;
                } else {
                    s[j++] = s[i++];
                }
            }
            s.resize(j);
        }
        pair_count.erase(top.pair);
        std::sort(touched.begin(), touched.end());
        touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
        for (const std::uint64_t p : touched) {
            const auto it = pair_count.find(p);
            if (it == pair_count.end()) continue;
            if (it->second > 0) {
                heap.push_back({it->second, p});
                std::push_heap(heap.begin(), heap.end());
            } else {
                pair_count.erase(it);
            }
        }
    }
    return Tokenizer("bpe", std::move(vocab), n_base, std::move(merges));
}

}  // namespace lab
