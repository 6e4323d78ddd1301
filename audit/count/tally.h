#pragma once
// Episode counts by intervention and group (provider or commissioner). Each
// worker thread fills its own GroupTally with dense ids; at the end they are
// merged by name, so the totals do not depend on how rows were split
// between threads.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "audit/count/interner.h"

namespace cpe::audit {

class GroupTally {
public:
    explicit GroupTally(size_t interventions = 0) : interventions_(interventions) {}

    uint32_t group(std::string_view name) {
        uint32_t id = names_.intern(name);
        if (id >= rows_.size()) {
            rows_.resize(id + 1, 0);
            counts_.resize((id + 1) * interventions_, 0);
        }
        return id;
    }
    void addRow(uint32_t group) { ++rows_[group]; }
    void addEpisode(uint32_t group, size_t intervention) { ++counts_[group * interventions_ + intervention]; }

    size_t groups() const { return rows_.size(); }
    const std::string& name(uint32_t g) const { return names_.name(g); }
    uint64_t rows(uint32_t g) const { return rows_[g]; }
    uint64_t count(uint32_t g, size_t intervention) const { return counts_[g * interventions_ + intervention]; }
    size_t interventions() const { return interventions_; }

private:
    size_t interventions_;
    Interner names_;
    std::vector<uint64_t> rows_;
    std::vector<uint64_t> counts_;
};

// Merged counts, groups sorted by name (byte order).
struct GroupCounts {
    std::vector<std::string> names;
    std::vector<uint64_t> rows;                 // counted rows (valid, in the period) per group
    std::vector<std::vector<uint64_t>> counts;  // [intervention][group] episodes

    uint64_t total(size_t intervention) const {
        uint64_t t = 0;
        for (uint64_t c : counts[intervention]) t += c;
        return t;
    }
};

GroupCounts mergeTallies(const std::vector<const GroupTally*>& tallies, size_t interventions);

// Counted episodes by intervention, group (a GroupTally's id) and a cell: an
// age band and sex, or a month. Only counted episodes reach it (a few in a
// hundred rows); an open-addressing table with a multiplicative hash, since
// std::unordered_map's node chase and modulo cost the 10M-row benchmark 8% of
// its CPU.
class CellTally {
public:
    void add(size_t intervention, uint32_t group, uint32_t cell) {
        const uint64_t key = (static_cast<uint64_t>(intervention) << 48) | (static_cast<uint64_t>(group) << 24) | cell;
        size_t i = static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
        const size_t mask = slots_.size() - 1;
        while (slots_[i].key != key) {
            if (slots_[i].key == kEmpty) {
                if (2 * (used_ + 1) > slots_.size()) {
                    grow();
                    return add(intervention, group, cell);
                }
                slots_[i].key = key;
                ++used_;
                break;
            }
            i = (i + 1) & mask;
        }
        ++slots_[i].count;
    }
    template <typename F>
    void forEach(F f) const {  // f(intervention, group, cell, count)
        for (const Slot& s : slots_)
            if (s.key != kEmpty)
                f(static_cast<size_t>(s.key >> 48), static_cast<uint32_t>((s.key >> 24) & 0xFFFFFF),
                  static_cast<uint32_t>(s.key & 0xFFFFFF), s.count);
    }

private:
    static constexpr uint64_t kEmpty = ~uint64_t{0};
    struct Slot {
        uint64_t key = kEmpty;
        uint64_t count = 0;
    };
    void grow() {
        std::vector<Slot> old(slots_.size() * 2);
        old.swap(slots_);
        --shift_;
        used_ = 0;
        const size_t mask = slots_.size() - 1;
        for (const Slot& s : old) {
            if (s.key == kEmpty) continue;
            size_t i = static_cast<size_t>((s.key * 0x9E3779B97F4A7C15ull) >> shift_);
            while (slots_[i].key != kEmpty) i = (i + 1) & mask;
            slots_[i] = s;
            ++used_;
        }
    }
    std::vector<Slot> slots_ = std::vector<Slot>(1024);
    unsigned shift_ = 64 - 10;  // log2 of the slot count, from the top
    size_t used_ = 0;
};

// Merged by group name: (intervention, group, cell) -> episodes.
using CellCounts = std::map<std::tuple<size_t, std::string, uint32_t>, uint64_t>;
// Each CellTally with the GroupTally whose ids it uses.
CellCounts mergeCells(const std::vector<std::pair<const CellTally*, const GroupTally*>>& tallies);

// The cells: band * 3 + sex (0 male, 1 female, 2 not known), and months as
// year * 12 + month - 1.
inline uint32_t ageSexCell(int band, unsigned sex) { return static_cast<uint32_t>(band) * 3 + sex; }
inline uint32_t monthCell(int32_t dateKey) {
    return static_cast<uint32_t>(dateKey / 10000) * 12 + static_cast<uint32_t>(dateKey / 100 % 100) - 1;
}

}  // namespace cpe::audit
