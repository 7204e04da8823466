// Files in one of the organization's storages as a source: CSV, JSON Lines or Parquet under a
// path, a prefix or a glob (s3://<storage>/<path>), landing as one table. DuckDB reads the files
// itself — the server stages them in the duckling's object cache (control::StorageAccess; a
// local storage's files are read in place) — so no rows pass through the server. The schema is
// inferred from the first file and reported; append and incremental syncs read only the files
// that are new or whose ETag changed since the last landed run (the table's cursor keeps each
// file's ETag).
#include <cctype>

#include "common/errors.h"
#include "control/storage_access.h"
#include "gateway/gateway.h"
#include "sources/kinds.h"
#include "sql/quoting.h"

namespace ducklings::sources {
namespace {
using json = nlohmann::json;

bool glob_char(char c) { return c == '*' || c == '?' || c == '['; }

// The table's name from the path: its last segment without globs, less an extension
// ("exports/orders/*.parquet" and "orders.csv" land as orders).
std::string table_name_of(const std::string& path) {
  std::vector<std::string> segments;
  size_t at = 0;
  while (at <= path.size()) {
    size_t end = path.find('/', at);
    if (end == std::string::npos) end = path.size();
    std::string seg = path.substr(at, end - at);
    if (!seg.empty() && std::none_of(seg.begin(), seg.end(), glob_char)) segments.push_back(seg);
    at = end + 1;
  }
  std::string base = segments.empty() ? "files" : segments.back();
  if (size_t dot = base.find('.'); dot != std::string::npos && dot > 0) base = base.substr(0, dot);
  std::string out;
  for (char c : base) {
    out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : '_';
  }
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "t_" + out;
  return out;
}

bool incremental_type(const std::string& t) {
  return t == "TINYINT" || t == "SMALLINT" || t == "INTEGER" || t == "BIGINT" || t == "HUGEINT" ||
         t.rfind("DECIMAL", 0) == 0 || t == "DATE" || t == "TIMESTAMP" ||
         t == "TIMESTAMP WITH TIME ZONE" || t.rfind("UBIGINT", 0) == 0 || t == "UINTEGER";
}

class FilesSource : public Source {
 public:
  FilesSource(const json& c, SourceContext context)
      : storage_(c.value("storage", "")),
        path_(c.value("path", "")),
        format_(c.value("format", "")),
        table_(c.contains("table") ? c["table"].get<std::string>() : table_name_of(path_)),
        context_(std::move(context)) {}

  std::vector<SourceTable> discover() override {
    auto objects = list();
    SourceTable t;
    t.name = table_;
    t.kind = "files";
    t.tracks_itself = true;
    // The first file's columns, as DuckDB reads them.
    auto staged = stage({objects.front().key});
    Unpin unpin{this, staged.lease};
    auto described = run("DESCRIBE " + select_all(staged.files));
    for (const auto& r : described.rows) {
      std::string type = r.at(1).value_or("VARCHAR");
      t.columns.push_back({r.at(0).value_or(""), type, type, ""});
      if (incremental_type(type)) t.incremental_fields.push_back(t.columns.back().name);
    }
    return {t};
  }

  uint64_t stream(const SourceTable&, const std::vector<SourceColumn>&, const std::string&,
                  const std::optional<std::string>&, int64_t, const CsvSink&) override {
    throw SourceError(false, "files are read by the duckling, not streamed");
  }

  std::optional<DirectRead> read_directly(const SourceTable& table, const json& cursor) override {
    auto objects = list();
    json remember = json::object();
    std::vector<std::string> keys;
    for (const auto& o : objects) {
      remember[o.key] = o.etag;
      // New or changed since the last landed run (all of them for a full refresh).
      if (!cursor.is_object() || cursor.value(o.key, std::string()) != o.etag) keys.push_back(o.key);
    }
    DirectRead out;
    out.remember = remember;
    std::string columns;
    for (const auto& c : table.columns) {
      columns += (columns.empty() ? "" : ", ") + std::string("CAST(") +
                 sql::quote_identifier(c.name) + " AS " + c.duck_type + ") AS " + sql::quote_identifier(c.name);
    }
    if (keys.empty()) {  // nothing new: no rows, the columns still typed
      std::string none;
      for (const auto& c : table.columns) {
        none += (none.empty() ? "" : ", ") + std::string("CAST(NULL AS ") + c.duck_type + ") AS " +
                sql::quote_identifier(c.name);
      }
      out.select = "SELECT " + none + " WHERE false";
      return out;
    }
    auto staged = stage(keys);
    uint64_t lease = staged.lease;
    out.release = [this, lease] { context_.storage->release(context_.org, lease); };
    out.select = "SELECT " + columns + " FROM (" + select_all(staged.files, table.columns) + ")";
    return out;
  }

