#pragma once
// Records a line job writes into its output (engine/base/parallel_lines.h)
// for the caller to add up in input order: numbers as their 8 bytes, strings
// as a 32-bit length and the bytes, read back in the order written. The
// bytes never leave the process, so they are in the machine's own order.
// Impact runs (engine/diff/impact.cpp) and the case audit
// (audit/case_audit.cpp) send what each case gave this way.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace cpe {

inline void appendRecordNumber(std::string& out, uint64_t n) { out.append(reinterpret_cast<const char*>(&n), sizeof n); }

inline void appendRecordText(std::string& out, std::string_view s) {
    auto n = static_cast<uint32_t>(s.size());
    out.append(reinterpret_cast<const char*>(&n), sizeof n);
    out += s;
}

// Reads whole records from the bytes a sink is given.
class RecordReader {
public:
    explicit RecordReader(std::string_view bytes) : bytes_(bytes) {}

    bool done() const { return at_ >= bytes_.size(); }
    char byte() { return bytes_[at_++]; }
    uint64_t number() {
        uint64_t n = 0;
        std::memcpy(&n, bytes_.data() + at_, sizeof n);
        at_ += sizeof n;
        return n;
    }
    std::string_view text() {
        uint32_t n = 0;
        std::memcpy(&n, bytes_.data() + at_, sizeof n);
        at_ += sizeof n;
        std::string_view s = bytes_.substr(at_, n);
        at_ += n;
        return s;
    }

private:
    std::string_view bytes_;
    std::size_t at_ = 0;
};

}  // namespace cpe
