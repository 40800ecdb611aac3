#include "io/safetensors.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "io/json.hpp"
#include "util/error.hpp"

namespace lab {

// Floats are copied with memcpy, so the host must store them as IEEE-754 little-endian, as the
// format does (x86 and wasm both do).
static_assert(sizeof(float) == kF32Bytes && std::numeric_limits<float>::is_iec559, "need IEEE-754 float");
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__)
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors I/O needs a little-endian host");
#endif

namespace {

using json = nlohmann::json;

// Headers of real checkpoints are kilobytes (a BPE tokenizer: a few MB); the reference
// implementation uses the same limit.
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;
constexpr const char* kMetadataKey = "__metadata__";

void check_little_endian() {
    const std::uint32_t one = 1;
    std::uint8_t first = 0;
    std::memcpy(&first, &one, 1);
    if (first != 1) fail("safetensors I/O needs a little-endian host");
}

const char* type_name(const json& v) { return v.type_name(); }

// Number of floats in shape, or fail naming the tensor when it can't be represented in bytes.
std::size_t checked_count(const std::string& name, const std::vector<std::size_t>& shape) {
    std::size_t count = 1;
    const std::size_t max_count = std::numeric_limits<std::size_t>::max() / kF32Bytes;
    for (std::size_t d : shape) {
        if (d != 0 && count > max_count / d)
            fail("tensor ", quote_name(name), " shape ", shape_str(shape), " has too many elements");
        count *= d;
    }
    return count;
}

bool is_uint(const json& v) { return v.is_number_unsigned(); }

// Untrusted text for a one-line message: control characters replaced, long text shortened.
std::string printable(const std::string& text) {
    constexpr std::size_t kMax = 80;
    std::string s;
    for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
        const unsigned char ch = static_cast<unsigned char>(text[i]);
        s += (ch < 0x20 || ch == 0x7f) ? '?' : static_cast<char>(ch);
    }
    if (text.size() > kMax) s += "...";
    return s;
}

}  // namespace

std::string shape_str(const std::vector<std::size_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i) s += ",";
        s += std::to_string(shape[i]);
    }
    return s + "]";
}

std::string quote_name(const std::string& name) { return "'" + printable(name) + "'"; }

std::vector<std::uint8_t> safetensors_write(const std::vector<TensorRef>& tensors,
                                            const std::map<std::string, std::string>& metadata) {
    check_little_endian();
    std::string text;
    std::size_t data_bytes = 0;
    try {
        JsonObjectWriter header;
        if (!metadata.empty()) header.add(kMetadataKey, metadata);
        std::set<std::string> seen;
        for (const TensorRef& t : tensors) {
            if (t.name == kMetadataKey) fail("tensor name ", quote_name(t.name), " is reserved");
            if (!seen.insert(t.name).second) fail("duplicate tensor name ", quote_name(t.name));
            const std::size_t bytes = checked_count(t.name, t.shape) * kF32Bytes;
            if (bytes != 0 && t.data == nullptr) fail("tensor ", quote_name(t.name), " has no data");
            if (bytes > std::numeric_limits<std::size_t>::max() - data_bytes)
                fail("safetensors data is too large at tensor ", quote_name(t.name));
            header.add_raw(t.name, JsonObjectWriter()
                                       .add("dtype", "F32")
                                       .add("shape", t.shape)
                                       .add("data_offsets", {data_bytes, data_bytes + bytes})
                                       .str());
            data_bytes += bytes;
        }
        text = header.str();
    } catch (const nlohmann::json::exception&) {
        fail("safetensors header: a metadata value or tensor name is not valid UTF-8");
    }
    text.append((kSafetensorsAlignment - text.size() % kSafetensorsAlignment) % kSafetensorsAlignment, ' ');

    std::vector<std::uint8_t> out(kSafetensorsLengthBytes + text.size() + data_bytes);
    const std::uint64_t n = text.size();
    for (std::size_t i = 0; i < kSafetensorsLengthBytes; ++i) out[i] = static_cast<std::uint8_t>(n >> (8 * i));
    std::memcpy(out.data() + kSafetensorsLengthBytes, text.data(), text.size());
    std::uint8_t* p = out.data() + kSafetensorsLengthBytes + text.size();
    for (const TensorRef& t : tensors) {
        const std::size_t bytes = checked_count(t.name, t.shape) * kF32Bytes;
        if (bytes) std::memcpy(p, t.data, bytes);
        p += bytes;
    }
    return out;
}

