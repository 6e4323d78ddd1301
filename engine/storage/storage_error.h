#pragma once
// What the storage wrappers throw (sqlite::Error, pg::Error): code that works
// on either store (sql_session.h) catches this.
#include <stdexcept>

namespace cpe::storage {

struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace cpe::storage
