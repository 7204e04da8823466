// SQL-level cursors (DECLARE / FETCH / MOVE / CLOSE), as psycopg2 named cursors and BI tools
// use them: forward-only portals that stream from DuckDB and keep their place between FETCHes.
#include <climits>

#include "pgwire/session.h"

namespace ducklings::pgwire {
namespace {
constexpr int kCursorBinary = 0x0001;
constexpr int kCursorScroll = 0x0002;
constexpr int kCursorHold = 0x0020;
}  // namespace

void Session::handle_declare(const sql::Statement& st) {
  const auto& decl = sql::root_node(st)->declare_cursor_stmt();
  const std::string& name = decl.portalname();
  bool hold = decl.options() & kCursorHold;
  if (!hold && txn_ == TxnStatus::kIdle && !implicit_txn_) {
    throw SqlError("25P01", "DECLARE CURSOR can only be used in transaction blocks");
  }
  if (decl.options() & kCursorScroll) {
    throw SqlError("0A000", "scrollable cursors are not supported by duckgres",
                   0, "", "Declare the cursor with NO SCROLL, or without SCROLL.");
  }
  if (cursors_.count(name)) throw SqlError("42P03", "cursor \"" + name + "\" already exists");
  sql::Statement query = sql::analyze({sql::deparse_statement(decl.query()), 0});
  if (!query.returns_rows) throw SqlError("42601", "cursor query must return rows");
  Portal cursor;
  cursor.query = prepare(std::move(query), {});
  cursor.holdable = hold;
  if (decl.options() & kCursorBinary) cursor.result_formats = {1};
  cursors_.emplace(name, std::move(cursor));
  write_command_complete(out_, "DECLARE CURSOR");
}

void Session::handle_fetch(const sql::Statement& st, Output output,
                           const std::vector<int16_t>* formats) {
  const auto& fetch = sql::root_node(st)->fetch_stmt();
  auto it = cursors_.find(fetch.portalname());
  if (it == cursors_.end()) {
    throw SqlError("34000", "cursor \"" + fetch.portalname() + "\" does not exist");
  }
  Portal& cursor = it->second;
  int64_t count = fetch.how_many();
  switch (fetch.direction()) {
    case pg_query::FETCH_FORWARD: break;
    case pg_query::FETCH_RELATIVE:
      if (count >= 1) {
        // RELATIVE n: skip n-1 rows, return the nth.
        RunningScope running(*this);
        if (!cursor.started) start_portal(cursor);
        write_rows(cursor, static_cast<uint64_t>(count - 1), true);
        count = 1;
        break;
      }
      [[fallthrough]];
    default:
      throw SqlError("55000", "cursor can only scan forward", 0, "",
                     "Declare it with SCROLL option to enable backward scan.");
  }
  if (count == LONG_MAX || count < 0) count = 0;  // FETCH ALL
  if (fetch.how_many() == 0 && fetch.direction() == pg_query::FETCH_FORWARD) count = 0;
  std::string verb = fetch.ismove() ? "MOVE" : "FETCH";
  if (formats && !formats->empty() && *formats != cursor.result_formats) {
    cursor.result_formats = *formats;
    if (cursor.started) {
      // Re-encode from here on in the formats this Bind asked for.
      cursor.encoders.clear();
      cursor.column_formats.clear();
      for (idx_t i = 0; i < cursor.result.column_count(); ++i) {
        duck::LogicalType t = cursor.result.column_type(i);
        Format f = ((*formats).size() == 1 ? (*formats)[0] : i < formats->size() ? (*formats)[i] : 0) == 1
                       ? Format::kBinary
                       : Format::kText;
        cursor.encoders.push_back(make_encoder(t.get(), f, encode_options_));
        cursor.column_formats.push_back(static_cast<int16_t>(f));
      }
      if (!cursor.chunks.empty() && cursor.row_in_chunk > 0) {
        for (size_t c = 0; c < cursor.encoders.size(); ++c) {
          cursor.encoders[c]->set_vector(cursor.chunks.front().column(c));
        }
      }
    }
  }
  if (output != Output::kRows && !fetch.ismove()) describe_rows(*cursor.query, cursor.result_formats);
  if (output == Output::kDescribe) {
    if (fetch.ismove()) write_simple(out_, 'n');
    return;
  }
  send_cursor_rows(cursor, static_cast<uint64_t>(count), fetch.ismove(), output, verb);
}

void Session::send_cursor_rows(Portal& cursor, uint64_t count, bool move, Output output,
                               const std::string& verb) {
  uint64_t n = 0;
  if (!cursor.finished) {
    RunningScope running(*this);
    if (!cursor.started) start_portal(cursor);
    n = write_rows(cursor, count, move);
  }
  write_command_complete(out_, verb + " " + std::to_string(n));
}

void Session::handle_close_cursor(const sql::Statement& st) {
  const std::string& name = sql::root_node(st)->close_portal_stmt().portalname();
  if (name.empty()) {  // CLOSE ALL
    before_duckdb_call();
    cursors_.clear();
  } else {
    auto it = cursors_.find(name);
    if (it == cursors_.end()) throw SqlError("34000", "cursor \"" + name + "\" does not exist");
    if (streaming_ == &it->second) streaming_ = nullptr;
    cursors_.erase(it);
  }
  write_command_complete(out_, "CLOSE CURSOR");
}

}  // namespace ducklings::pgwire
