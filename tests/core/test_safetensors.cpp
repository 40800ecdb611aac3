// safetensors reader/writer: round trip, byte layout, and every rejection path of the reader.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "io/safetensors.hpp"
#include "util/error.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;

// A file from a raw header string (not padded) and data bytes.
Bytes make_file(const std::string& header, const Bytes& data = {}, std::uint64_t header_len = UINT64_MAX) {
    if (header_len == UINT64_MAX) header_len = header.size();
    Bytes out(8);
    for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(header_len >> (8 * i));
    out.insert(out.end(), header.begin(), header.end());
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

// Parsing must throw lab::Error whose single-line message contains every fragment.
void expect_rejected(const Bytes& bytes, std::initializer_list<const char*> fragments) {
    try {
        lab::SafetensorsFile::parse(bytes.data(), bytes.size());
        ADD_FAILURE() << "parse accepted the file";
    } catch (const lab::Error& e) {
        const std::string msg = e.what();
        EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
        for (const char* f : fragments) EXPECT_NE(msg.find(f), std::string::npos) << "'" << f << "' not in: " << msg;
    }
}

std::string entry(const std::string& name, const std::string& dtype, const std::string& shape,
                  const std::string& offsets) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
}

Bytes small_file() {
    const float a[6] = {1.5f, -2.0f, 0.0f, -0.0f, 3.25f, 1e-42f};
    const float b[2] = {7.0f, std::numeric_limits<float>::infinity()};
    return lab::safetensors_write({{"a", {2, 3}, a}, {"b", {2}, b}}, {{"k", "v"}});
}

}  // namespace

TEST(Safetensors, RoundTripIsBitExact) {
    float a[6], b[4];
    for (int i = 0; i < 6; ++i) a[i] = std::ldexp(static_cast<float>(i) - 2.3f, i * 7 - 20);
    a[5] = -0.0f;
    b[0] = std::numeric_limits<float>::denorm_min();
    b[1] = std::numeric_limits<float>::infinity();
    b[2] = std::numeric_limits<float>::quiet_NaN();
    b[3] = std::numeric_limits<float>::max();
    const std::map<std::string, std::string> meta = {{"config", "{\"x\":1}"}, {"note", "é ✓"}, {"empty", ""}};
    const Bytes bytes = lab::safetensors_write({{"w.a", {2, 3}, a}, {"w.b", {4}, b}, {"z", {0, 5}, nullptr}}, meta);

    const auto f = lab::SafetensorsFile::parse(bytes.data(), bytes.size());
    EXPECT_EQ(f.metadata(), meta);
    EXPECT_EQ(f.names(), (std::vector<std::string>{"w.a", "w.b", "z"}));
    EXPECT_TRUE(f.has("w.a"));
    EXPECT_FALSE(f.has("nope"));
    EXPECT_EQ(f.shape("w.a"), (std::vector<std::size_t>{2, 3}));
    EXPECT_EQ(f.shape("z"), (std::vector<std::size_t>{0, 5}));
    float ra[6], rb[4];
    f.read_f32("w.a", ra, 6);
    f.read_f32("w.b", rb, 4);
    f.read_f32("z", nullptr, 0);
    EXPECT_EQ(std::memcmp(a, ra, sizeof a), 0);
    EXPECT_EQ(std::memcmp(b, rb, sizeof b), 0);
}

TEST(Safetensors, ByteLayoutMatchesTheFormat) {
    const float a[2] = {1.0f, -2.0f};
    const Bytes bytes = lab::safetensors_write({{"b", {2}, a}, {"a", {1, 1}, a}}, {{"k", "v"}});
    std::uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= std::uint64_t{bytes[i]} << (8 * i);
    ASSERT_EQ(n % 8, 0u) << "header is padded to a multiple of 8";
    ASSERT_EQ(bytes.size(), 8 + n + 12);
    const std::string header(bytes.begin() + 8, bytes.begin() + 8 + static_cast<std::ptrdiff_t>(n));
    EXPECT_EQ(header.find_last_not_of(' '), header.find_last_of('}'));
    const auto j = nlohmann::json::parse(header);
    EXPECT_EQ(j["__metadata__"], nlohmann::json({{"k", "v"}}));
    EXPECT_EQ(j["b"]["dtype"], "F32");
    EXPECT_EQ(j["b"]["shape"], nlohmann::json({2}));
    EXPECT_EQ(j["b"]["data_offsets"], nlohmann::json({0, 8}));  // given order
    EXPECT_EQ(j["a"]["data_offsets"], nlohmann::json({8, 12}));
    // 1.0f little-endian is 00 00 80 3f.
    const std::uint8_t* d = bytes.data() + 8 + n;
    EXPECT_EQ(d[0], 0x00);
    EXPECT_EQ(d[2], 0x80);
    EXPECT_EQ(d[3], 0x3f);
}

