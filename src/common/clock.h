// Wall-clock time as text, the form stored and shown by the control plane.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace ducklings {

// ISO-8601 UTC with milliseconds, e.g. "2026-12-01T14:30:05.123Z": sorts as text.
std::string iso_utc(std::chrono::system_clock::time_point t);
inline std::string iso_utc_now() {
  return iso_utc(std::chrono::system_clock::now());
}

// Monotonic milliseconds, for idle times and the like (not wall time).
inline int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace ducklings
