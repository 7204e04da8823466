#include "common/secret_box.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/errors.h"

namespace ducklings {
namespace {

TEST(SecretBox, SealsAndOpens) {
  SecretBox box = SecretBox::with_key(std::string(32, 'k'));
  for (std::string secret : {std::string(), std::string("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                             std::string(1000, '\0')}) {
    std::string sealed = box.seal(secret);
    EXPECT_EQ(sealed.rfind("v1:", 0), 0u);
    EXPECT_EQ(box.open(sealed), secret);
    if (!secret.empty()) {
      EXPECT_EQ(sealed.find(secret), std::string::npos);
    }
  }
  // A random nonce each time: the same secret never seals the same way twice.
  EXPECT_NE(box.seal("same"), box.seal("same"));
}

TEST(SecretBox, RefusesAnotherKeyAndAlteredSecrets) {
  SecretBox box = SecretBox::with_key(std::string(32, 'k'));
  std::string sealed = box.seal("the secret");
  EXPECT_THROW(SecretBox::with_key(std::string(32, 'x')).open(sealed), std::runtime_error);
  std::string altered = sealed;
  altered[10] = altered[10] == 'A' ? 'B' : 'A';
  EXPECT_THROW(box.open(altered), std::runtime_error);
  EXPECT_THROW(box.open("the secret"), std::runtime_error);
  EXPECT_THROW(box.open("v1:"), std::runtime_error);
}

TEST(SecretBox, MakesItsKeyFileOnceWithMode0600) {
  std::string file = std::filesystem::temp_directory_path() /
                     ("secret_box_test_" + std::to_string(::getpid()) + ".key");
  std::filesystem::remove(file);
  std::string sealed = SecretBox(file).seal("kept");
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(st.st_size, 32);
  EXPECT_EQ(SecretBox(file).open(sealed), "kept");  // the same key on the next start
  std::ofstream(file, std::ios::trunc) << "short";
  EXPECT_THROW(SecretBox{file}, ConfigError);
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace ducklings