TEST(Safetensors, EmptyMetadataIsOmittedAndAbsentMetadataReadsEmpty) {
    const Bytes bytes = lab::safetensors_write({}, {});
    const auto f = lab::SafetensorsFile::parse(bytes.data(), bytes.size());
    EXPECT_TRUE(f.metadata().empty());
    EXPECT_TRUE(f.names().empty());
}

TEST(Safetensors, WriterRejectsBadInput) {
    const float a[1] = {1.0f};
    EXPECT_THROW(lab::safetensors_write({{"x", {1}, a}, {"x", {1}, a}}, {}), lab::Error);
    EXPECT_THROW(lab::safetensors_write({{"__metadata__", {1}, a}}, {}), lab::Error);
    EXPECT_THROW(lab::safetensors_write({{"x", {1}, nullptr}}, {}), lab::Error);
    EXPECT_THROW(lab::safetensors_write({{"x", {SIZE_MAX / 2, 4}, a}}, {}), lab::Error);
    EXPECT_THROW(lab::safetensors_write({}, {{"k", std::string("\xff\xfe", 2)}}), lab::Error);
}

TEST(Safetensors, LookupErrorsNameTheTensor) {
    const Bytes bytes = small_file();
    const auto f = lab::SafetensorsFile::parse(bytes.data(), bytes.size());
    try {
        f.shape("missing.weight");
        ADD_FAILURE();
    } catch (const lab::Error& e) {
        EXPECT_NE(std::string(e.what()).find("missing.weight"), std::string::npos);
    }
    float out[5];
    try {
        f.read_f32("a", out, 5);
        ADD_FAILURE();
    } catch (const lab::Error& e) {
        EXPECT_NE(std::string(e.what()).find("'a' has 6 floats"), std::string::npos) << e.what();
    }
}

TEST(Safetensors, EveryTruncationIsRejected) {
    const Bytes bytes = small_file();
    for (std::size_t k = 0; k < bytes.size(); ++k)
        EXPECT_THROW(lab::SafetensorsFile::parse(bytes.data(), k), lab::Error) << "length " << k;
    EXPECT_THROW(lab::SafetensorsFile::parse(nullptr, 0), lab::Error);
    EXPECT_NO_THROW(lab::SafetensorsFile::parse(bytes.data(), bytes.size()));
}

TEST(Safetensors, RejectsBadHeaderLength) {
    expect_rejected(Bytes{1, 2, 3}, {"too short", "3 bytes"});
    expect_rejected(make_file("{}", {}, 100), {"100", "10 bytes"});  // past the end: both numbers
    expect_rejected(make_file("{}", {}, std::uint64_t{1} << 40), {"1099511627776", "limit"});
}

TEST(Safetensors, RejectsHeaderThatIsNotAJsonObject) {
    expect_rejected(make_file("{\"a\": nope}"), {"is not valid JSON (syntax error at byte"});
    expect_rejected(make_file(""), {"is not valid JSON (syntax error at byte"});
    expect_rejected(make_file("{\"a\":{}} trailing"), {"is not valid JSON (syntax error at byte"});
    expect_rejected(make_file("{\"__metadata__\":{\"k\":\"\xff\"}}"), {"is not valid JSON (syntax error at byte"});
    expect_rejected(make_file("[1,2]"), {"must be a JSON object", "array"});
}

TEST(Safetensors, RejectsBadMetadata) {
    expect_rejected(make_file("{\"__metadata__\":[\"x\"]}"), {"__metadata__ must be an object"});
    expect_rejected(make_file("{\"__metadata__\":{\"step\":3}}"), {"__metadata__", "'step'", "string"});
}