SafetensorsFile SafetensorsFile::parse(const std::uint8_t* bytes, std::size_t n) {
    check_little_endian();
    if (bytes == nullptr) n = 0;
    if (n < kSafetensorsLengthBytes)
        fail("safetensors file is too short: ", n, " bytes; it needs at least ", kSafetensorsLengthBytes,
             " for the header length");
    std::uint64_t header_len = 0;
    for (std::size_t i = 0; i < kSafetensorsLengthBytes; ++i) header_len |= std::uint64_t{bytes[i]} << (8 * i);
    if (header_len > kMaxHeaderBytes)
        fail("safetensors header length ", header_len, " exceeds the limit of ", kMaxHeaderBytes, " bytes");
    const std::uint64_t available = n - kSafetensorsLengthBytes;
    if (header_len > available)
        fail("safetensors header length ", header_len, " runs past the end of the file (", n,
             " bytes, so at most ", available, " header bytes)");
    const std::size_t data_start = kSafetensorsLengthBytes + static_cast<std::size_t>(header_len);
    const std::size_t data_size = n - data_start;

    const char* text = reinterpret_cast<const char*>(bytes + kSafetensorsLengthBytes);
    const json header = parse_json(text, text + header_len, "safetensors header", "tensor");
    if (!header.is_object())
        fail("safetensors header must be a JSON object, got ", type_name(header));

    SafetensorsFile file;
    struct Span { std::uint64_t begin, end; const std::string* name; };
    std::vector<Span> spans;
    for (auto it = header.begin(); it != header.end(); ++it) {
        const std::string& name = it.key();
        const json& v = it.value();
        if (name == kMetadataKey) {
            if (!v.is_object()) fail("safetensors __metadata__ must be an object, got ", type_name(v));
            for (auto m = v.begin(); m != v.end(); ++m) {
                if (!m.value().is_string())
                    fail("safetensors __metadata__ value for ", quote_name(m.key()),
                         " must be a string, got ", type_name(m.value()));
                file.metadata_[m.key()] = m.value().get<std::string>();
            }
            continue;
        }
        const std::string q = quote_name(name);
        if (!v.is_object()) fail("tensor ", q, " entry must be a JSON object, got ", type_name(v));

        auto dtype = v.find("dtype");
        if (dtype == v.end() || !dtype->is_string()) fail("tensor ", q, " has no dtype string");
        const std::string& dt = dtype->get_ref<const std::string&>();
        if (dt != "F32")
            fail("tensor ", q, " has dtype ", printable(dt), "; only F32 is supported");

        auto shape_it = v.find("shape");
        if (shape_it == v.end() || !shape_it->is_array())
            fail("tensor ", q, " shape must be an array of non-negative integers");
        Entry e;
        std::uint64_t count = 1;
        for (const json& d : *shape_it) {
            if (!is_uint(d)) fail("tensor ", q, " shape must be an array of non-negative integers, got ",
                                  printable(shape_it->dump()));
            const std::uint64_t dim = d.get<std::uint64_t>();
            if (dim > std::numeric_limits<std::size_t>::max() ||
                (dim != 0 && count > (std::numeric_limits<std::uint64_t>::max() / kF32Bytes) / dim))
                fail("tensor ", q, " shape ", printable(shape_it->dump()), " has too many elements");
            count *= dim;
            e.shape.push_back(static_cast<std::size_t>(dim));
        }

        auto offs = v.find("data_offsets");
        if (offs == v.end() || !offs->is_array() || offs->size() != 2 || !is_uint((*offs)[0]) ||
            !is_uint((*offs)[1]))
            fail("tensor ", q, " data_offsets must be two non-negative integers [begin, end]");
        const std::uint64_t begin = (*offs)[0].get<std::uint64_t>();
        const std::uint64_t end = (*offs)[1].get<std::uint64_t>();
        if (begin > end) fail("tensor ", q, " data_offsets [", begin, ",", end, "] begin is after end");
        if (end > data_size)
            fail("tensor ", q, " data_offsets end ", end, " is past the end of the data (", data_size, " bytes)");
        if (end - begin != count * kF32Bytes)
            fail("tensor ", q, " has shape ", shape_str(e.shape), " (", count * kF32Bytes, " bytes) but data_offsets [",
                 begin, ",", end, "] cover ", end - begin, " bytes");
        e.begin = static_cast<std::size_t>(begin);
        e.count = static_cast<std::size_t>(count);
        auto inserted = file.tensors_.emplace(name, std::move(e));
        spans.push_back({begin, end, &inserted.first->first});
    }

    // Tensors must not share bytes (gaps are tolerated).
    std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    std::uint64_t used = 0;
    for (std::size_t i = 0; i < spans.size(); ++i) {
        if (i > 0 && spans[i].begin < spans[i - 1].end)
            fail("tensors ", quote_name(*spans[i - 1].name), " and ", quote_name(*spans[i].name),
                 " overlap in the data section");
        used = std::max(used, spans[i].end);
    }
    file.data_.assign(bytes + data_start, bytes + data_start + static_cast<std::size_t>(used));
    return file;
}

std::vector<std::string> SafetensorsFile::names() const {
    std::vector<std::string> out;
    out.reserve(tensors_.size());
    for (const auto& kv : tensors_) out.push_back(kv.first);
    return out;
}

const SafetensorsFile::Entry& SafetensorsFile::entry(const std::string& name) const {
    auto it = tensors_.find(name);
    if (it == tensors_.end()) fail("safetensors file has no tensor ", quote_name(name));
    return it->second;
}

const std::vector<std::size_t>& SafetensorsFile::shape(const std::string& name) const {
    return entry(name).shape;
}

void SafetensorsFile::read_f32(const std::string& name, float* out, std::size_t count) const {
    const Entry& e = entry(name);
    if (count != e.count)
        fail("tensor ", quote_name(name), " has ", e.count, " floats (shape ", shape_str(e.shape),
             "), expected ", count);
    if (count) std::memcpy(out, data_.data() + e.begin, count * kF32Bytes);
}

}  // namespace lab
