// PostgreSQL's change stream: logical replication through a slot and a publication of the
// connector's name, decoded by the built-in pgoutput plugin (protocol version 1, text values).
// The slot keeps the WAL the reader has not confirmed, so a restart of either side resumes
// where the last applied batch ended; a batch may be sent again after a crash between its
// apply and its confirmation, which is why the applier is idempotent (rows by primary key).
#include <poll.h>

#include <chrono>
#include <cstring>
#include <map>
#include <set>
#include <thread>

#include "sources/cdc.h"
#include "sources/postgres_internal.h"

namespace ducklings::sources {
namespace {
using namespace pg;
using Clock = std::chrono::steady_clock;

constexpr auto kBatchDelay = std::chrono::milliseconds(200);
constexpr size_t kBatchChanges = 50000;
constexpr auto kStatusInterval = std::chrono::seconds(10);
// PostgreSQL's epoch (2000-01-01) in Unix microseconds.
constexpr int64_t kPgEpochUs = 946684800LL * 1000000;

std::string lsn_text(uint64_t lsn) {
  char out[40];
  std::snprintf(out, sizeof out, "%X/%X", static_cast<unsigned>(lsn >> 32),
                static_cast<unsigned>(lsn & 0xffffffffu));
  return out;
}

int64_t now_pg_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
             .count() -
         kPgEpochUs;
}

// Reads pgoutput's big-endian fields; a message shorter than it says is a protocol error.
class Reader {
 public:
  Reader(const char* data, size_t size) : p_(data), end_(data + size) {}
  uint8_t byte() { return static_cast<uint8_t>(*take(1)); }
  uint16_t u16() { return static_cast<uint16_t>(number(2)); }
  uint32_t u32() { return static_cast<uint32_t>(number(4)); }
  uint64_t u64() { return number(8); }
  std::string cstring() {
    const char* z = static_cast<const char*>(std::memchr(p_, 0, static_cast<size_t>(end_ - p_)));
    if (!z) throw SourceError(true, "PostgreSQL: a malformed replication message");
    std::string s(p_, z);
    p_ = z + 1;
    return s;
  }
  std::string bytes(size_t n) { return std::string(take(n), n); }

