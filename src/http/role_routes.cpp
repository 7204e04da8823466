// The routes of a duckling's roles and grants. They run CREATE ROLE, GRANT and their kin as
// SQL in the duckling (the same statements a client may send), so the API and SQL enforce
// and audit them alike.
#include "http/api.h"
#include "sql/privileges.h"
#include "sql/quoting.h"

namespace ducklings::http {
namespace {
using json = nlohmann::json;
using namespace schema;

std::string identifier(const json& v, const char* what) {
  if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().size() > 63) {
    throw ApiError(400, "invalid_request", std::string("\"") + what + "\" must be a name");
  }
  return sql::quote_identifier(v.get<std::string>());
}

// GRANT or REVOKE of {"privileges": ["SELECT", …], one of "table": "schema.table" |
// "schema": "s" | "all_tables_in_schema": "s", "to": "role"}.
std::string grant_statement(const json& body, bool revoke) {
  std::string privileges;
  const json& privs = body.value("privileges", json());
  if (!privs.is_array() || privs.empty()) {
    throw ApiError(400, "invalid_request", "\"privileges\" must be a non-empty array");
  }
  for (const auto& pr : privs) {
    sql::Privilege parsed;
    if (!pr.is_string() || !(sql::parse_privilege(pr.get<std::string>(), parsed) ||
                             pr.get<std::string>() == "ALL" || pr.get<std::string>() == "all")) {
      throw ApiError(400, "invalid_request", "unknown privilege " + pr.dump());
    }
    privileges += (privileges.empty() ? "" : ", ") + pr.get<std::string>();
  }
  std::string on;
  if (body.contains("table")) {
    const json& t = body["table"];
    if (!t.is_string())
      throw ApiError(400, "invalid_request", "\"table\" must be \"schema.table\"");
    std::string name = t.get<std::string>();
    size_t dot = name.find('.');
    on = "TABLE " + (dot == std::string::npos
                         ? identifier(json(name), "table")
                         : identifier(json(name.substr(0, dot)), "table") + "." +
                               identifier(json(name.substr(dot + 1)), "table"));
  } else if (body.contains("schema")) {
    on = "SCHEMA " + identifier(body["schema"], "schema");
  } else if (body.contains("all_tables_in_schema")) {
    on = "ALL TABLES IN SCHEMA " + identifier(body["all_tables_in_schema"], "all_tables_in_schema");
  } else {
    throw ApiError(400, "invalid_request",
                   "name one of \"table\", \"schema\", \"all_tables_in_schema\"");
  }
  std::string to = identifier(body.value("to", json()), "to");
  return (revoke ? "REVOKE " : "GRANT ") + privileges + " ON " + on + (revoke ? " FROM " : " TO ") +
         to;
}

}  // namespace

