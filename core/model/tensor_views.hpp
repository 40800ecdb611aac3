// xtensor at the edges: a named tensor of a flat buffer (parameters, gradients or a moment) as an
// xtensor view with its PyTorch shape, sharing the buffer's memory. For tests, tools and
// initialisation code — hot loops use raw pointers.
#pragma once
#include <vector>

#include <xtensor/xadapt.hpp>

#include "model/tensor_names.hpp"

namespace lab {

inline auto tensor_view(std::vector<float>& buffer, const NamedTensor& t) {
    return xt::adapt(buffer.data() + t.offset, t.size, xt::no_ownership(), t.shape);
}

inline auto tensor_view(const std::vector<float>& buffer, const NamedTensor& t) {
    return xt::adapt(buffer.data() + t.offset, t.size, xt::no_ownership(), t.shape);
}

}  // namespace lab