TEST(Safetensors, RejectsBadEntries) {
    const Bytes data(8, 0);
    expect_rejected(make_file("{\"w\":[1]}", data), {"'w'", "must be a JSON object"});
    expect_rejected(make_file("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", data), {"'w'", "dtype"});
    expect_rejected(make_file("{" + entry("w", "F16", "[4]", "[0,8]") + "}", data),
                    {"tensor 'w' has dtype F16; only F32 is supported"});
    expect_rejected(make_file("{" + entry("w", "F32", "[-2]", "[0,8]") + "}", data), {"'w'", "shape"});
    expect_rejected(make_file("{" + entry("w", "F32", "[2.0]", "[0,8]") + "}", data), {"'w'", "shape"});
    expect_rejected(make_file("{" + entry("w", "F32", "\"2\"", "[0,8]") + "}", data), {"'w'", "shape"});
    expect_rejected(make_file("{" + entry("w", "F32", "[4294967296,4294967296,4294967296]", "[0,8]") + "}", data),
                    {"'w'", "too many elements"});
    expect_rejected(make_file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", data), {"'w'", "data_offsets"});
    expect_rejected(make_file("{" + entry("w", "F32", "[2]", "[0,8,8]") + "}", data), {"'w'", "data_offsets"});
    expect_rejected(make_file("{" + entry("w", "F32", "[2]", "[0,-8]") + "}", data), {"'w'", "data_offsets"});
}

TEST(Safetensors, RejectsBadOffsets) {
    const Bytes data(16, 0);
    expect_rejected(make_file("{" + entry("w", "F32", "[0]", "[8,4]") + "}", data), {"'w'", "begin is after end"});
    expect_rejected(make_file("{" + entry("w", "F32", "[4]", "[8,24]") + "}", data),
                    {"'w'", "end 24 is past the end of the data (16 bytes)"});
    expect_rejected(make_file("{" + entry("w", "F32", "[3]", "[0,8]") + "}", data), {"'w'", "[3]", "cover 8 bytes"});
    expect_rejected(make_file("{" + entry("w", "F32", "[3]", "[0,12]") + "," + entry("u", "F32", "[2]", "[8,16]") + "}", data),
                    {"'w'", "'u'", "overlap"});
    expect_rejected(make_file("{" + entry("w", "F32", "[2]", "[0,8]") + "," + entry("u", "F32", "[2]", "[0,8]") + "}", data),
                    {"overlap"});
    // Gaps are tolerated; unknown entry keys are ignored.
    const Bytes ok = make_file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16],\"x\":1}}", data);
    EXPECT_NO_THROW(lab::SafetensorsFile::parse(ok.data(), ok.size()));
}

// Nesting n arrays deep: "[[[...]]]".
std::string nested(std::size_t n) { return std::string(n, '[') + std::string(n, ']'); }

TEST(Safetensors, RejectsDeepNestingBeforeParsing) {
    // 200,000 nested arrays overflowed the (1 MB) wasm stack in the parser.
    const std::string deep = "{\"w\":{\"dtype\":\"F32\",\"shape\":" + nested(200000) + ",\"data_offsets\":[0,0]}}";
    expect_rejected(make_file(deep), {"safetensors header JSON nests deeper than 64 levels"});
    expect_rejected(make_file("{\"w\":" + std::string(100000, '{')), {"nests deeper than 64 levels"});
    // The outer object and the entry are 2 levels: a shape of 62 nested arrays is 64 (the limit,
    // so the shape's own check speaks), 63 is one too many.
    const auto with_shape = [](const std::string& shape) {
        return make_file("{" + entry("w", "F32", shape, "[0,0]") + "}");
    };
    expect_rejected(with_shape(nested(62)), {"'w' shape must be an array of non-negative integers"});
    expect_rejected(with_shape(nested(63)), {"nests deeper than 64 levels"});
    // Brackets inside strings are text, not nesting.
    const std::string brackets(1000, '[');
    const Bytes ok = make_file("{\"__metadata__\":{\"k\":\"" + brackets + "\\\"" + brackets + "\"}}");
    const auto f = lab::SafetensorsFile::parse(ok.data(), ok.size());
    EXPECT_EQ(f.metadata().at("k"), brackets + "\"" + brackets);
}

TEST(Safetensors, RejectsANameGivenTwice) {
    const Bytes data(8, 0);
    // The JSON library would silently keep the last entry.
    expect_rejected(make_file("{" + entry("x", "F32", "[2]", "[0,8]") + "," + entry("x", "F32", "[1]", "[0,4]") + "}", data),
                    {"safetensors header names tensor 'x' twice"});
    expect_rejected(make_file("{\"x\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", data),
                    {"safetensors header names key 'dtype' twice"});
    expect_rejected(make_file("{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}}"), {"names key 'k' twice"});
    expect_rejected(make_file("{\"__metadata__\":{},\"__metadata__\":{}}"), {"names tensor '__metadata__' twice"});
    // The same key in different objects is fine.
    const Bytes ok = make_file("{" + entry("x", "F32", "[1]", "[0,4]") + "," + entry("y", "F32", "[1]", "[4,8]") + "}", data);
    EXPECT_EQ(lab::SafetensorsFile::parse(ok.data(), ok.size()).names(), (std::vector<std::string>{"x", "y"}));
}

TEST(Safetensors, MessagesStayOnOneLine) {
    expect_rejected(make_file("{" + entry("bad\\nname", "F16", "[2]", "[0,8]") + "}", Bytes(8, 0)),
                    {"'bad?name'", "F16"});
}
