#include "pgwire/session.h"

namespace ducklings::pgwire {
void Session::handle_copy(const sql::Statement&) {
  throw SqlError("0A000", "COPY is being implemented");
}
}  // namespace ducklings::pgwire
