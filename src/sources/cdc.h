// Change data capture (sync_type "cdc"): a source's committed inserts, updates, deletes and
// truncates, in commit order, from a stream that resumes where its reader last confirmed
// (PostgreSQL: logical replication with pgoutput through a slot and a publication the
// connector creates and names).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sources/source.h"

namespace ducklings::sources {

// A table as the stream describes it when it first sends a change of it, and again after its
// columns changed upstream.
struct Relation {
  std::string schema, name;
  std::vector<SourceColumn> columns;
  std::vector<bool> key;  // per column: part of the replica identity (the primary key)
};

struct Change {
  enum Kind : char { kInsert = 'I', kUpdate = 'U', kDelete = 'D', kTruncate = 'T' };
  Kind kind = kInsert;
  std::shared_ptr<const Relation> relation;
  using Tuple = std::vector<std::optional<std::string>>;  // text forms; nullopt is NULL
  Tuple values;                // the new row (insert, update), in the relation's column order
  std::vector<bool> unchanged;  // update: columns not sent (unchanged large values)
  Tuple old_key;               // delete, or an update of the key: the old row's key columns
};

// Whole transactions, in commit order.
struct ChangeBatch {
  std::vector<Change> changes;
  std::vector<int64_t> commit_times_us;  // each transaction's commit, microseconds since 1970
  std::string end_lsn;                   // confirmed once the batch is applied
};

class ChangeStream {
 public:
  virtual ~ChangeStream() = default;
  // The slot exists and the publication covers exactly `tables`. Throws SourceError (with
  // what the user must grant when it may not).
  virtual void prepare(const std::vector<SourceTable>& tables) = 0;
  // Streams from the slot's confirmed position, handing `apply` a batch at most ~200 ms after
  // its first transaction arrived (or when it is large), and confirming it once apply
  // returns. Returns when `stop` says so; throws SourceError when the connection fails.
  virtual void stream(const std::function<void(ChangeBatch&)>& apply,
                      const std::function<bool()>& stop) = 0;
  // Drops the slot and the publication, if they exist.
  virtual void drop() = 0;
  virtual const std::string& name() const = 0;  // of the slot and the publication
};

// `name`: the slot's and publication's (lower-case letters, digits, underscores).
std::unique_ptr<ChangeStream> open_postgres_changes(const nlohmann::json& connection,
                                                    const std::string& password,
                                                    const std::string& name);

}  // namespace ducklings::sources
