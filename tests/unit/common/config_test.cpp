#include "common/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "common/errors.h"

extern char** environ;

namespace ducklings {
namespace {

// Clears every DUCKGRES_* variable for the test and restores the caller's environment after,
// so neither a developer's shell nor another test leaks settings in.
class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (char** e = environ; *e != nullptr; ++e) {
      std::string entry(*e);
      if (entry.rfind("DUCKGRES_", 0) != 0) continue;
      size_t eq = entry.find('=');
      saved_[entry.substr(0, eq)] = eq == std::string::npos ? "" : entry.substr(eq + 1);
    }
    for (const auto& [name, value] : saved_) ::unsetenv(name.c_str());
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("duckgres_config_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    for (const auto& name : set_) ::unsetenv(name.c_str());
    for (const auto& [name, value] : saved_) ::setenv(name.c_str(), value.c_str(), 1);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void set_env(const std::string& name, const std::string& value) {
    ::setenv(name.c_str(), value.c_str(), 1);
    set_.push_back(name);
  }
  std::string write_yaml(const std::string& text, const std::string& name = "config.yaml") {
    std::filesystem::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }

  std::filesystem::path dir_;

 private:
  std::map<std::string, std::string> saved_;
  std::vector<std::string> set_;
};

// Runs `f`, expecting a ConfigError whose message names `setting`.
template <typename F>
void expect_config_error(F&& f, const std::string& setting, const std::string& what) {
  try {
    f();
    ADD_FAILURE() << what << ": accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(setting), std::string::npos)
        << what << ": message does not name '" << setting << "': " << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << what << ": not a ConfigError: " << e.what();
  }
}

void expect_bad_flag(const std::string& name, const std::string& value) {
  expect_config_error([&] { load_config({{name, value}}); }, name, name + "=" + value);
}

TEST_F(ConfigTest, DefaultsAndFlags) {
  ServerConfig c = load_config({{"port", "6543"}});
  EXPECT_EQ(c.port, 6543);
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.http_port, 8080);
}

TEST_F(ConfigTest, BadValueNamesTheSetting) {
  try {
    load_config({{"port", "abc"}});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("port"), std::string::npos);
  }
}

TEST_F(ConfigTest, Defaults) {
  ServerConfig c = load_config({});
  ServerConfig d;
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.port, 5432);
  EXPECT_EQ(c.http_port, 8080);
  EXPECT_EQ(c.data_dir, "./data");
  EXPECT_EQ(c.config, "");
  EXPECT_EQ(c.tls, "on");
  EXPECT_EQ(c.auth_method, "scram-sha-256");
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.max_connections, d.max_connections);
  EXPECT_EQ(c.shutdown_timeout, d.shutdown_timeout);
  EXPECT_EQ(c.max_message_size, d.max_message_size);
  EXPECT_EQ(c.threads, 0);
  EXPECT_EQ(c.memory_limit, "");
}

TEST_F(ConfigTest, EverySettingHasADescription) {
  const auto& d = setting_descriptions();
  for (const char* name : {"host", "port", "http_port", "data_dir", "config", "tls_cert", "tls_key",
                           "tls", "auth_method", "log_level", "max_connections", "shutdown_timeout",
                           "max_message_size", "threads", "memory_limit"}) {
    ASSERT_TRUE(d.count(name)) << name;
    EXPECT_FALSE(d.at(name).empty()) << name;
  }
}

TEST_F(ConfigTest, YamlFileSetsValues) {
  std::string file = write_yaml(
      "host: 0.0.0.0\n"
      "port: 7000\n"
      "http-port: 7001\n"  // dashes work like underscores
      "tls: off\n"
      "auth_method: password\n"
      "log_level: debug\n"
      "max_connections: 5\n"
      "max_message_size: 2048\n"
      "memory_limit: 1GB\n");
  ServerConfig c = load_config({{"config", file}});
  EXPECT_EQ(c.host, "0.0.0.0");
  EXPECT_EQ(c.port, 7000);
  EXPECT_EQ(c.http_port, 7001);
  EXPECT_EQ(c.tls, "off");
  EXPECT_EQ(c.auth_method, "password");
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.max_connections, 5);
  EXPECT_EQ(c.max_message_size, 2048);
  EXPECT_EQ(c.memory_limit, "1GB");
  EXPECT_EQ(c.config, file);
  EXPECT_EQ(c.data_dir, "./data");  // untouched settings keep their defaults
}

