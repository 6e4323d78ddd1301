#include "audit/count/activity_scan.h"

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "audit/read/activity_schema.h"
#include "audit/read/csv_scan.h"
#include "audit/read/episode.h"
#include "audit/read/mapped_episode.h"
#include "audit/stats/esp2013.h"

namespace cpe::audit {

namespace {

using Clock = std::chrono::steady_clock;

// A field of a rejected row, where the row has it: at most 64 bytes, control
// characters as '?' (a reject's row may be anything).
std::string readableField(const Record& r, size_t i) {
    if (i >= r.fieldCount || i >= kMaxRecordFields) return "";
    std::string out(r.field(i).substr(0, 64));
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20) c = '?';
    return out;
}

// A chunk buffer. Large ones are anonymous mappings backed by transparent
// huge pages where the kernel allows, which cuts the page faults of filling
// and scanning them. Measured on the 10M-row benchmark (2 threads, 2-core VM,
// one binary switching between the variants): 4 KiB pages 0.70-0.71 s, CPU
// 1.25-1.29 s, 7,500 page faults; huge pages 0.65 s, CPU 1.18-1.19 s, 2,400
// faults. Each buffer starts `color` bytes past a 2 MiB boundary, so that
// buffers do not all share cache sets at every offset.
class ChunkBuffer {
public:
    ChunkBuffer(size_t bytes, size_t color) {
        constexpr size_t kHuge = size_t{2} << 20;
        if (bytes >= kHuge) {
            color %= kHuge;
            size_t total = bytes + color + kHuge;
            void* m = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (m != MAP_FAILED) {
                mapping_ = m;
                mappingBytes_ = total;
                auto huge = (reinterpret_cast<uintptr_t>(m) + kHuge - 1) & ~(uintptr_t{kHuge} - 1);
                madvise(reinterpret_cast<void*>(huge), bytes + color, MADV_HUGEPAGE);  // a hint: fine if refused
                data_ = reinterpret_cast<char*>(huge + color);
                return;
            }
        }
        owned_ = std::make_unique<char[]>(bytes);
        data_ = owned_.get();
    }
    ~ChunkBuffer() {
        if (mapping_) munmap(mapping_, mappingBytes_);
    }
    ChunkBuffer(const ChunkBuffer&) = delete;
    ChunkBuffer& operator=(const ChunkBuffer&) = delete;
    char* get() const { return data_; }

private:
    char* data_ = nullptr;
    void* mapping_ = nullptr;
    size_t mappingBytes_ = 0;
    std::unique_ptr<char[]> owned_;
};

struct Chunk {
    std::unique_ptr<ChunkBuffer> data;  // capacity + kScanPadding bytes
    size_t capacity = 0;
    size_t size = 0;
    uint64_t index = 0;
};

struct ChunkResult {
    uint64_t index = 0;
    uint64_t lines = 0;  // newlines in the chunk
    struct Reject {
        uint64_t line = 0;  // within the chunk
        std::string reason, episodeId, provider;
    };
    std::vector<Reject> rejects;
};

// Per-thread counting state. Each worker thread builds its own (so its heap
// buffers come from that thread's allocator arena) on cache lines of its own:
// the fields it writes on every row must not share a line with the other
// worker's, or the two cores keep taking the line from each other.
struct alignas(64) Worker {
    Worker(size_t interventions, size_t rules, size_t programs)
        : providers(interventions), commissioners(interventions), programRows(programs), programEpisodes(programs * rules) {
        candidates.resize(rules);
    }
    GroupTally providers, commissioners;
    CellTally commissionerAgeSex, providerMonths, commissionerMonths;
    uint64_t rowsRead = 0, rowsRejected = 0, outside = 0, episodes = 0;
    std::vector<uint64_t> programRows, programEpisodes;
    int32_t firstDate = INT32_MAX, lastDate = INT32_MIN;
    std::string scratch, reason;
    std::vector<PackedCode> procedures, diagnoses;
    CandidateSet candidates;
    MappedScratch mapped;
};

class Pipeline {
public:
    Pipeline(const Matcher& matcher, const ScanOptions& options, const ScanHooks& hooks)
        : matcher_(matcher), options_(options), hooks_(hooks) {}

