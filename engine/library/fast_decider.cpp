#include "engine/library/fast_decider.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "engine/base/string_hash.h"
#include "engine/compile/program.h"
#include "engine/eval/evaluator.h"
#include "engine/library/policy_library.h"
#include "engine/library/variants.h"

namespace cpe {

struct FastDecider::State {
    const PolicyLibrary& lib;
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
    std::string lastPolicy;
    PolicyEntry* lastEntry = nullptr;

    struct Deciding {
        std::unique_ptr<Evaluator> evaluator;
        FactValues values;
    };
    std::unordered_map<const CompiledPolicy*, Deciding> deciding;

    explicit State(const PolicyLibrary& l) : lib(l), reader(l.checked()) {}

    const CompiledPolicy* policyFor(std::string_view id, int day) {
        if (!lastEntry || id != lastPolicy) {
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
        }
        PolicyEntry& e = *lastEntry;
        if (!e.usable) return nullptr;
        if (!e.looked || e.day != day) {
            e.compiled = lib.find(lastPolicy, day);
            e.day = day;
            e.looked = true;
        }
        return e.compiled;
    }
};

FastDecider::FastDecider(const PolicyLibrary& lib) : state_(std::make_unique<State>(lib)) {}

FastDecider::~FastDecider() = default;

bool FastDecider::decide(std::string_view bytes, const FastShape& shape, bool answer, Decision& out) {
    State& s = *state_;
    if (!s.reader.read(bytes, shape, s.read)) return false;
    const CompiledPolicy* compiled = s.policyFor(s.read.policy, s.read.day);
    if (!compiled) return false;
    const Program& program = compiled->program;
    State::Deciding& d = s.deciding[compiled];
    if (!d.evaluator) {
        d.evaluator = std::make_unique<Evaluator>(program);
        d.values.prepare(program);
    }
    s.reader.fill(program, d.values);
    d.evaluator->decide(FactView::of(d.values), s.read.day, out);
    out.policy.assign(compiled->model->id);
    out.policyVersion.assign(compiled->model->version);
    out.day = s.read.day;
    out.guide = answer ? compiled->guide.get() : nullptr;
    out.facts = nullptr;
    out.given = answer ? &s.read : nullptr;
    return true;
}

const FastCase& FastDecider::lastCase() const { return state_->read; }

}  // namespace cpe
