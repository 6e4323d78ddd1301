#include "audit/read/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

namespace cpe::audit {

namespace {

std::string errnoText() { return std::strerror(errno); }

class FdSource : public ByteSource {
public:
    FdSource(int fd, std::string path, bool owned) : fd_(fd), path_(std::move(path)), owned_(owned) {
        struct stat st {};
        if (fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) size_ = static_cast<uint64_t>(st.st_size);
    }
    ~FdSource() override {
        if (owned_) ::close(fd_);
    }
    // Bytes already read (the gzip magic probe) are served first.
    void pushBack(const char* data, size_t n) { pending_.assign(data, n); }

    size_t read(char* buffer, size_t n) override {
        size_t done = 0;
        if (!pending_.empty()) {
            done = std::min(n, pending_.size());
            std::memcpy(buffer, pending_.data(), done);
            pending_.erase(0, done);
        }
        while (done < n) {
            ssize_t got = ::read(fd_, buffer + done, n - done);
            if (got < 0) {
                if (errno == EINTR) continue;
                throw AuditError(path_ + ": cannot read: " + errnoText());
            }
            if (got == 0) break;
            done += static_cast<size_t>(got);
            position_ += static_cast<uint64_t>(got);
        }
        return done;
    }
    uint64_t position() const override { return position_; }
    std::optional<uint64_t> totalSize() const override { return size_; }
    bool compressed() const override { return false; }
    int fd() const { return fd_; }

private:
    int fd_;
    std::string path_;
    bool owned_;
    std::string pending_;
    uint64_t position_ = 0;
    std::optional<uint64_t> size_;
};

class GzipSource : public ByteSource {
public:
    GzipSource(int fd, std::string path, std::optional<uint64_t> size) : path_(std::move(path)), size_(size) {
        gz_ = gzdopen(fd, "rb");
        if (!gz_) throw AuditError(path_ + ": cannot open as gzip");
        gzbuffer(gz_, 1 << 18);
    }
    ~GzipSource() override { gzclose(gz_); }

    size_t read(char* buffer, size_t n) override {
        size_t done = 0;
        while (done < n) {
            unsigned want = static_cast<unsigned>(std::min<size_t>(n - done, 1u << 30));
            int got = gzread(gz_, buffer + done, want);
            if (got < 0) fail();
            if (got == 0) {
                // zlib reports a truncated stream only through gzerror.
                int code = Z_OK;
                gzerror(gz_, &code);
                if (code != Z_OK) fail();
                break;
            }
            done += static_cast<size_t>(got);
        }
        return done;
    }
    uint64_t position() const override {
        z_off_t off = gzoffset(gz_);
        return off < 0 ? 0 : static_cast<uint64_t>(off);
    }
    std::optional<uint64_t> totalSize() const override { return size_; }
    bool compressed() const override { return true; }

private:
    [[noreturn]] void fail() {
        int code = Z_OK;
        const char* raw = gzerror(gz_, &code);
        // zlib prefixes its message with the stream's name, here "<fd:N>: ".
        std::string message = raw ? raw : "unknown error";
        if (message.rfind("<fd:", 0) == 0 && message.find(">: ") != std::string::npos) message.erase(0, message.find(">: ") + 3);
        throw AuditError(path_ + ": corrupt or truncated gzip data near byte " + std::to_string(position()) + " (" + message +
                         ")");
    }
    gzFile gz_ = nullptr;
    std::string path_;
    std::optional<uint64_t> size_;
};

}  // namespace

std::unique_ptr<ByteSource> openByteSource(const std::string& path) {
    int fd = 0;
    bool owned = false;
    std::string name = path == "-" ? std::string("<stdin>") : path;
    if (path != "-") {
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw AuditError(path + ": cannot open: " + errnoText());
        owned = true;
        struct stat st {};
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            ::close(fd);
            throw AuditError(path + ": is a folder, not an activity file");
        }
        posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
    auto plain = std::make_unique<FdSource>(fd, name, owned);
    char magic[2] = {0, 0};
    size_t got = plain->read(magic, 2);
    if (got == 2 && static_cast<unsigned char>(magic[0]) == 0x1f && static_cast<unsigned char>(magic[1]) == 0x8b) {
        if (path == "-") throw AuditError("<stdin>: gzip input on standard input is not supported; pass the file name");
        // zlib reads the file itself, from the start.
        if (::lseek(fd, 0, SEEK_SET) != 0) throw AuditError(path + ": cannot rewind: " + errnoText());
        auto size = plain->totalSize();
        int dupFd = ::dup(fd);
        if (dupFd < 0) throw AuditError(path + ": " + errnoText());
        return std::make_unique<GzipSource>(dupFd, name, size);
    }
    plain->pushBack(magic, got);
    return plain;
}

}  // namespace cpe::audit
