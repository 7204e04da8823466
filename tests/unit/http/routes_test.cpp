#include "http/routes.h"

#include <gtest/gtest.h>

#include <set>

#include "control/control_plane.h"
#include "http/api.h"

namespace ducklings::http {
namespace {
using json = nlohmann::json;

std::vector<std::string> parts(const std::string& path) {
  return path_segments(path);
}

TEST(RoutesTest, PatternsMatchWithTheirParameters) {
  std::map<std::string, std::string> params;
  std::vector<std::string> allowed;
  const Route* r = match_route(Api::routes(), "GET", parts("/orgs/acme/teams/7"), params, allowed);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->operation_id, "getTeam");
  EXPECT_EQ(params.at("org"), "acme");
  EXPECT_EQ(params.at("team_id"), "7");
  // A literal segment wins only where it is spelled: …/grants/revoke is not …/grants.
  r = match_route(Api::routes(), "POST", parts("/orgs/acme/grants/revoke"), params, allowed);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->operation_id, "revoke");
  EXPECT_EQ(match_route(Api::routes(), "GET", parts("/orgs/acme/nothing"), params, allowed),
            nullptr);
  EXPECT_TRUE(allowed.empty());
}

TEST(RoutesTest, AnotherMethodOfAKnownPathListsTheAllowedOnes) {
  std::map<std::string, std::string> params;
  std::vector<std::string> allowed;
  EXPECT_EQ(match_route(Api::routes(), "PUT", parts("/orgs/acme"), params, allowed), nullptr);
  EXPECT_EQ(allowed, (std::vector<std::string>{"GET", "PATCH", "DELETE"}));
}

TEST(RoutesTest, ABodyFieldTheSchemaDoesNotNameIsRefused) {
  std::map<std::string, std::string> params;
  std::vector<std::string> allowed;
  const Route* r = match_route(Api::routes(), "POST", parts("/orgs"), params, allowed);
  ASSERT_NE(r, nullptr);
  EXPECT_NO_THROW(check_body(*r, json{{"name", "acme"}, {"max_vcpus", 4}}));
  try {
    check_body(*r, json{{"name", "acme"}, {"max_vcpu", 4}});
    FAIL() << "a misspelt field was accepted";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_NE(std::string(e.what()).find("\"max_vcpu\""), std::string::npos) << e.what();
  }
  EXPECT_THROW(check_body(*r, json::array()), ApiError);
  // A route without fields takes an empty object, nothing else.
  r = match_route(Api::routes(), "POST", parts("/orgs/acme/activity/12/cancel"), params, allowed);
  ASSERT_NE(r, nullptr);
  EXPECT_NO_THROW(check_body(*r, json::object()));
  EXPECT_THROW(check_body(*r, json{{"force", true}}), ApiError);
  // GET and DELETE carry no body to check.
  r = match_route(Api::routes(), "DELETE", parts("/orgs/acme"), params, allowed);
  ASSERT_NE(r, nullptr);
  EXPECT_NO_THROW(check_body(*r, json{{"anything", 1}}));
}

TEST(RoutesTest, TheTableIsConsistent) {
  std::set<std::string> operations, methods_and_patterns, commands;
  for (const Route& r : Api::routes()) {
    EXPECT_TRUE(operations.insert(r.operation_id).second) << "duplicate " << r.operation_id;
    EXPECT_TRUE(methods_and_patterns.insert(r.method + " " + r.pattern).second)
        << "duplicate " << r.method << " " << r.pattern;
    EXPECT_TRUE(r.handler) << r.operation_id << " has no handler";
    EXPECT_FALSE(r.summary.empty()) << r.operation_id;
    if (r.method == "GET" || r.method == "DELETE") {
      EXPECT_TRUE(r.body.empty()) << r.operation_id << ": a " << r.method << " with a body";
    }
    if (!r.cli) continue;
    EXPECT_TRUE(commands.insert(r.cli->group + " " + r.cli->verb).second)
        << "duplicate ctl command " << r.cli->group << " " << r.cli->verb;
    for (const auto& name : r.cli->positional) {
      bool known = false;
      for (const auto& p : pattern_parameters(r.pattern)) known = known || p == name;
      for (const auto& f : r.body) known = known || f.name == name;
      EXPECT_TRUE(known) << r.operation_id << ": positional " << name << " is not a parameter";
    }
  }
}

TEST(RoutesTest, TheOpenApiDocumentDescribesEveryRoute) {
  json doc = Api::openapi();
  for (const Route& r : Api::routes()) {
    std::string method = r.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const json& path = doc["paths"]["/api/v1" + r.pattern];
    ASSERT_TRUE(path.contains(method)) << r.method << " " << r.pattern;
    EXPECT_EQ(path[method]["operationId"], r.operation_id);
    EXPECT_EQ(path["parameters"].size(), pattern_parameters(r.pattern).size()) << r.pattern;
    if (!r.body.empty()) {
      json body = path[method]["requestBody"]["content"]["application/json"]["schema"];
      if (body.contains("$ref")) {
        std::string name = body["$ref"].get<std::string>().substr(strlen("#/components/schemas/"));
        body = doc["components"]["schemas"][name];
      }
      EXPECT_EQ(body["additionalProperties"], false) << r.operation_id;
      EXPECT_EQ(body["properties"].size(), r.body.size()) << r.operation_id;
    }
  }
  EXPECT_EQ(doc["paths"]["/api/v1/orgs/{org}/teams/{team_id}"]["parameters"][1]["schema"]["type"],
            "integer");
}

}  // namespace
}  // namespace ducklings::http
