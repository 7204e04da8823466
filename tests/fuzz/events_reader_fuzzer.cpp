// libFuzzer target for bootstrap's JSON Lines reader, duckgres_read_events(): the input (after
// a first byte that sizes the reader's pieces) is written to a file and read through DuckDB,
// every column cast to text. A query may fail (a
// line that is not a JSON object), never crash; when it succeeds, it made one row per line
// that is not blank.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "duck/duck.h"
#include "ingest/events_reader.h"

namespace {
using namespace ducklings;

struct Environment {
  std::string directory;
  std::string file;
  duck::Database database{"", {{"threads", "2"}}};
  std::unique_ptr<duck::Connection> connection;

  Environment() {
    char dir[] = "/tmp/events-reader-fuzzer-XXXXXX";
    if (!::mkdtemp(dir)) std::abort();
    directory = dir;
    file = directory + "/input.jsonl";
    connection = database.connect();
    ingest::register_events_reader(*connection, {directory});
  }
  ~Environment() {
    std::error_code ec;
    std::filesystem::remove_all(directory, ec);
  }
};

// The lines a well-formed input makes rows of: those with something besides white space
// (after a byte order mark at the start).
int64_t non_blank_lines(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  int64_t lines = 0;
  bool content = false;
  for (char c : text) {
    if (c == '\n') {
      lines += content;
      content = false;
    } else if (c != ' ' && c != '\t' && c != '\r') {
      content = true;
    }
  }
  return lines + content;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Environment env;
  if (size == 0) return 0;
  // The first byte sizes the pieces the reader's threads take (1 to 64 bytes, or the default),
  // so that pieces start and end inside lines, documents and escapes.
  ingest::set_events_reader_piece_bytes(data[0] < 192 ? size_t{1} + data[0] % 64 : size_t{4} << 20);
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  {
    std::ofstream out(env.file, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
  }
  std::string sql =
      "SELECT count(*), count(CAST(uuid AS VARCHAR) || event || distinct_id || "
      "CAST(properties AS VARCHAR) || CAST(\"timestamp\" AS VARCHAR) || timestamp_text || "
      "CAST(person_id AS VARCHAR) || elements_chain || CAST(created_at AS VARCHAR) || "
      "created_at_text || \"$session_id\" || \"$window_id\" || CAST(\"$groups\" AS VARCHAR) || "
      "\"$group_0\" || \"$group_4\"), max(length(CAST(properties AS VARCHAR))) FROM "
      "duckgres_read_events(['" +
      env.file + "'])";
  try {
    duck::Result r = env.connection->query(sql);
    duck::DataChunk chunk = r.fetch();
    if (!chunk || chunk.size() != 1) std::abort();
    int64_t rows = static_cast<int64_t*>(duckdb_vector_get_data(chunk.column(0)))[0];
    if (rows != non_blank_lines(text)) {
      std::fprintf(stderr, "events_reader_fuzzer: %lld rows from %lld lines\n",
                   static_cast<long long>(rows), static_cast<long long>(non_blank_lines(text)));
      std::abort();
    }
  } catch (const duck::DuckError&) {
    // Input that is not JSON Lines of objects is refused, with its line named.
  }
  return 0;
}
