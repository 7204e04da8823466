#include "control/control_plane.h"

#include <gtest/gtest.h>

#include "http/control_json.h"
#include "http/routes.h"

namespace ducklings::control {
namespace {
using json = nlohmann::json;

int status_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const RefusedError& e) {
    // As the API answers it (http/api.cpp).
    switch (e.why()) {
      case Refusal::kInvalid:
        return 400;
      case Refusal::kNotFound:
        return 404;
      case Refusal::kConflict:
        return 409;
      case Refusal::kQuotaExceeded:
      case Refusal::kUnprocessable:
        return 422;
    }
  } catch (const http::ApiError& e) {
    return e.status();  // the API's reading of a request body
  }
  return 0;
}

TEST(ComputeSizes, NamedAndCustom) {
  using http::parse_size;  // the API's size object; the control plane checks the values
  EXPECT_EQ(parse_size("xs").vcpus, 1);
  EXPECT_EQ(parse_size("m").vcpus, 4);
  EXPECT_EQ(parse_size("m").memory_mb, 8192);
  ComputeSize c = parse_size(json{{"vcpus", 3}, {"memory", "6GB"}});
  EXPECT_EQ(c.name, "custom");
  EXPECT_EQ(c.vcpus, 3);
  EXPECT_EQ(c.memory_mb, 6144);
  EXPECT_EQ(c.temp_mb, 6144 * 5);
  EXPECT_EQ(parse_size(json{{"vcpus", 1}, {"memory", 512}}).memory_mb, 512);
  EXPECT_EQ(parse_size(json(nullptr)).name, "xs");
  for (const json& bad :
       {json("xl"), json(3), json{{"vcpus", 0}, {"memory", "1GB"}}, json{{"vcpus", 2}},
        json{{"vcpus", 2}, {"memory", "1TB"}}, json{{"vcpus", 2}, {"memory", "100MB"}}}) {
    EXPECT_EQ(status_of([&] { parse_size(bad); }), 400) << bad.dump();
  }
}

TEST(OrgNames, AreDatabaseNames) {
  EXPECT_TRUE(ControlPlane::valid_org_name("acme"));
  EXPECT_TRUE(ControlPlane::valid_org_name("acme-eu_2"));
  EXPECT_FALSE(ControlPlane::valid_org_name("Acme"));
  EXPECT_FALSE(ControlPlane::valid_org_name("2acme"));
  EXPECT_FALSE(ControlPlane::valid_org_name(""));
  EXPECT_FALSE(ControlPlane::valid_org_name("a/b"));
  EXPECT_FALSE(ControlPlane::valid_org_name("duckgres"));
  EXPECT_FALSE(ControlPlane::valid_org_name("postgres"));
  EXPECT_FALSE(ControlPlane::valid_org_name(std::string(64, 'a')));
}

TEST(Tokens, AreStoredAsHashes) {
  EXPECT_EQ(ControlPlane::hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace ducklings::control
