#include "model/tensor_names.hpp"

namespace lab {

std::vector<NamedTensor> named_tensors(const ParamLayout& layout, const GPTConfig& cfg) {
    std::vector<NamedTensor> out;
    auto whole = [&](ParamKind k) {
        const ParamSlot& s = layout.slots[k];
        if (s.present) out.push_back({s.torch_name, s.offset, s.size, s.shape, k, 0});
    };
    whole(P_WTE);
    whole(P_WPE);
    for (std::size_t l = 0; l < cfg.n_layer; ++l) {
        for (std::size_t k = kFirstLayerKind; k <= kLastLayerKind; ++k) {
            const ParamSlot& s = layout.slots[k];
            if (!s.present) continue;
            std::vector<std::size_t> shape(s.shape.begin() + 1, s.shape.end());
            const auto kind = static_cast<ParamKind>(k);
            out.push_back({"transformer.h." + std::to_string(l) + "." + s.torch_name, layout.offset(kind, l),
                           layout.layer_size(kind), shape, kind, l});
        }
    }
    whole(P_LNFW);
    whole(P_LNFB);
    return out;
}

}  // namespace lab
