#include "common/logging.h"

namespace ducklings {
void init_logging(const std::string& level, const std::string& process) {
  spdlog::set_level(spdlog::level::from_str(level));
  std::string prefix = process.empty() ? "" : process + " ";
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e [%l] " + prefix + "%v");
  spdlog::flush_on(spdlog::level::info);
}
}  // namespace ducklings
