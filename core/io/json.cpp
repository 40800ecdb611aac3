#include "io/json.hpp"

#include <new>
#include <set>
#include <vector>

#include "io/safetensors.hpp"
#include "util/error.hpp"

namespace lab {

std::size_t json_nesting_depth(const char* begin, const char* end, std::size_t limit) {
    std::size_t depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (const char* p = begin; p != end; ++p) {
        const char c = *p;
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > deepest) deepest = depth;
            if (deepest > limit) break;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

nlohmann::json parse_json(const char* begin, const char* end, const std::string& what, const char* top_key) {
    using json = nlohmann::json;
    // A linear scan first: neither the parser nor anything after it ever sees deep nesting.
    if (json_nesting_depth(begin, end, kMaxJsonDepth) > kMaxJsonDepth)
        fail(what, " JSON nests deeper than ", kMaxJsonDepth, " levels");
    // Keys seen so far in each open object (outermost first), to refuse a key given twice.
    std::vector<std::set<std::string>> open;
    const json::parser_callback_t on_event = [&](int, json::parse_event_t event, json& parsed) {
        if (event == json::parse_event_t::object_start) {
            open.emplace_back();
        } else if (event == json::parse_event_t::object_end) {
            if (!open.empty()) open.pop_back();
        } else if (event == json::parse_event_t::key && !open.empty()) {
            const std::string& key = parsed.get_ref<const std::string&>();
            if (!open.back().insert(key).second)
                fail(what, " names ", open.size() == 1 ? top_key : "key", " ", quote_name(key), " twice");
        }
        return true;
    };
    try {
        return json::parse(begin, end, on_event);
    } catch (const json::parse_error& e) {
        fail(what, " is not valid JSON (syntax error at byte ", static_cast<std::size_t>(e.byte), ")");
    } catch (const json::exception&) {
        fail(what, " is not valid JSON");
    } catch (const std::bad_alloc&) {
        fail(what, " (", static_cast<std::size_t>(end - begin), " bytes) is too large to parse");
    }
}

}  // namespace lab