std::vector<Route> Api::role_routes() {
  std::vector<Field> grant_fields = {
      {"privileges", {{"type", "array"}, {"items", str()}}, true, "SELECT, INSERT, …, or ALL"},
      {"table", described(str(), "schema.table"), false, "one table (schema.table)"},
      {"schema", str(), false, "a schema (USAGE, CREATE)"},
      {"all_tables_in_schema", str(), false, "every table of a schema"},
      {"to", str(), true, "the role or user"}};
  auto grant = [](bool revoke) {
    return [revoke](Api& api, const Call& c) {
      api.run_in_duckling(c.param("org"), c.actor, grant_statement(c.body, revoke));
      return ApiResponse{200, {{"granted", !revoke}}};
    };
  };
  return {
      {"GET",
       "/orgs/{org}/roles",
       "listRoles",
       "Roles of the duckling with their members and grants",
       200,
       list_of("Role"),
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         auto sql = [&](const char* statement) {
           return api.run_in_duckling(c.param("org"), c.actor, statement).rows;
         };
         json out = json::array();
         for (const char* b : {"owner", "writer", "reader"}) {
           out.push_back({{"name", b},
                          {"kind", "builtin"},
                          {"members", json::array()},
                          {"grants", json::array()}});
         }
         for (const auto& r : sql("SELECT name, kind FROM duckgres_meta.roles ORDER BY name")) {
           out.push_back({{"name", *r[0]},
                          {"kind", *r[1]},
                          {"members", json::array()},
                          {"grants", json::array()}});
         }
         std::map<std::string, json*> by_name;
         for (auto& role : out) by_name[role["name"].get<std::string>()] = &role;
         for (const auto& r :
              sql("SELECT role, member FROM duckgres_meta.role_members ORDER BY 1, 2")) {
           if (by_name.count(*r[0])) (*by_name[*r[0]])["members"].push_back(*r[1]);
         }
         for (const auto& r : sql("SELECT grantee, privilege, schema_name, table_name FROM "
                                  "duckgres_meta.grants ORDER BY 1, 3, 4, 2")) {
           json g = {{"privilege", *r[1]}, {"schema", *r[2] == "main" ? "public" : *r[2]}};
           if (*r[3] == "*") {
             g["all_tables"] = true;
           } else if (!r[3]->empty()) {
             g["table"] = *r[3];
           }
           if (by_name.count(*r[0])) (*by_name[*r[0]])["grants"].push_back(g);
         }
         return ApiResponse{200, out};
       },
       CliCommand{"role", "list", "roles with their members and grants"}},
      {"POST",
       "/orgs/{org}/roles",
       "createRole",
       "Create a role (CREATE ROLE)",
       201,
       ref("Role"),
       {{"name", str(), true, "the role's name"}},
       "",
       {},
       [](Api& api, const Call& c) {
         api.run_in_duckling(c.param("org"), c.actor,
                             "CREATE ROLE " + identifier(c.body.value("name", json()), "name"));
         return ApiResponse{201, {{"name", c.body["name"]}, {"kind", "role"}}};
       },
       CliCommand{"role", "create", "create a role", {"org", "name"}}},
      {"DELETE",
       "/orgs/{org}/roles/{role}",
       "dropRole",
       "Drop a role, its grants and memberships",
       204,
       nullptr,
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         api.run_in_duckling(c.param("org"), c.actor,
                             "DROP ROLE " + identifier(json(c.param("role")), "role"));
         return ApiResponse{204, nullptr};
       },
       CliCommand{"role", "drop", "drop a role"}},
      {"POST",
       "/orgs/{org}/roles/{role}/members",
       "addRoleMember",
       "GRANT role TO member",
       201,
       nullptr,
       {{"member", str(), true, "the user or role that joins"}},
       "",
       {},
       [](Api& api, const Call& c) {
         api.run_in_duckling(c.param("org"), c.actor,
                             "GRANT " + identifier(json(c.param("role")), "role") + " TO " +
                                 identifier(c.body.value("member", json()), "member"));
         return ApiResponse{201, {{"role", c.param("role")}, {"member", c.body["member"]}}};
       },
       CliCommand{"role", "add-member", "GRANT role TO member", {"org", "role", "member"}}},
      {"DELETE",
       "/orgs/{org}/roles/{role}/members/{member}",
       "removeRoleMember",
       "REVOKE role FROM member",
       204,
       nullptr,
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         api.run_in_duckling(c.param("org"), c.actor,
                             "REVOKE " + identifier(json(c.param("role")), "role") + " FROM " +
                                 identifier(json(c.param("member")), "member"));
         return ApiResponse{204, nullptr};
       },
       CliCommand{"role", "remove-member", "REVOKE role FROM member"}},
      {"POST",
       "/orgs/{org}/grants",
       "grant",
       "GRANT privileges on a table, a schema or all its tables",
       200,
       nullptr,
       grant_fields,
       "GrantRequest",
       {},
       grant(false),
       CliCommand{"", "grant", "GRANT privileges"}},
      {"POST",
       "/orgs/{org}/grants/revoke",
       "revoke",
       "REVOKE privileges",
       200,
       nullptr,
       grant_fields,
       "GrantRequest",
       {},
       grant(true),
       CliCommand{"", "revoke", "REVOKE privileges"}},
  };
}

}  // namespace ducklings::http