TEST_F(ConfigTest, EmptyYamlFileKeepsDefaults) {
  std::string file = write_yaml("");
  ServerConfig c = load_config({{"config", file}});
  EXPECT_EQ(c.port, 5432);
  EXPECT_EQ(c.config, file);
}

TEST_F(ConfigTest, EnvironmentSetsValues) {
  set_env("DUCKGRES_PORT", "6000");
  set_env("DUCKGRES_HTTP_PORT", "6001");
  set_env("DUCKGRES_DATA_DIR", "/tmp/x");
  set_env("DUCKGRES_TLS", "require");
  set_env("DUCKGRES_MAX_MESSAGE_SIZE", "4096");
  ServerConfig c = load_config({});
  EXPECT_EQ(c.port, 6000);
  EXPECT_EQ(c.http_port, 6001);
  EXPECT_EQ(c.data_dir, "/tmp/x");
  EXPECT_EQ(c.tls, "require");
  EXPECT_EQ(c.max_message_size, 4096);
}

TEST_F(ConfigTest, PrecedenceFlagsOverEnvOverFileOverDefaults) {
  std::string file = write_yaml(
      "port: 1111\n"
      "http_port: 2222\n"
      "host: file-host\n"
      "threads: 3\n");
  set_env("DUCKGRES_PORT", "3333");
  set_env("DUCKGRES_HTTP_PORT", "4444");
  ServerConfig c = load_config({{"config", file}, {"port", "5555"}});
  EXPECT_EQ(c.port, 5555);         // flag beats env and file
  EXPECT_EQ(c.http_port, 4444);    // env beats file
  EXPECT_EQ(c.host, "file-host");  // file beats default
  EXPECT_EQ(c.threads, 3);
  EXPECT_EQ(c.log_level, "info");  // default
}

TEST_F(ConfigTest, ConfigFileFromEnvironmentAndFlagOverride) {
  std::string env_file = write_yaml("port: 1234\n", "env.yaml");
  std::string flag_file = write_yaml("port: 4321\n", "flag.yaml");
  set_env("DUCKGRES_CONFIG", env_file);
  ServerConfig from_env = load_config({});
  EXPECT_EQ(from_env.port, 1234);
  EXPECT_EQ(from_env.config, env_file);
  ServerConfig from_flag = load_config({{"config", flag_file}});
  EXPECT_EQ(from_flag.port, 4321);
  EXPECT_EQ(from_flag.config, flag_file);
}

TEST_F(ConfigTest, FlagNamesAcceptDashes) {
  ServerConfig c = load_config({{"http-port", "9000"}, {"max-connections", "7"}});
  EXPECT_EQ(c.http_port, 9000);
  EXPECT_EQ(c.max_connections, 7);
}

TEST_F(ConfigTest, IntegerBounds) {
  EXPECT_EQ(load_config({{"port", "0"}}).port, 0);
  EXPECT_EQ(load_config({{"port", "65535"}}).port, 65535);
  EXPECT_EQ(load_config({{"max_message_size", "1073741824"}}).max_message_size, 1LL << 30);
  EXPECT_EQ(load_config({{"shutdown_timeout", "0"}}).shutdown_timeout, 0);
}

TEST_F(ConfigTest, NonIntegerValues) {
  for (const char* v : {"abc", "", "12a", "1.5", "0x10", "1e3", "99999999999999999999999"}) {
    expect_bad_flag("port", v);
  }
  expect_bad_flag("http_port", "eighty");
  expect_bad_flag("max_connections", "many");
  expect_bad_flag("shutdown_timeout", "30s");
  expect_bad_flag("max_message_size", "1MB");
  expect_bad_flag("threads", "all");
}

TEST_F(ConfigTest, OutOfRangeValues) {
  expect_bad_flag("port", "65536");
  expect_bad_flag("port", "-1");
  expect_bad_flag("http_port", "70000");
  expect_bad_flag("max_connections", "0");
  expect_bad_flag("max_connections", "100001");
  expect_bad_flag("shutdown_timeout", "3601");
  expect_bad_flag("shutdown_timeout", "-5");
  expect_bad_flag("max_message_size", "1023");
  expect_bad_flag("max_message_size", "1073741825");
  expect_bad_flag("threads", "-1");
  expect_bad_flag("threads", "1025");
}

