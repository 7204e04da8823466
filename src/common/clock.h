// Wall-clock time as text, the form stored and shown by the control plane.
#pragma once
#include <chrono>
#include <string>

namespace ducklings {

// ISO-8601 UTC with milliseconds, e.g. "2026-12-01T14:30:05.123Z": sorts as text.
std::string iso_utc(std::chrono::system_clock::time_point t);
inline std::string iso_utc_now() {
  return iso_utc(std::chrono::system_clock::now());
}

}  // namespace ducklings
