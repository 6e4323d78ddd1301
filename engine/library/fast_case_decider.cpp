#include "engine/library/fast_case_decider.h"

#include <algorithm>
#include <unordered_map>

#include "engine/base/string_hash.h"
#include "engine/compile/program.h"
#include "engine/decision/fast_case_reader.h"
#include "engine/decision/json_writer.h"
#include "engine/eval/evaluator.h"
#include "engine/library/variants.h"

namespace cpe {

struct FastCaseDecider::State {
    const PolicyLibrary& lib;
    BatchLineOptions options;
    FastShape shape;
    FastCaseReader reader;
    FastCase read;

    // Policies: whether the fast path may decide them, and the version in
    // force on the day last asked for.
    struct PolicyEntry {
        bool usable = false;  // declared, and without area variants
        int day = 0;
        const CompiledPolicy* compiled = nullptr;
        bool looked = false;
    };
    std::unordered_map<std::string, PolicyEntry, TransparentStringHash, std::equal_to<>> policies;
    struct Deciding {
        std::unique_ptr<Evaluator> evaluator;
        FactValues values;
    };
    std::unordered_map<const CompiledPolicy*, Deciding> deciding;
    Decision decision;

    State(const PolicyLibrary& l, const BatchLineOptions& o) : lib(l), options(o), reader(l.checked()) {
        CaseShape batch = batchCaseShape();
        batch.maxDepth = o.maxDepth;
        shape = fastShapeOf(batch, o.defaultDay);
    }

    std::string lastPolicy;
    PolicyEntry* lastEntry = nullptr;

    const CompiledPolicy* policyFor(std::string_view id, int day) {
        if (lastEntry && id == lastPolicy) return inForce(*lastEntry, lastPolicy, day);
        auto it = policies.find(id);
        if (it == policies.end()) {
            PolicyEntry e;
            std::string name(id);
            e.usable =
                std::binary_search(lib.policyIds().begin(), lib.policyIds().end(), name) && !lib.variants().hasVariants(name);
            it = policies.emplace(std::move(name), e).first;
        }
        lastPolicy.assign(id);
        lastEntry = &it->second;
        return inForce(it->second, it->first, day);
    }
    const CompiledPolicy* inForce(PolicyEntry& e, const std::string& id, int day) {
        if (!e.usable) return nullptr;
        if (!e.looked || e.day != day) {
            e.compiled = lib.find(id, day);
            e.day = day;
            e.looked = true;
        }
        return e.compiled;
    }

    bool decide(std::string_view bytes, std::string& out) {
        if (options.answer || !reader.read(bytes, shape, read)) return false;
        const CompiledPolicy* compiled = policyFor(read.policy, read.day);
        if (!compiled) return false;
        const Program& program = compiled->program;
        Deciding& d = deciding[compiled];
        if (!d.evaluator) {
            d.evaluator = std::make_unique<Evaluator>(program);
            d.values.prepare(program);
        }
        reader.fill(program, d.values);
        d.evaluator->decide(FactView::of(d.values), read.day, decision);
        decision.policy.assign(compiled->model->id);
        decision.policyVersion.assign(compiled->model->version);
        decision.day = read.day;
        out += "{\"id\":";
        out += read.id;
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
