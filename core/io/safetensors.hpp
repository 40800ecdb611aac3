// safetensors (https://github.com/huggingface/safetensors), F32 only: the checkpoint container.
// Layout: u64 little-endian header length N | N bytes of JSON header | tensor data.
// Header: {"__metadata__": {string: string}, "<name>": {"dtype":"F32","shape":[..],
//          "data_offsets":[begin,end]}, ...}; offsets are bytes relative to the data start.
// The reader validates everything and reports bad input as one lab::Error line — never a crash,
// never an allocation larger than the input.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lab {

// The file starts with the JSON header's length, a little-endian u64.
inline constexpr std::size_t kSafetensorsLengthBytes = 8;
// The writer pads the header with spaces so the tensor data starts at a multiple of 8 bytes, as
// the reference implementation does (readers may then map the floats in place).
inline constexpr std::size_t kSafetensorsAlignment = 8;
// Bytes per value of F32, the one dtype this engine reads and writes.
inline constexpr std::size_t kF32Bytes = 4;

// One tensor to write: product(shape) floats at data (may be null when the product is 0).
struct TensorRef {
    std::string name;
    std::vector<std::size_t> shape;
    const float* data;
};

// Tensors are written in the given order (header and data); the header is padded with spaces to
// a multiple of 8 bytes, as the reference implementation does. Throws lab::Error on a duplicate
// or reserved name, a shape whose size overflows, or metadata that is not valid UTF-8.
std::vector<std::uint8_t> safetensors_write(const std::vector<TensorRef>& tensors,
                                            const std::map<std::string, std::string>& metadata);

class SafetensorsFile {
public:
    // Validates the whole file and copies the data section; the input can be freed afterwards.
    static SafetensorsFile parse(const std::uint8_t* bytes, std::size_t n);

    const std::map<std::string, std::string>& metadata() const { return metadata_; }
    std::vector<std::string> names() const;  // sorted
    bool has(const std::string& name) const { return tensors_.count(name) != 0; }
    const std::vector<std::size_t>& shape(const std::string& name) const;  // error if missing
    // Copies the tensor into out; count must equal product(shape).
    void read_f32(const std::string& name, float* out, std::size_t count) const;

private:
    struct Entry {
        std::vector<std::size_t> shape;
        std::size_t begin = 0;  // byte offset into data_
        std::size_t count = 0;  // floats
    };
    const Entry& entry(const std::string& name) const;

    std::map<std::string, std::string> metadata_;
    std::map<std::string, Entry> tensors_;
    std::vector<std::uint8_t> data_;
};

// "[3,2]" — for error messages.
std::string shape_str(const std::vector<std::size_t>& shape);
// 'name' quoted for an error message: control characters replaced, long names shortened.
std::string quote_name(const std::string& name);

}  // namespace lab