    ScanResult run();

private:
    void readHeader(ByteSource& source, std::string& carry);
    void readerLoop(ByteSource& source, std::string carry);
    void submit(size_t slot);
    void workerLoop(Worker& worker);
    ChunkResult scanChunk(Worker& worker, const Chunk& chunk);
    template <bool Mapped>
    ChunkResult scanRows(Worker& worker, const Chunk& chunk);
    void finishChunk(ChunkResult result);
    size_t acquireSlot();
    void releaseSlot(size_t slot);
    void reportProgress(ByteSource& source, bool force);

    const Matcher& matcher_;
    const ScanOptions& options_;
    const RuleSchedule* schedule_ = options_.schedule;
    const size_t programs_ = schedule_ ? schedule_->programCount() : 1;
    const ScanHooks& hooks_;
    ActivitySchema schema_;
    ResolvedHeader header_;

    std::vector<Chunk> slots_;
    std::mutex mutex_;
    std::condition_variable slotFree_, workReady_;
    std::vector<size_t> freeSlots_;
    std::deque<size_t> work_;
    bool readingDone_ = false;

    std::mutex mergeMutex_;
    std::map<uint64_t, ChunkResult> pending_;
    uint64_t nextChunk_ = 0;
    uint64_t lineBase_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<uint64_t> rowsSoFar_{0};
    std::exception_ptr workerError_;

