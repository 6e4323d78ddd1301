#pragma once
// Maps provider / commissioner codes to small dense ids, per worker thread.
// Organisation codes are short (RAJ, R1H, 06K), so codes of up to 8 bytes are
// looked up as one integer in an open-addressing table; longer ones go to a
// string map. The previous lookup is cached, since extracts are often sorted
// by provider. Allocation happens only when a new code appears.
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cpe::audit {

class Interner {
public:
    Interner() : slots_(1024) {}

    // `s` must have 8 readable bytes from its start (chunks and the scanner's
    // scratch are padded), so short codes load as one integer.
    uint32_t intern(std::string_view s) {
        if (s.size() > 8) return internLong(s);
        uint64_t key = loadKey(s);
        if (key == lastKey_ && s.size() == lastSize_) return lastId_;
        lastKey_ = key;
        lastSize_ = s.size();
        lastId_ = internShort(s, key);
        return lastId_;
    }
    const std::string& name(uint32_t id) const { return names_[id]; }
    size_t size() const { return names_.size(); }
    const std::vector<std::string>& names() const { return names_; }

private:
    struct Slot {
        uint64_t key = 0;
        uint32_t id = 0;
        uint8_t length = 0;
        bool used = false;
    };
    static uint64_t loadKey(std::string_view s) {
        uint64_t k;
        std::memcpy(&k, s.data(), 8);
        // Keep the first s.size() bytes (little-endian: the low ones).
        return s.size() >= 8 ? k : k & ((uint64_t{1} << (8 * s.size())) - 1);
    }
    static size_t hash(uint64_t k, size_t len) {
        k ^= len * 0x9E3779B97F4A7C15ull;
        k *= 0xBF58476D1CE4E5B9ull;
        return static_cast<size_t>(k ^ (k >> 31));
    }
    uint32_t internShort(std::string_view s, uint64_t key) {
        size_t mask = slots_.size() - 1;
        for (size_t i = hash(key, s.size()) & mask;; i = (i + 1) & mask) {
            Slot& slot = slots_[i];
            if (!slot.used) {
                slot = Slot{key, add(s), static_cast<uint8_t>(s.size()), true};
                if (++shortCount_ * 2 > slots_.size()) grow();
                return static_cast<uint32_t>(names_.size() - 1);
            }
            if (slot.key == key && slot.length == s.size()) return slot.id;
        }
    }
    void grow() {
        std::vector<Slot> old(slots_.size() * 2);
        old.swap(slots_);
        size_t mask = slots_.size() - 1;
        for (const Slot& s : old) {
            if (!s.used) continue;
            size_t i = hash(s.key, s.length) & mask;
            while (slots_[i].used) i = (i + 1) & mask;
            slots_[i] = s;
        }
    }
    uint32_t internLong(std::string_view s) {
        auto it = long_.find(s);
        if (it != long_.end()) return it->second;
        uint32_t id = add(s);
        long_.emplace(std::string(s), id);
        return id;
    }
    uint32_t add(std::string_view s) {
        names_.emplace_back(s);
        return static_cast<uint32_t>(names_.size() - 1);
    }

    std::vector<Slot> slots_;
    size_t shortCount_ = 0;
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view v) const { return std::hash<std::string_view>{}(v); }
    };
    std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> long_;
    std::vector<std::string> names_;
    uint64_t lastKey_ = 0;
    size_t lastSize_ = SIZE_MAX;
    uint32_t lastId_ = 0;
};

}  // namespace cpe::audit
