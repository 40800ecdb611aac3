// Tokenizer <-> JSON (the "tokenizer" entry of checkpoint metadata). from_json trusts nothing:
// every field is checked and the first problem is reported in one line.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "io/json.hpp"
#include "tokenizer/tokenizer.hpp"
#include "tokenizer/utf8.hpp"
#include "util/error.hpp"

namespace lab {

std::string Tokenizer::to_json() const {
    JsonObjectWriter j;
    j.add("type", type_).add("vocab", vocab_);
    if (type_ == "bpe") {
        auto merges = nlohmann::json::array();
        for (const auto& m : merges_) merges.push_back({m.first, m.second});
        j.add("merges", merges);
    }
    return j.str();
}

namespace {

// Reads an integer token id; anything else (float, string, huge) is reported as not an id.
bool read_id(const nlohmann::json& v, std::int64_t& id) {
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(Tokenizer::max_vocab)) {
            id = static_cast<std::int64_t>(Tokenizer::max_vocab) + 1;  // out of range either way
        } else {
            id = static_cast<std::int64_t>(u);
        }
        return true;
    }
    if (v.is_number_integer()) {
        const auto s = v.get<std::int64_t>();
        id = s < -1 ? -1 : s;  // negative: out of range either way
        return true;
    }
    return false;
}

// JSON text of a value for a message: ASCII only (so cutting it keeps it valid UTF-8), short,
// and never deeper than one level (nested arrays and objects are shown as [...] and {...}).
std::string short_dump(const nlohmann::json& v) {
    if (v.is_array() || v.is_object()) {
        std::string s = v.is_array() ? "[" : "{";
        std::size_t i = 0;
        for (auto it = v.begin(); it != v.end() && s.size() < 60; ++it, ++i) {
            if (i > 0) s += ", ";
            if (v.is_object()) s += nlohmann::json(it.key()).dump(-1, ' ', true) + ": ";
            s += it->is_array() ? "[...]" : it->is_object() ? "{...}" : short_dump(*it);
        }
        if (i < v.size()) s += ", ...";
        return s + (v.is_array() ? "]" : "}");
    }
    std::string s = v.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
    if (s.size() > 60) s = s.substr(0, 57) + "...";
    return s;
}

std::string describe_value(const nlohmann::json& v) {
    if (v.is_string()) return "the string " + utf8::quote(v.get_ref<const std::string&>());
    if (v.is_number()) return "the number " + short_dump(v);
    return std::string(v.is_null() ? "null" : v.is_boolean() ? (v.get<bool>() ? "true" : "false")
                       : v.is_array() ? "an array" : v.is_object() ? "an object" : "a binary value");
}

}  // namespace