    uint64_t bytesRead_ = 0;
    Clock::time_point start_ = Clock::now();
    Clock::time_point lastProgress_ = start_;
};

void Pipeline::readHeader(ByteSource& source, std::string& carry) {
    // Read until the header row is complete (it is tiny, but be exact).
    std::string buf;
    const char* name = options_.path == "-" ? "<stdin>" : options_.path.c_str();
    const size_t kMaxHeader = size_t{1} << 20;
    const char* end = nullptr;
    bool eof = false;
    size_t skip = 0;
    while (true) {
        size_t old = buf.size();
        // Small reads: what follows the header becomes the first chunk's
        // carry, which must fit a block however small the block is.
        buf.resize(old + 256);
        size_t got = source.read(buf.data() + old, 256);
        buf.resize(old + got);
        eof = got == 0;
        if (buf.size() >= 3 && std::memcmp(buf.data(), "\xEF\xBB\xBF", 3) == 0) skip = 3;  // UTF-8 BOM
        end = findFirstBoundary(buf.data() + skip, buf.data() + buf.size());
        if (end || eof) break;
        if (buf.size() > kMaxHeader)
            throw AuditError(std::string(name) + ":1: the header row is longer than 1 MiB (is this a CSV file?)");
    }
    bytesRead_ += buf.size();
    if (buf.size() <= skip)
        throw AuditError(std::string(name) + ": the file is empty (expected a header row naming the columns)");
    const char* begin = buf.data() + skip;
    if (!end) end = buf.data() + buf.size();
    std::string scratch;
    std::vector<char> padded(begin, end);
    padded.resize(padded.size() + kScanPadding, 0);
    RecordScanner scanner(padded.data(), padded.data() + (end - begin), scratch);
    Record header;
    if (!scanner.next(header)) throw AuditError(std::string(name) + ":1: the header row is empty");
    if (header.error) throw AuditError(std::string(name) + ":1: bad header: " + header.error);
    if (header.fieldCount > kMaxRecordFields)
        throw AuditError(std::string(name) + ":1: bad header: " + std::to_string(header.fieldCount) + " columns (at most " +
                         std::to_string(kMaxRecordFields) + " are read)");
    std::vector<std::string_view> names;
    for (size_t i = 0; i < header.fieldCount; ++i) names.push_back(header.field(i));
    std::string error;
    static const ColumnMapping kContract;
    auto resolved = resolveHeader(options_.mapping ? *options_.mapping : kContract, names, error);
    if (!resolved) throw AuditError(std::string(name) + ":1: " + error);
    header_ = std::move(*resolved);
    schema_ = header_.plain;
    lineBase_ = scanner.newlines();
    carry.assign(end, static_cast<size_t>(buf.data() + buf.size() - end));
}

size_t Pipeline::acquireSlot() {
    std::unique_lock lock(mutex_);
    slotFree_.wait(lock, [&] { return !freeSlots_.empty(); });
    size_t slot = freeSlots_.back();
    freeSlots_.pop_back();
    return slot;
}

void Pipeline::releaseSlot(size_t slot) {
    {
        std::lock_guard lock(mutex_);
        freeSlots_.push_back(slot);
    }
    slotFree_.notify_one();
}

void Pipeline::reportProgress(ByteSource& source, bool force) {
    if (!hooks_.onProgress) return;
    auto now = Clock::now();
    if (!force && now - lastProgress_ < std::chrono::milliseconds(200)) return;
    lastProgress_ = now;
    ScanProgress p;
    p.bytes = source.position();
    p.totalBytes = source.totalSize();
    p.rows = rowsSoFar_.load(std::memory_order_relaxed);
    p.seconds = std::chrono::duration<double>(now - start_).count();
    hooks_.onProgress(p);
}

void Pipeline::readerLoop(ByteSource& source, std::string carry) {
    uint64_t index = 0;
    bool eof = false;
    while (!eof && !stop_.load(std::memory_order_relaxed)) {
        size_t slot = acquireSlot();
        Chunk& chunk = slots_[slot];
        std::memcpy(chunk.data->get(), carry.data(), carry.size());
        size_t size = carry.size();
        while (size < chunk.capacity) {
            size_t got = source.read(chunk.data->get() + size, chunk.capacity - size);
            if (got == 0) {
                eof = true;
                break;
            }
            size += got;
            bytesRead_ += got;
        }
        size_t cut = size;
        if (!eof) {
            const char* data = chunk.data->get();
            cut = static_cast<size_t>(findLastBoundary(data, data + size) - data);
            if (cut == 0) {
                // One record fills the whole block: by the rule in csv_scan.h
                // it is an unterminated quoted field (or an absurdly long
                // line), so the chunk ends after its first line.
                const void* nl = std::memchr(data, '\n', size);
                cut = nl ? static_cast<size_t>(static_cast<const char*>(nl) - data) + 1 : size;
            }
        }
        carry.assign(chunk.data->get() + cut, size - cut);
        if (cut == 0) {
            releaseSlot(slot);
            continue;
        }
        chunk.size = cut;
        chunk.index = index++;
        std::memset(chunk.data->get() + cut, 0, kScanPadding);
        submit(slot);
        reportProgress(source, false);
    }
}

void Pipeline::submit(size_t slot) {
    {
        std::lock_guard lock(mutex_);
        work_.push_back(slot);
    }
    workReady_.notify_one();
}

ChunkResult Pipeline::scanChunk(Worker& w, const Chunk& chunk) {
    return header_.usePlain ? scanRows<false>(w, chunk) : scanRows<true>(w, chunk);
}

// The contract's layout (Mapped = false) keeps its own loop: the mapped
// path's gathering and value lookups cost it nothing.
template <bool Mapped>
ChunkResult Pipeline::scanRows(Worker& w, const Chunk& chunk) {
    ChunkResult result;
    result.index = chunk.index;
    RecordScanner scanner(chunk.data->get(), chunk.data->get() + chunk.size, w.scratch);
    Record rec;
    Episode ep;
    const bool byCommissioner = options_.byCommissioner;
    const int32_t from = options_.fromDate.value_or(INT32_MIN);
    const int32_t to = options_.toDate.value_or(INT32_MAX);
    uint64_t rows = 0;
    while (scanner.next(rec)) {
        ++rows;
        const bool ok =
            Mapped ? parseMappedEpisode(rec, header_.mapped, w.mapped, ep, w.reason) : parseEpisode(rec, schema_, ep, w.reason);
        if (!ok) {
            ++w.rowsRejected;
            const size_t idAt =
                Mapped ? header_.mapped.index[static_cast<size_t>(Column::EpisodeId)] : schema_.at(Column::EpisodeId);
            const size_t providerAt =
                Mapped ? header_.mapped.index[static_cast<size_t>(Column::Provider)] : schema_.at(Column::Provider);
            result.rejects.push_back({rec.line, w.reason, readableField(rec, idAt), readableField(rec, providerAt)});
            continue;
        }
        if (ep.date < from || ep.date > to) {
            ++w.outside;
            continue;
        }
        const uint16_t program = schedule_ ? schedule_->programOf(ep.date) : 0;
        const Matcher& matcher = schedule_ ? schedule_->program(program) : matcher_;
        ++w.programRows[program];
        w.firstDate = std::min(w.firstDate, ep.date);
        w.lastDate = std::max(w.lastDate, ep.date);
        uint32_t p = w.providers.group(ep.provider);
        w.providers.addRow(p);
        uint32_t c = 0;
        if (byCommissioner) {
            c = w.commissioners.group(ep.commissioner);
            w.commissioners.addRow(c);
        }
        if (!matcher.mayMatchText(ep.primaryProcedure, ep.procedures)) continue;
        packPaddedCodeList(ep.procedures, w.procedures);
        EpisodeCodes codes;
        codes.primaryProcedure = ep.primaryProcedure;
        codes.procedures = w.procedures.data();
        codes.procedureCount = w.procedures.size();
        if (!matcher.mayMatch(codes)) continue;
        matcher.candidates(codes, w.candidates);
        if (w.candidates.empty()) continue;
        packPaddedCodeList(ep.diagnoses, w.diagnoses);
        codes.diagnoses = w.diagnoses.data();
        codes.diagnosisCount = w.diagnoses.size();
        w.candidates.forEach([&](size_t rule) {
            if (!matcher.matches(rule, ep, codes)) return;
            ++w.programEpisodes[program * matcher.size() + rule];
            const uint32_t month = monthCell(ep.date);
            w.providers.addEpisode(p, rule);
            w.providerMonths.add(rule, p, month);
            if (byCommissioner) {
                w.commissioners.addEpisode(c, rule);
                w.commissionerMonths.add(rule, c, month);
                w.commissionerAgeSex.add(rule, c, ageSexCell(*stats::espBandOfAge(ep.age), static_cast<unsigned>(ep.sex)));
            }
            ++w.episodes;
        });
    }
    w.rowsRead += rows;
    rowsSoFar_.fetch_add(rows, std::memory_order_relaxed);
    result.lines = scanner.newlines();
    return result;
}

void Pipeline::finishChunk(ChunkResult result) {
    std::lock_guard lock(mergeMutex_);
    pending_.emplace(result.index, std::move(result));
    for (auto it = pending_.find(nextChunk_); it != pending_.end(); it = pending_.find(nextChunk_)) {
        ChunkResult& r = it->second;
        if (!stop_.load()) {
            for (const ChunkResult::Reject& j : r.rejects) {
                if (hooks_.onReject && !hooks_.onReject(lineBase_ + j.line + 1, j.reason)) {
                    stop_.store(true);
                    break;
                }
                if (hooks_.onRejectDetail) hooks_.onRejectDetail(lineBase_ + j.line + 1, j.episodeId, j.provider, j.reason);
            }
        }
        lineBase_ += r.lines;
        pending_.erase(it);
        ++nextChunk_;
    }
}

void Pipeline::workerLoop(Worker& worker) {
    while (true) {
        size_t slot;
        {
            std::unique_lock lock(mutex_);
            workReady_.wait(lock, [&] { return !work_.empty() || readingDone_; });
            if (work_.empty()) return;
            slot = work_.front();
            work_.pop_front();
        }
        try {
            ChunkResult result = stop_.load() ? ChunkResult{slots_[slot].index, 0, {}} : scanChunk(worker, slots_[slot]);
            releaseSlot(slot);
            finishChunk(std::move(result));
        } catch (...) {
            {
                std::lock_guard lock(mergeMutex_);
                if (!workerError_) workerError_ = std::current_exception();
            }
            stop_.store(true);
            releaseSlot(slot);
        }
    }
}

ScanResult Pipeline::run() {
    auto source = options_.openSource ? options_.openSource() : openByteSource(options_.path);
    std::string carry;
    readHeader(*source, carry);

    unsigned threads = options_.threads == 0 ? 1 : options_.threads;
    size_t blockSize = std::clamp<size_t>(options_.blockSize, 64, kMaxRecordBytes);
    blockSize = std::max(blockSize, carry.size() + 64);
    slots_.resize(threads * 2 + 1);
    for (size_t i = 0; i < slots_.size(); ++i) {
        slots_[i].capacity = blockSize;
        slots_[i].data = std::make_unique<ChunkBuffer>(blockSize + kScanPadding, i * (4096 + 64));
        freeSlots_.push_back(i);
    }

    std::vector<std::unique_ptr<Worker>> workers(threads);
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
        pool.emplace_back([this, &workers, t] {
            try {
                workers[t] = std::make_unique<Worker>(matcher_.size(), matcher_.size(), programs_);
            } catch (...) {
                std::lock_guard lock(mergeMutex_);
                if (!workerError_) workerError_ = std::current_exception();
                stop_.store(true);
                return;
            }
            workerLoop(*workers[t]);
        });

    std::exception_ptr readError;
    try {
        readerLoop(*source, std::move(carry));
    } catch (...) {
        readError = std::current_exception();
        stop_.store(true);
    }
    {
        std::lock_guard lock(mutex_);
        readingDone_ = true;
    }
    workReady_.notify_all();
    for (auto& t : pool) t.join();
    if (readError) std::rethrow_exception(readError);
    if (workerError_) std::rethrow_exception(workerError_);
    reportProgress(*source, true);

    ScanResult result;
    std::vector<const GroupTally*> providers, commissioners;
    std::vector<std::pair<const CellTally*, const GroupTally*>> ageSex, providerMonths, commissionerMonths;
    for (const auto& w : workers) {
        ageSex.emplace_back(&w->commissionerAgeSex, &w->commissioners);
        providerMonths.emplace_back(&w->providerMonths, &w->providers);
        commissionerMonths.emplace_back(&w->commissionerMonths, &w->commissioners);
        result.rowsRead += w->rowsRead;
        result.rowsRejected += w->rowsRejected;
        result.rowsOutsidePeriod += w->outside;
        result.episodesCounted += w->episodes;
        result.programRows.resize(w->programRows.size());
        result.programEpisodes.resize(w->programEpisodes.size());
        for (size_t i = 0; i < w->programRows.size(); ++i) result.programRows[i] += w->programRows[i];
        for (size_t i = 0; i < w->programEpisodes.size(); ++i) result.programEpisodes[i] += w->programEpisodes[i];
        if (w->firstDate <= w->lastDate) {
            result.firstDate = result.firstDate ? std::min(result.firstDate, w->firstDate) : w->firstDate;
            result.lastDate = std::max(result.lastDate, w->lastDate);
        }
        providers.push_back(&w->providers);
        commissioners.push_back(&w->commissioners);
    }
    result.bytes = bytesRead_;
    result.mapped = !header_.usePlain;
    result.ignoredColumns = header_.ignored;
    result.stopped = stop_.load();
    result.providers = mergeTallies(providers, matcher_.size());
    result.providerMonths = mergeCells(providerMonths);
    if (options_.byCommissioner) {
        result.commissioners = mergeTallies(commissioners, matcher_.size());
        result.commissionerAgeSex = mergeCells(ageSex);
        result.commissionerMonths = mergeCells(commissionerMonths);
    }
    return result;
}

}  // namespace

ScanResult scanActivity(const Matcher& matcher, const ScanOptions& options, const ScanHooks& hooks) {
    Pipeline pipeline(matcher, options, hooks);
    return pipeline.run();
}

}  // namespace cpe::audit