 private:
  const char* take(size_t n) {
    if (static_cast<size_t>(end_ - p_) < n)
      throw SourceError(true, "PostgreSQL: a truncated replication message");
    const char* at = p_;
    p_ += n;
    return at;
  }
  uint64_t number(size_t n) {
    const char* at = take(n);
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(at[i]);
    return v;
  }
  const char* p_;
  const char* end_;
};

void put(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

class PostgresChanges : public ChangeStream {
 public:
  PostgresChanges(Connection c, std::string name) : c_(std::move(c)), name_(std::move(name)) {}

  const std::string& name() const override { return name_; }

  void prepare(const std::vector<SourceTable>& tables) override {
    Conn conn = connect(c_);
    std::string level = PQgetvalue(exec(conn.get(), "SHOW wal_level", PGRES_TUPLES_OK).get(), 0, 0);
    if (level != "logical") {
      throw SourceError(false, "change data capture needs wal_level = logical on the source "
                               "(it is " + level + "; set it and restart PostgreSQL)");
    }
    std::set<std::string> want, have;
    std::string list;
    for (const auto& t : tables) {
      want.insert(t.schema + "." + t.name);
      list += (list.empty() ? "" : ", ") + quote_ident(t.schema) + "." + quote_ident(t.name);
    }
    Res r = exec(conn.get(), "SELECT 1 FROM pg_publication WHERE pubname = " + quote_text(name_),
                 PGRES_TUPLES_OK);
    bool exists = PQntuples(r.get()) > 0;
    if (exists) {
      r = exec(conn.get(), "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = " +
                               quote_text(name_), PGRES_TUPLES_OK);
      for (int i = 0; i < PQntuples(r.get()); ++i)
        have.insert(std::string(PQgetvalue(r.get(), i, 0)) + "." + PQgetvalue(r.get(), i, 1));
    }
    if (!exists || have != want) {
      std::string sql = exists ? "ALTER PUBLICATION " + quote_ident(name_) + " SET TABLE " + list
                               : "CREATE PUBLICATION " + quote_ident(name_) + " FOR TABLE " + list;
      Res p(PQexec(conn.get(), sql.c_str()), &PQclear);
      if (PQresultStatus(p.get()) != PGRES_COMMAND_OK) {
        std::string message = PQresultErrorMessage(p.get());
        while (!message.empty() && message.back() == '\n') message.pop_back();
        throw SourceError(false, "PostgreSQL: the publication " + name_ + " could not be made (" +
                                     message + "): the source's user needs CREATE on the database and must own the tables, or "
                                     "their owner runs: " + sql);
      }
    }
    r = exec(conn.get(), "SELECT 1 FROM pg_replication_slots WHERE slot_name = " + quote_text(name_),
             PGRES_TUPLES_OK);
    if (PQntuples(r.get()) == 0) {
      Res s(PQexec(conn.get(), ("SELECT pg_create_logical_replication_slot(" + quote_text(name_) +
                                ", 'pgoutput')").c_str()),
            &PQclear);
      if (PQresultStatus(s.get()) != PGRES_TUPLES_OK) {
        std::string message = PQresultErrorMessage(s.get());
        while (!message.empty() && message.back() == '\n') message.pop_back();
        const char* state = PQresultErrorField(s.get(), PG_DIAG_SQLSTATE);
        bool transient = state && std::string(state) == "55006";
        throw SourceError(transient, "PostgreSQL: the replication slot " + name_ +
                                         " could not be made (" + message +
                                         "): the source's user needs the REPLICATION attribute");
      }
    }
  }

  void stream(const std::function<void(ChangeBatch&)>& apply,
              const std::function<bool()>& stop) override {
    Conn conn = connect(c_, true);
    std::string start = "START_REPLICATION SLOT " + quote_ident(name_) +
                        " LOGICAL 0/0 (proto_version '1', publication_names " +
                        quote_text(quote_ident(name_)) + ")";
    Res started(PQexec(conn.get(), start.c_str()), &PQclear);
    if (PQresultStatus(started.get()) != PGRES_COPY_BOTH) check(started.get(), PGRES_COPY_BOTH);
    started.reset();

    ChangeBatch batch;
    std::vector<Change> transaction;
    bool in_transaction = false;
    int64_t commit_time = 0;
    uint64_t confirmed = 0, end_lsn = 0;
    std::optional<Clock::time_point> first_arrival;
    auto last_status = Clock::now();

    auto send_status = [&](bool reply) {
      std::string m = "r";
      put(m, confirmed, 8);
      put(m, confirmed, 8);
      put(m, confirmed, 8);
      put(m, static_cast<uint64_t>(now_pg_us()), 8);
      m += static_cast<char>(reply ? 1 : 0);
      if (PQputCopyData(conn.get(), m.data(), static_cast<int>(m.size())) != 1 || PQflush(conn.get()) != 0)
        throw SourceError(true, "PostgreSQL: " + std::string(PQerrorMessage(conn.get())));
      last_status = Clock::now();
    };
    auto flush_batch = [&] {
      if (batch.changes.empty() && batch.commit_times_us.empty()) return;
      batch.end_lsn = lsn_text(end_lsn);
      apply(batch);
      confirmed = std::max(confirmed, end_lsn);
      batch = ChangeBatch();
      first_arrival.reset();
      send_status(false);
    };

    while (!stop()) {
      if (!in_transaction && first_arrival &&
          (Clock::now() - *first_arrival >= kBatchDelay || batch.changes.size() >= kBatchChanges))
        flush_batch();
      if (Clock::now() - last_status >= kStatusInterval) send_status(false);
      char* buffer = nullptr;
      int n = PQgetCopyData(conn.get(), &buffer, 1);
      if (n == 0) {
        pollfd fd{PQsocket(conn.get()), POLLIN, 0};
        int wait = first_arrival ? 20 : 100;
        poll(&fd, 1, wait);
        if (PQconsumeInput(conn.get()) == 0)
          throw SourceError(true, "PostgreSQL: " + std::string(PQerrorMessage(conn.get())));
        continue;
      }
      if (n < 0) {
        std::string message = PQerrorMessage(conn.get());
        Res end(PQgetResult(conn.get()), &PQclear);
        if (end && PQresultStatus(end.get()) == PGRES_FATAL_ERROR) message = PQresultErrorMessage(end.get());
        while (!message.empty() && message.back() == '\n') message.pop_back();
        throw SourceError(true, "PostgreSQL: the replication stream ended: " +
                                    (message.empty() ? std::string("the server closed it") : message));
      }
      std::unique_ptr<char, decltype(&PQfreemem)> owned(buffer, &PQfreemem);
      Reader in(buffer, static_cast<size_t>(n));
      uint8_t kind = in.byte();
      if (kind == 'k') {  // keepalive
        uint64_t wal_end = in.u64();
        in.u64();
        bool reply = in.byte() != 0;
        // Nothing decoded is waiting: what the server has read so far may be confirmed, so
        // the slot does not hold WAL of tables it does not publish.
        if (!in_transaction && !first_arrival && wal_end > confirmed) confirmed = wal_end;
        if (reply) send_status(false);
        continue;
      }
      if (kind != 'w') continue;
      in.u64();  // where this message's WAL starts
      in.u64();
      in.u64();
      uint8_t message = in.byte();
      switch (message) {
        case 'B':
          in.u64();
          commit_time = static_cast<int64_t>(in.u64()) + kPgEpochUs;
          in_transaction = true;
          transaction.clear();
          break;
        case 'C': {
          in.byte();
          in.u64();
          end_lsn = in.u64();
          commit_time = static_cast<int64_t>(in.u64()) + kPgEpochUs;
          for (auto& c : transaction) batch.changes.push_back(std::move(c));
          transaction.clear();
          batch.commit_times_us.push_back(commit_time);
          in_transaction = false;
          if (!first_arrival) first_arrival = Clock::now();
          break;
        }
        case 'R':
          read_relation(in);
          break;
        case 'I': {
          Change c{Change::kInsert, relation(in.u32())};
          if (in.byte() != 'N') throw SourceError(true, "PostgreSQL: a malformed insert");
          read_tuple(in, c.values, &c.unchanged);
          transaction.push_back(std::move(c));
          break;
        }
        case 'U': {
          Change c{Change::kUpdate, relation(in.u32())};
          uint8_t part = in.byte();
          if (part == 'K' || part == 'O') {
            read_tuple(in, c.old_key, nullptr);
            part = in.byte();
          }
          if (part != 'N') throw SourceError(true, "PostgreSQL: a malformed update");
          read_tuple(in, c.values, &c.unchanged);
          transaction.push_back(std::move(c));
          break;
        }
        case 'D': {
          Change c{Change::kDelete, relation(in.u32())};
          in.byte();  // K or O
          read_tuple(in, c.old_key, nullptr);
          transaction.push_back(std::move(c));
          break;
        }
        case 'T': {
          uint32_t count = in.u32();
          in.byte();
          for (uint32_t i = 0; i < count; ++i) {
            Change c{Change::kTruncate, relation(in.u32())};
            transaction.push_back(std::move(c));
          }
          break;
        }
        default:  // origin, type, message: nothing to land
          break;
      }
    }
    if (!in_transaction) flush_batch();
  }

  void drop() override {
    Conn conn = connect(c_);
    // The slot is busy until its walsender notices the stream closed.
    for (int attempt = 0;; ++attempt) {
      Res r(PQexec(conn.get(), ("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                                "WHERE slot_name = " + quote_text(name_)).c_str()),
            &PQclear);
      if (PQresultStatus(r.get()) == PGRES_TUPLES_OK) break;
      const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
      if (attempt >= 50 || !state || std::string(state) != "55006") check(r.get(), PGRES_TUPLES_OK);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    exec(conn.get(), "DROP PUBLICATION IF EXISTS " + quote_ident(name_), PGRES_COMMAND_OK);
  }

 private:
  std::shared_ptr<const Relation> relation(uint32_t id) {
    auto it = relations_.find(id);
    if (it == relations_.end())
      throw SourceError(true, "PostgreSQL: a change of relation " + std::to_string(id) + " came before its description");
    return it->second;
  }

  // A table's description: its columns' types are resolved to their names (format_type) over
  // an ordinary connection, to land as the snapshot's did.
  void read_relation(Reader& in) {
    uint32_t id = in.u32();
    auto r = std::make_shared<Relation>();
    r->schema = in.cstring();
    if (r->schema.empty()) r->schema = "pg_catalog";
    r->name = in.cstring();
    in.byte();  // replica identity
    uint16_t count = in.u16();
    std::vector<std::string> names;
    std::string oids, mods;
    for (uint16_t i = 0; i < count; ++i) {
      r->key.push_back((in.byte() & 1) != 0);
      names.push_back(in.cstring());
      oids += (i ? "," : "") + std::to_string(in.u32());
      mods += (i ? "," : "") + std::to_string(static_cast<int32_t>(in.u32()));
    }
    if (!meta_) meta_ = std::make_unique<Conn>(connect(c_));
    Res types = exec(meta_->get(), "SELECT format_type(t.oid, t.mod) FROM unnest('{" + oids +
                                       "}'::oid[], '{" + mods + "}'::int[]) WITH ORDINALITY AS t(oid, mod, n) ORDER BY n",
                     PGRES_TUPLES_OK);
    for (uint16_t i = 0; i < count; ++i) r->columns.push_back(map_column(names[i], PQgetvalue(types.get(), i, 0)));
    relations_[id] = std::move(r);
  }

  static void read_tuple(Reader& in, Change::Tuple& values, std::vector<bool>* unchanged) {
    uint16_t count = in.u16();
    values.assign(count, std::nullopt);
    if (unchanged) unchanged->assign(count, false);
    for (uint16_t i = 0; i < count; ++i) {
      uint8_t kind = in.byte();
      if (kind == 't' || kind == 'b') {
        values[i] = in.bytes(in.u32());
      } else if (kind == 'u') {
        if (unchanged) (*unchanged)[i] = true;
      }
    }
  }

  Connection c_;
  std::string name_;
  std::map<uint32_t, std::shared_ptr<const Relation>> relations_;
  std::unique_ptr<Conn> meta_;
};

}  // namespace

std::unique_ptr<ChangeStream> open_postgres_changes(const nlohmann::json& connection,
                                                    const std::string& password,
                                                    const std::string& name) {
  return std::make_unique<PostgresChanges>(connection_of(connection, password), name);
}

}  // namespace ducklings::sources
