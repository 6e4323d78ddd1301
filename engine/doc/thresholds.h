#pragma once
// The numeric limits a policy applies ("BMI at most 30 kg/m2"), read from its
// checked criteria, values and outputs, for the published criteria document.
#include <string>
#include <vector>

#include "engine/check/model.h"

namespace cpe {

struct Threshold {
    std::string where;       // criterion, value or output id
    std::string quantity;    // what is limited: the fact or value, as a person reads it
    std::string comparison;  // "at most", "between", "no more than ... before the decision date"
    std::string limit;       // "30 kg/m2", "19 and 30 kg/m2", "12 months"
    std::string expression;  // as written
};

std::vector<Threshold> thresholdsOf(const PolicyModel& p);

}  // namespace cpe
