// The server's own SQL in this process (Server::run for a duckling no worker holds): the
// gateway's engine runs it directly, without a protocol session. Statements run as the
// server's superuser "duckgres" on behalf of an actor, with PostgreSQL's text forms in the
// result; several statements of one request run as a simple Query's would (one implicit
// transaction, COMMIT ending it early).
#pragma once
#include <cstdint>

#include "common/config.h"
#include "gateway/gateway.h"
#include "pgwire/session.h"
#include "warehouse/warehouse.h"

namespace ducklings::pgwire {

struct InternalServices {
  const ServerConfig& config;
  warehouse::WarehouseRegistry& warehouses;
  const ControlRequestHandler& control_requests;  // audit entries of role statements
  SessionRegistry& registry;  // pg_cancel_backend from the server's own work is allowed
};

// Runs `request` in its duckling in this process; `process_id` is what pg_backend_pid()
// answers. Throws SqlError with the statement's SQLSTATE (3D000 when there is no such
// database).
gateway::Result run_internal(const InternalServices& services, const gateway::Request& request,
                             int32_t process_id);
// The same engine kept for several requests (gateway::Session). What `services` refers to must
// outlive the session (the struct itself need not).
std::unique_ptr<gateway::Session> open_internal(const InternalServices& services, const gateway::Request& base,
                                                int32_t process_id);

}  // namespace ducklings::pgwire
