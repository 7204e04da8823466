// The API's route table: per route its method, path pattern, handler, request and response
// schema, and the `duckgres ctl` command that calls it. The dispatcher (Api::handle), the
// OpenAPI document (Api::openapi) and the ctl commands (ctl/ctl.cpp) are all made from it, so
// a route added to a resource's table is served, described and scriptable at once.
#pragma once
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ducklings::http {

class Api;

// A request the API refuses: its HTTP status, a stable code and a message; answered as
// {"error": {"code", "message"}}.
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }

 private:
  int status_;
  std::string code_;
};

struct ApiResponse {
  int status = 200;
  nlohmann::json body;  // null for 204
};

// A field of a route's JSON body, or a query parameter.
struct Field {
  std::string name;
  nlohmann::json schema;  // its OpenAPI schema
  bool required = false;
  std::string help;  // the ctl option's help (and the schema's description when it has none)
  // The ctl option: "" for --name-with-dashes, another "--…" to rename it, "-" for none.
  std::string cli = "";
  // ctl: the environment variable a required field is read from when the option is not given
  // (a field without an option, a secret, is read from it always).
  std::string env = "";
};

// `duckgres ctl <group> <verb> [positionals] [--options]` for a route.
struct CliCommand {
  std::string group;  // "" for a top-level command (then `verb` is its name)
  std::string verb;
  std::string help;
  // Path parameters and body fields given positionally, in order; every other path parameter
  // is positional too, after these.
  std::vector<std::string> positional = {};
  // What ctl does after a successful call: "" prints the answer; "wait_ready" or
  // "wait_deleted" polls the duckling (with --wait); "follow_job" shows the job's progress.
  std::string after = "";
  std::vector<std::string> aliases = {};  // other names of the verb
};

// A request matched to a route.
struct Call {
  std::map<std::string, std::string> path;  // the pattern's {parameters}
  const nlohmann::json& body;               // an object for POST, PUT and PATCH
  const std::map<std::string, std::string>& query;
  const std::string& actor;
  const std::string& param(const std::string& name) const { return path.at(name); }
};

struct Route {
  std::string method;   // GET, POST, PUT, PATCH or DELETE
  std::string pattern;  // under /api/v1, e.g. "/orgs/{org}/teams/{team_id}"
  std::string operation_id, summary;
  int status = 200;         // on success
  nlohmann::json response;  // the answer's schema; null when there is none
  // POST, PUT and PATCH take a JSON object of these fields (none: an empty object or no body);
  // another field is a 400.
  std::vector<Field> body = {};
  std::string body_schema = "";  // names the body's schema among the components, when shared
  std::vector<Field> query = {};
  std::function<ApiResponse(Api&, const Call&)> handler = {};
  std::optional<CliCommand> cli = std::nullopt;
};

// A path's {team_id}: a positive integer, or a 400.
int64_t team_id_of(const std::string& text);
// The request's fields as the control plane's typed requests take them: right JSON type, or
// a 400 naming the field (what they mean is checked by the control plane).
std::string text_field(const nlohmann::json& body, const char* name, bool required);

// Building blocks of OpenAPI schemas.
namespace schema {
nlohmann::json str();
nlohmann::json integer();
nlohmann::json number();
nlohmann::json boolean();
nlohmann::json one_of(std::vector<std::string> values);  // a string enum
nlohmann::json ref(const std::string& component);
nlohmann::json list_of(const std::string& component);
nlohmann::json object(nlohmann::json properties, std::vector<std::string> required = {});
nlohmann::json nullable(nlohmann::json schema);
nlohmann::json described(nlohmann::json schema, const std::string& description);
}  // namespace schema

// The route `method` `parts` (the path's segments under /api/v1) names, with its path
// parameters; nullptr when none. `allowed` gets the methods of the routes whose pattern
// matches (for a 405) when the method does not.
const Route* match_route(const std::vector<Route>& routes, const std::string& method,
                         const std::vector<std::string>& parts,
                         std::map<std::string, std::string>& parameters,
                         std::vector<std::string>& allowed);
// A 400 (ApiError) unless `body` is an object of the route's fields (GET and DELETE: any).
void check_body(const Route& route, const nlohmann::json& body);

// The OpenAPI schema of a path parameter (team_id and pid are integers).
nlohmann::json path_parameter_schema(const std::string& name);
// The non-empty segments of a path ("/a//b/" → a, b).
std::vector<std::string> path_segments(const std::string& path);
// The {parameters} of a pattern, in order.
std::vector<std::string> pattern_parameters(const std::string& pattern);

}  // namespace ducklings::http
