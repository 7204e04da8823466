// Process-wide logging through spdlog; one place sets the level and format.
#pragma once
#include <spdlog/spdlog.h>

#include <string>

namespace ducklings {
void init_logging(const std::string& level);
}
