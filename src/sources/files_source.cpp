// Files in a storage as a source: not built yet.
#include "sources/kinds.h"

namespace ducklings::sources {
std::vector<ConnectionField> files_fields() { return {}; }
std::unique_ptr<Source> open_files(const nlohmann::json&, const SourceContext&) {
  throw SourceError(false, "sources of kind files are not available yet");
}
}  // namespace ducklings::sources
