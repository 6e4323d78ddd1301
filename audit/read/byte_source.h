#pragma once
// Where the activity bytes come from: a plain file, a gzip file (detected by
// its magic number, whatever its name) or standard input ("-"). Reads are
// large and sequential; nothing is buffered here beyond what zlib needs.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace cpe::audit {

// A fatal input problem (cannot open, corrupt gzip): the run stops with it.
struct AuditError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class ByteSource {
public:
    virtual ~ByteSource() = default;
    // Reads up to `n` bytes; 0 at the end. Throws AuditError on failure.
    virtual size_t read(char* buffer, size_t n) = 0;
    // Bytes of the underlying file consumed so far (compressed bytes for
    // gzip), and its total size when known: together they give progress.
    virtual uint64_t position() const = 0;
    virtual std::optional<uint64_t> totalSize() const = 0;
    virtual bool compressed() const = 0;
};

// Opens `path` ("-" for standard input). Throws AuditError naming the file.
std::unique_ptr<ByteSource> openByteSource(const std::string& path);

}  // namespace cpe::audit