 private:
  struct Staged {
    uint64_t lease;
    std::vector<std::string> files;
  };
  struct Unpin {
    FilesSource* source;
    uint64_t lease;
    ~Unpin() { source->context_.storage->release(source->context_.org, lease); }
  };

  control::StorageCaller caller() const { return {context_.org, true, {}}; }
  std::string url(const std::string& key) const { return "s3://" + storage_ + "/" + key; }

  std::vector<storage::ObjectInfo> list() {
    std::vector<storage::ObjectInfo> objects;
    try {
      objects = context_.storage->objects(caller(), url(path_));
    } catch (const SqlError& e) {
      throw SourceError(e.sqlstate() == "58030", "storage " + storage_ + ": " + e.what());
    }
    // Folders' markers and empty objects hold no rows.
    objects.erase(std::remove_if(objects.begin(), objects.end(),
                                 [](const storage::ObjectInfo& o) { return o.size == 0 || o.key.back() == '/'; }),
                  objects.end());
    if (objects.empty()) throw SourceError(false, "no files match s3://" + storage_ + "/" + path_);
    return objects;
  }

  Staged stage(const std::vector<std::string>& keys) {
    std::vector<std::string> urls;
    for (const auto& k : keys) urls.push_back(url(k));
    try {
      auto staged = context_.storage->stage(caller(), urls);
      Staged out{staged.lease, {}};
      for (const auto& files : staged.files) out.files.insert(out.files.end(), files.begin(), files.end());
      return out;
    } catch (const SqlError& e) {
      throw SourceError(e.sqlstate() == "58030", "storage " + storage_ + ": " + e.what());
    }
  }

  // Every file's rows, columns matched by name across files; JSON Lines read with the
  // discovered columns (a key missing from a line is NULL).
  std::string select_all(const std::vector<std::string>& files,
                         const std::vector<SourceColumn>& columns = {}) const {
    std::string list;
    for (const auto& f : files) list += (list.empty() ? "" : ", ") + sql::quote_literal(f);
    list = "[" + list + "]";
    if (format_ == "parquet") return "SELECT * FROM read_parquet(" + list + ", union_by_name = true)";
    if (format_ == "csv") return "SELECT * FROM read_csv(" + list + ", header = true, union_by_name = true)";
    std::string typed;
    for (const auto& c : columns) {
      typed += (typed.empty() ? "" : ", ") + sql::quote_literal(c.name) + ": " + sql::quote_literal(c.duck_type);
    }
    return "SELECT * FROM read_json(" + list + ", format = 'newline_delimited'" +
           (typed.empty() ? std::string(", union_by_name = true") : ", columns = {" + typed + "}") + ")";
  }

  gateway::Result run(const std::string& sql) {
    try {
      return context_.gateway->run({context_.org, "source files", sql, {}, true});
    } catch (const SqlError& e) {
      throw SourceError(false, "the files of s3://" + storage_ + "/" + path_ + " could not be read as " +
                                   format_ + ": " + e.what());
    }
  }

  std::string storage_, path_, format_, table_;
  SourceContext context_;
};

}  // namespace

std::vector<ConnectionField> files_fields() {
  return {{"storage", ConnectionField::kString, true},
          {"path", ConnectionField::kString, true},
          {"format", ConnectionField::kString, true, false, nullptr, {"csv", "jsonl", "json", "ndjson", "parquet"}},
          {"table", ConnectionField::kString}};
}

std::unique_ptr<Source> open_files(const json& connection, const SourceContext& context) {
  if (!context.storage || !context.gateway) throw SourceError(false, "storages are not set up on this server");
  if (connection.contains("table")) {
    std::string t = connection["table"];
    bool ok = !t.empty() && (std::islower(static_cast<unsigned char>(t[0])) || t[0] == '_') &&
              std::all_of(t.begin(), t.end(), [](char c) {
                return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
              });
    if (!ok) {
      throw control::RefusedError(control::Refusal::kInvalid, "invalid_request",
                                  "connection \"table\" must be a lower-case identifier");
    }
  }
  return std::make_unique<FilesSource>(connection, context);
}

}  // namespace ducklings::sources