TEST_F(ConfigTest, BadChoices) {
  expect_bad_flag("tls", "maybe");
  expect_bad_flag("tls", "ON");
  expect_bad_flag("tls", "");
  expect_bad_flag("auth_method", "md5");
  expect_bad_flag("auth_method", "trust");
  expect_bad_flag("log_level", "verbose");
  expect_bad_flag("log_level", "INFO");
}

TEST_F(ConfigTest, UnknownFlag) {
  expect_config_error(
      [] {
        load_config({{"no_such_setting", "1"}});
      },
      "no_such_setting", "unknown flag");
}

TEST_F(ConfigTest, BadValuesFromTheEnvironment) {
  set_env("DUCKGRES_PORT", "abc");
  expect_config_error([] { load_config({}); }, "port", "DUCKGRES_PORT=abc");
  set_env("DUCKGRES_PORT", "5432");
  set_env("DUCKGRES_TLS", "sometimes");
  expect_config_error([] { load_config({}); }, "tls", "DUCKGRES_TLS=sometimes");
  set_env("DUCKGRES_TLS", "off");
  set_env("DUCKGRES_MAX_CONNECTIONS", "0");
  expect_config_error([] { load_config({}); }, "max_connections", "DUCKGRES_MAX_CONNECTIONS=0");
}

TEST_F(ConfigTest, BadValuesInTheFile) {
  std::string bad_int = write_yaml("port: abc\n", "a.yaml");
  expect_config_error([&] { load_config({{"config", bad_int}}); }, "port", "port: abc");
  std::string range = write_yaml("http_port: 100000\n", "b.yaml");
  expect_config_error([&] { load_config({{"config", range}}); }, "http_port", "range");
  std::string choice = write_yaml("auth_method: md5\n", "c.yaml");
  expect_config_error([&] { load_config({{"config", choice}}); }, "auth_method", "choice");
  std::string level = write_yaml("log_level: loud\n", "d.yaml");
  expect_config_error([&] { load_config({{"config", level}}); }, "log_level", "level");
}

TEST_F(ConfigTest, UnknownKeyInTheFile) {
  std::string file = write_yaml("port: 5000\nbogus_key: 1\n");
  expect_config_error([&] { load_config({{"config", file}}); }, "bogus_key", "unknown key");
}

TEST_F(ConfigTest, NonScalarValueInTheFile) {
  std::string list = write_yaml("port: [1, 2]\n", "a.yaml");
  expect_config_error([&] { load_config({{"config", list}}); }, "port", "sequence value");
  std::string map = write_yaml("host:\n  a: b\n", "b.yaml");
  expect_config_error([&] { load_config({{"config", map}}); }, "host", "map value");
}

TEST_F(ConfigTest, MalformedOrNonMappingFile) {
  std::string broken = write_yaml("port: [1, 2\n", "broken.yaml");
  expect_config_error([&] { load_config({{"config", broken}}); }, "config", "unparsable YAML");
  std::string list = write_yaml("- port\n- 5\n", "list.yaml");
  expect_config_error([&] { load_config({{"config", list}}); }, "config", "top-level list");
}

TEST_F(ConfigTest, MissingConfigFile) {
  std::string missing = (dir_ / "does-not-exist.yaml").string();
  expect_config_error([&] { load_config({{"config", missing}}); }, "config", "missing file");
  set_env("DUCKGRES_CONFIG", missing);
  expect_config_error([] { load_config({}); }, "config", "missing file from env");
}

TEST_F(ConfigTest, ApplySettingDirectly) {
  ServerConfig c;
  apply_setting(c, "tls-cert", "/etc/cert.pem");
  apply_setting(c, "threads", "8");
  EXPECT_EQ(c.tls_cert, "/etc/cert.pem");
  EXPECT_EQ(c.threads, 8);
  expect_config_error([&] { apply_setting(c, "nope", "1"); }, "nope", "unknown");
  expect_config_error([&] { apply_setting(c, "threads", "x"); }, "threads", "bad threads");
  EXPECT_EQ(c.threads, 8);  // a rejected value leaves the setting alone
}

}  // namespace
}  // namespace ducklings
