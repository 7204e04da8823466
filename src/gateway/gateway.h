// The server's own SQL: what the API, ingestion, bootstrap, monitoring and metering run in a
// duckling, for a principal, with typed parameters. Callers see this interface only, not the
// wire protocol; pgwire::Server implements it (today through a trusted session, in process or
// in the duckling's worker). Values travel as parameters ($1, $2, …) with their PostgreSQL
// types, never pasted into the statement's text.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ducklings::gateway {

// A value bound to $n: its PostgreSQL type and its text form (nullopt: NULL).
struct Parameter {
  int32_t type_oid = 25;  // text
  std::optional<std::string> text;
};
Parameter text(std::string value);
Parameter int8(int64_t value);
Parameter timestamptz(std::string iso_8601);

struct Request {
  std::string database;  // an organization's duckling, or the server's own database
  std::string actor;     // whom the audit and query logs name
  // One statement when there are parameters; without, several separated by semicolons.
  std::string sql;
  std::vector<Parameter> parameters = {};
  // The server's own work (ingestion, metering): past the sandbox's and the roles' checks
  // and not in the query log; DuckDB's own file restrictions still hold.
  bool system = false;
};

struct Result {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;  // PostgreSQL's text forms
  std::string tag;                                            // the last statement's command tag
  std::vector<std::string> tags;                              // every statement's, in order
};

// Several requests of one principal in one duckling: what starting one costs (a connection to
// the duckling's worker and its session, ~15 ms) is paid once. A failed request's transaction
// is rolled back; a transaction a request leaves open ends with it.
class Session {
 public:
  virtual ~Session() = default;
  virtual Result run(const std::string& sql, const std::vector<Parameter>& parameters = {}) = 0;
};

class Gateway {
 public:
  virtual ~Gateway() = default;
  // Runs `request`; throws SqlError with the statement's SQLSTATE (3D000 when there is no
  // such database, 57P03 while its duckling is not ready).
  virtual Result run(const Request& request) = 0;
  // A session for the requests of `base` (its database, actor and system; its sql unused).
  // This default runs each request alone.
  virtual std::unique_ptr<Session> open(const Request& base);
};

}  // namespace ducklings::gateway
