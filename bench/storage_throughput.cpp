// PUT and GET throughput of a dataset through the storage module (src/storage/), to an
// S3-compatible service and to a local directory, side by side (bench/storage_bench.py runs
// it against s3rver). Prints one JSON object: MiB/s per backend and direction.
//
//   storage_throughput --endpoint http://127.0.0.1:4569 --bucket ducks --dir /tmp/x
//                      [--mib 1024] [--files 8] [--access-key-id S3RVER --secret S3RVER]
#include <openssl/rand.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "common/digest.h"
#include "storage/storage.h"

namespace fs = std::filesystem;
using namespace ducklings;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string file_sha(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return sha256_hex(data);
}

// Uploads then downloads every file; checks the bytes; returns {put MiB/s, get MiB/s}.
std::pair<double, double> measure(storage::Storage& s, const std::vector<std::string>& files,
                                  const std::string& scratch, double mib) {
  auto t = std::chrono::steady_clock::now();
  for (size_t i = 0; i < files.size(); ++i) s.upload("bench/part-" + std::to_string(i), files[i]);
  double put = seconds_since(t);
  t = std::chrono::steady_clock::now();
  std::vector<std::string> got;
  for (size_t i = 0; i < files.size(); ++i) {
    std::string path = scratch + "/got-" + std::to_string(i);
    s.download("bench/part-" + std::to_string(i), path);
    got.push_back(path);
  }
  double get = seconds_since(t);
  for (size_t i = 0; i < files.size(); ++i) {
    if (file_sha(got[i]) != file_sha(files[i])) {
      throw std::runtime_error(s.describe() + ": part " + std::to_string(i) + " differs");
    }
    fs::remove(got[i]);
  }
  std::vector<std::string> keys;
  for (size_t i = 0; i < files.size(); ++i) keys.push_back("bench/part-" + std::to_string(i));
  s.remove(keys);
  return {mib / put, mib / get};
}

}  // namespace

int main(int argc, char** argv) {
  std::string endpoint, bucket = "ducks", dir, key = "S3RVER", secret = "S3RVER";
  size_t mib = 1024, files = 8;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--endpoint") endpoint = v;
    else if (a == "--bucket") bucket = v;
    else if (a == "--dir") dir = v;
    else if (a == "--mib") mib = std::stoul(v);
    else if (a == "--files") files = std::stoul(v);
    else if (a == "--access-key-id") key = v;
    else if (a == "--secret") secret = v;
  }
  if (endpoint.empty() || dir.empty()) {
    std::cerr << "usage: storage_throughput --endpoint URL --dir DIR [--mib N] [--files N]\n";
    return 2;
  }
  try {
    std::string data_dir = dir + "/dataset", scratch = dir + "/scratch";
    fs::create_directories(data_dir);
    fs::create_directories(scratch);
    // Random bytes: nothing on the way compresses them.
    std::vector<std::string> paths;
    size_t per_file = (mib << 20) / files;
    std::string chunk(1 << 20, '\0');
    for (size_t i = 0; i < files; ++i) {
      std::string p = data_dir + "/part-" + std::to_string(i);
      std::ofstream out(p, std::ios::binary);
      for (size_t written = 0; written < per_file; written += chunk.size()) {
        RAND_bytes(reinterpret_cast<unsigned char*>(chunk.data()), static_cast<int>(chunk.size()));
        out.write(chunk.data(), static_cast<std::streamsize>(std::min(chunk.size(), per_file - written)));
      }
      paths.push_back(p);
    }
    storage::S3Options o;
    o.endpoint = endpoint;
    o.bucket = bucket;
    o.access_key_id = key;
    o.secret_access_key = secret;
    auto s3 = storage::open_s3(o);
    auto local = storage::open_local(dir + "/local");
    double total = static_cast<double>(per_file * files) / (1 << 20);
    auto [s3_put, s3_get] = measure(*s3, paths, scratch, total);
    auto [local_put, local_get] = measure(*local, paths, scratch, total);
    std::printf(
        "{\"mib\": %.0f, \"files\": %zu, \"s3_put_mib_s\": %.1f, \"s3_get_mib_s\": %.1f, "
        "\"local_put_mib_s\": %.1f, \"local_get_mib_s\": %.1f}\n",
        total, files, s3_put, s3_get, local_put, local_get);
    fs::remove_all(data_dir);
    fs::remove_all(scratch);
    fs::remove_all(dir + "/local");
  } catch (const std::exception& e) {
    std::cerr << "storage_throughput: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
