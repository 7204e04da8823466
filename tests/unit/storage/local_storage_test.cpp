// The local directory as object storage, and the XML and key rules the S3 client shares.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/url.h"
#include "storage/storage.h"
#include "storage/storage_internal.h"

namespace ducklings::storage {
namespace {

class LocalStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("local_storage_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
    storage_ = open_local(root_.string());
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::filesystem::path root_;
  std::unique_ptr<Storage> storage_;
};

TEST_F(LocalStorageTest, RoundTripsRangesAndHeads) {
  std::string data(5 * 1024 * 1024 + 1, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 % 251);
  storage_->put("a/b/c.bin", data);
  storage_->put("empty", "");
  storage_->put("one", "x");
  EXPECT_EQ(storage_->get("a/b/c.bin"), data);
  EXPECT_EQ(storage_->get("empty"), "");
  EXPECT_EQ(storage_->get("one"), "x");
  EXPECT_EQ(storage_->get("a/b/c.bin", ByteRange{10, 19}), data.substr(10, 10));
  EXPECT_EQ(storage_->get("a/b/c.bin", ByteRange{data.size() - 3, std::nullopt}),
            data.substr(data.size() - 3));
  ObjectInfo info = storage_->head("a/b/c.bin");
  EXPECT_EQ(info.size, data.size());
  EXPECT_FALSE(info.etag.empty());
  EXPECT_EQ(info.last_modified.size(), 24u)
      << info.last_modified;  // 2024-01-02T03:04:05.000Z, as S3
  try {
    storage_->get("nope");
    FAIL();
  } catch (const StorageError& e) {
    EXPECT_EQ(e.failure(), Failure::kNotFound);
    EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos);
  }
  // A file uploads and downloads whole.
  std::string file =
      (root_ / "..").string() + "/local_storage_upload_" + std::to_string(::getpid());
  std::ofstream(file, std::ios::binary) << data;
  storage_->upload("up/loaded", file);
  storage_->download("up/loaded", file + ".back");
  std::ifstream back(file + ".back", std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(back), {}), data);
  std::filesystem::remove(file);
  std::filesystem::remove(file + ".back");
}

TEST_F(LocalStorageTest, ListsInKeyOrderByPagesAndRemoves) {
  std::vector<std::string> keys;
  for (int i = 0; i < 2500; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "d/%02d/k%04d", i % 7, i);
    keys.push_back(name);
    storage_->put(name, std::to_string(i));
  }
  storage_->put("other/x", "y");
  std::sort(keys.begin(), keys.end());
  ListPage first = storage_->list("d/", "", 1000);
  EXPECT_EQ(first.objects.size(), 1000u);
  EXPECT_FALSE(first.next.empty());
  auto all = storage_->list_all("d/");
  ASSERT_EQ(all.size(), keys.size());
  for (size_t i = 0; i < keys.size(); ++i) ASSERT_EQ(all[i].key, keys[i]);
  EXPECT_EQ(storage_->list_all("d/03/").size(), 357u);
  EXPECT_EQ(storage_->list_all("d/03/k00").size(), 14u);  // a prefix need not end at a '/'
  storage_->remove(std::vector<std::string>(keys.begin(), keys.begin() + 1200));
  storage_->remove({"never/was"});  // missing keys are not an error
  EXPECT_EQ(storage_->list_all("").size(), 1301u);
}

TEST_F(LocalStorageTest, KeysStayInsideTheRoot) {
  for (const char* bad : {"", "/etc/passwd", "../x", "a/../../x", "a/./b", "a//b"}) {
    try {
      storage_->put(bad, "x");
      ADD_FAILURE() << bad;
    } catch (const StorageError& e) {
      EXPECT_EQ(e.failure(), Failure::kInvalid) << bad;
    }
  }
  EXPECT_FALSE(std::filesystem::exists(root_ / ".." / "x"));
}

TEST(StorageXml, ReadsElementsAndEntities) {
  std::string xml =
      "<?xml version=\"1.0\"?><R><Contents><Key>a&amp;b &lt;&#233;&#x4e2d;&gt;</Key></Contents>"
      "<Contents><Key>c</Key></Contents><KeyCount>2</KeyCount><Empty/></R>";
  EXPECT_EQ(xml_texts(xml, "Key"), (std::vector<std::string>{"a&b <\xc3\xa9\xe4\xb8\xad>", "c"}));
  EXPECT_EQ(xml_text(xml, "KeyCount"), "2");  // not confused with Key
  EXPECT_EQ(xml_elements(xml, "Contents").size(), 2u);
  EXPECT_EQ(xml_text(xml, "Empty"), "");
  EXPECT_EQ(xml_escape("a<b>&'\""), "a&lt;b&gt;&amp;&apos;&quot;");
  EXPECT_EQ(url_encode("a b/c~d+é", true), "a%20b/c~d%2B%C3%A9");
  EXPECT_EQ(url_encode("a/b", false), "a%2Fb");
}

}  // namespace
}  // namespace ducklings::storage
