#include "common/config.h"

#include <gtest/gtest.h>

#include "common/errors.h"

namespace ducklings {
TEST(ConfigTest, DefaultsAndFlags) {
  ServerConfig c = load_config({{"port", "6543"}});
  EXPECT_EQ(c.port, 6543);
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.http_port, 8080);
}
TEST(ConfigTest, BadValueNamesTheSetting) {
  try {
    load_config({{"port", "abc"}});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("port"), std::string::npos);
  }
}
}  // namespace ducklings
