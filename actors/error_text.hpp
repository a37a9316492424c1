// One short line for a CAF error. Never render an error with its context: the context can hold
// a whole message (megabytes of packets).
#pragma once

#include <string>

#include <caf/error.hpp>
#include <caf/exit_reason.hpp>
#include <caf/sec.hpp>

namespace pvenc::actors {

inline std::string describe(const caf::error& err) {
  const caf::message& context = err.context();
  if (context.match_elements<std::string>()) return context.get_as<std::string>(0);
  if (err.category() == caf::atom("system"))
    return caf::to_string(static_cast<caf::sec>(err.code()));
  if (err.category() == caf::atom("exit"))
    return caf::to_string(static_cast<caf::exit_reason>(err.code()));
  return "error " + std::to_string(err.code());
}

}  // namespace pvenc::actors