Tokenizer Tokenizer::from_json(const std::string& json) {
    const std::string where = "tokenizer JSON";
    utf8::check(json, "tokenizer JSON");
    const nlohmann::json j = parse_json(json, "tokenizer");
    if (!j.is_object()) {
        fail(where, " must be an object like {\"type\":\"char\",\"vocab\":[...]}, got ", describe_value(j));
    }
    // type
    const auto t = j.find("type");
    if (t == j.end()) fail(where, " has no \"type\"; allowed types are \"char\" and \"bpe\"");
    if (!t->is_string()) fail("tokenizer \"type\" must be the string \"char\" or \"bpe\", got ", describe_value(*t));
    if (*t != "char" && *t != "bpe") {
        fail("tokenizer type ", utf8::quote(t->get_ref<const std::string&>()),
             " is unknown; allowed types are \"char\" and \"bpe\"");
    }
    const std::string type = t->get<std::string>();
    const bool bpe = type == "bpe";
    for (const auto& item : j.items()) {
        const std::string& key = item.key();
        if (key != "type" && key != "vocab" && !(bpe && key == "merges")) {
            fail(where, " has an unknown key ", utf8::quote(key), "; a ", type, " tokenizer has only ",
                 bpe ? "\"type\", \"vocab\" and \"merges\"" : "\"type\" and \"vocab\"");
        }
    }
    // vocab
    const auto v = j.find("vocab");
    if (v == j.end()) fail(where, " has no \"vocab\" (the array of token strings, index = token id)");
    if (!v->is_array()) fail("tokenizer vocab must be an array of token strings, got ", describe_value(*v));
    if (v->empty()) fail("tokenizer vocab is empty; it needs at least 1 token");
    if (v->size() > max_vocab) {
        fail("tokenizer vocab has ", v->size(), " tokens; at most ", max_vocab, " are allowed");
    }
    // merges (bpe)
    nlohmann::json no_merges = nlohmann::json::array();
    const nlohmann::json* m = &no_merges;
    if (bpe) {
        const auto mi = j.find("merges");
        if (mi == j.end()) fail(where, " of type \"bpe\" has no \"merges\" (an array of [left_id, right_id] pairs)");
        if (!mi->is_array()) fail("tokenizer merges must be an array of [left_id, right_id] pairs, got ",
                                  describe_value(*mi));
        m = &*mi;
    }
    if (m->size() >= v->size()) {
        fail("tokenizer has ", m->size(), " merges but only ", v->size(),
             " vocab entries; the vocab lists the base characters first, then one token per merge");
    }
    const std::size_t n_base = v->size() - m->size();

    std::vector<std::string> vocab;
    vocab.reserve(v->size());
    std::unordered_map<std::string, std::size_t> seen;
    seen.reserve(v->size());
    for (std::size_t id = 0; id < v->size(); ++id) {
        const auto& e = (*v)[id];
        if (!e.is_string()) fail("tokenizer vocab entry ", id, " must be a string, got ", describe_value(e));
        const std::string& s = e.get_ref<const std::string&>();
        utf8::check(s, ("tokenizer vocab entry " + std::to_string(id)).c_str());
        if (s.empty()) fail("tokenizer vocab entry ", id, " is empty; every token has at least one character");
        if (id < n_base && utf8::count(s) != 1) {
            if (bpe) {
                fail("tokenizer vocab entry ", id, " ", utf8::quote(s), " must be exactly one character: entries 0 to ",
                     n_base - 1, " are the base characters (the ", m->size(), " merged tokens come after them)");
            }
            fail("tokenizer vocab entry ", id, " ", utf8::quote(s),
                 " must be exactly one character in a char tokenizer");
        }
        const auto [it, inserted] = seen.emplace(s, id);
        if (!inserted) {
            fail("tokenizer vocab entries ", it->second, " and ", id, " are both ", utf8::quote(s),
                 "; tokens must be unique");
        }
        vocab.push_back(s);
    }

    std::vector<Merge> merges;
    merges.reserve(m->size());
    for (std::size_t i = 0; i < m->size(); ++i) {
        const auto& e = (*m)[i];
        const std::size_t made = n_base + i;  // the id this merge creates
        std::int64_t left = 0, right = 0;
        if (!e.is_array() || e.size() != 2 || !read_id(e[0], left) || !read_id(e[1], right)) {
            fail("tokenizer merge ", i, " must be a pair of integer token ids like [12, 7], got ",
                 e.is_array() ? short_dump(e) : describe_value(e));
        }
        for (const std::int64_t id : {left, right}) {
            if (id < 0 || static_cast<std::size_t>(id) >= made) {
                fail("tokenizer merge ", i, " refers to token id ", short_dump(e[id == left ? 0 : 1]),
                     "; it may only join tokens that exist before it (ids 0 to ", made - 1, ")");
            }
        }
        const std::string& l = vocab[static_cast<std::size_t>(left)];
        const std::string& r = vocab[static_cast<std::size_t>(right)];
        if (vocab[made].size() != l.size() + r.size() || vocab[made].compare(0, l.size(), l) != 0 ||
            vocab[made].compare(l.size(), r.size(), r) != 0) {
            fail("tokenizer merge ", i, " joins ", utf8::quote(l), " and ", utf8::quote(r), " but vocab entry ",
                 made, " is ", utf8::quote(vocab[made]), "; it must be their concatenation");
        }
        merges.emplace_back(static_cast<std::int32_t>(left), static_cast<std::int32_t>(right));
    }
    return Tokenizer(type, std::move(vocab), n_base, std::move(merges));
}

}  // namespace lab
