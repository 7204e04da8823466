// Process-wide logging through spdlog; one place sets the level and format.
#pragma once
#include <spdlog/spdlog.h>

#include <string>

namespace ducklings {
// `process` prefixes every line (a worker names itself; the server leaves it empty).
void init_logging(const std::string& level, const std::string& process = "");
}
