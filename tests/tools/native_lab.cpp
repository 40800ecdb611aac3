// A tiny native twin of the CLI, for tests that cross-check the native and wasm builds:
//   native_lab curve TEXT_FILE STEPS [N_HEAD N_EMBD BLOCK_SIZE]
//                                               → JSON array of the loss of each step (settings as the
//                                                   wasm test uses: see tests/node/native.test.mjs; the
//                                                   optional sizes replace the head count, width, context)
//   native_lab train TEXT_FILE STEPS OUT        → trains, writes OUT (.safetensors)
//   native_lab eval CKPT TEXT_FILE              → {"loss":x}
//   native_lab init TEXT_FILE SEED              → {"fingerprint":".."} of the initial weights
// Exit code 2 and "error: …" on bad input, like the CLI.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "train/trainer.hpp"
#include "util/error.hpp"

namespace {
std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw lab::Error("cannot read " + path);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

lab::TrainerSettings test_settings() {
    lab::TrainerSettings s;
    s.n_layer = 2; s.n_head = 4; s.n_embd = 32; s.block_size = 32; s.batch_size = 8;
    s.optim.lr = 3e-3f;
    s.seed = 7;
    return s;
}
}  // namespace

int main(int argc, char** argv) {
    try {
        const std::vector<std::string> a(argv + 1, argv + argc);
        if ((a.size() == 3 || a.size() == 6) && a[0] == "curve") {
            lab::TrainerSettings s = test_settings();
            if (a.size() == 6) {
                s.n_head = std::stoul(a[3]);
                s.n_embd = std::stoul(a[4]);
                s.block_size = std::stoul(a[5]);
            }
            lab::Trainer t(read_file(a[1]), s);
            const int steps = std::stoi(a[2]);
            std::printf("[");
            for (int i = 0; i < steps; ++i) std::printf("%s%.9g", i ? "," : "", static_cast<double>(t.train_step().loss));
            std::printf("]\n");
            return 0;
        }
        if (a.size() == 4 && a[0] == "train") {
            lab::Trainer t(read_file(a[1]), test_settings());
            const int steps = std::stoi(a[2]);
            for (int i = 0; i < steps; ++i) t.train_step();
            const std::vector<std::uint8_t> bytes = t.save_checkpoint(true);
            std::ofstream(a[3], std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
            std::printf("{\"fingerprint\":\"%s\"}\n", t.fingerprint().c_str());
            return 0;
        }
        if (a.size() == 3 && a[0] == "init") {
            lab::TrainerSettings s = test_settings();
            s.seed = std::stoull(a[2]);
            const lab::Trainer t(read_file(a[1]), s);
            std::printf("{\"fingerprint\":\"%s\"}\n", t.fingerprint().c_str());
            return 0;
        }
        if (a.size() == 3 && a[0] == "eval") {
            const std::string ck = read_file(a[1]);
            lab::Trainer t(reinterpret_cast<const std::uint8_t*>(ck.data()), ck.size(), "", lab::TrainerSettings{});
            const std::string text = read_file(a[2]);
            std::printf("{\"loss\":%.9g,\"fingerprint\":\"%s\"}\n",
                        static_cast<double>(t.evaluate_tokens(t.tokenizer().encode(text))), t.fingerprint().c_str());
            return 0;
        }
        std::fprintf(stderr, "usage: native_lab curve TEXT STEPS | train TEXT STEPS OUT | eval CKPT TEXT | init TEXT SEED\n");
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 2;
    }
}
