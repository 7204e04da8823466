#include "common/logging.h"

namespace ducklings {
void init_logging(const std::string& level) {
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e [%l] %v");
  spdlog::flush_on(spdlog::level::info);
}
}  // namespace ducklings
