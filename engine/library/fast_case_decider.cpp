#include "engine/library/fast_case_decider.h"

#include "engine/decision/json_writer.h"
#include "engine/library/fast_decider.h"

namespace cpe {

struct FastCaseDecider::State {
    BatchLineOptions options;
    FastShape shape;
    FastDecider decider;
    Decision decision;

    State(const PolicyLibrary& lib, const BatchLineOptions& o) : options(o), decider(lib) {
        CaseShape batch = batchCaseShape();
        batch.maxDepth = o.maxDepth;
        shape = fastShapeOf(batch, o.defaultDay);
    }

    bool decide(std::string_view bytes, std::string& out) {
        // --answer's additions are the reference's to write.
        if (options.answer || !decider.decide(bytes, shape, false, decision)) return false;
        out += "{\"id\":";
        out += decider.lastCase().id;
        out += ',';
        appendDecisionJson(out, decision, false);
        return true;
    }
};

FastCaseDecider::FastCaseDecider(const PolicyLibrary& lib, const BatchLineOptions& options)
    : state_(std::make_unique<State>(lib, options)) {}

FastCaseDecider::~FastCaseDecider() = default;

bool FastCaseDecider::tryAppend(std::string_view line, std::string& out) {
    // The output is appended only once the line is known to be decided.
    if (state_->decide(line, out)) {
        ++decided_;
        return true;
    }
    ++declined_;
    return false;
}

}  // namespace cpe
