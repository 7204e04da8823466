// SQL-level cursors (DECLARE / FETCH / MOVE / CLOSE), as psycopg2 named cursors and BI tools
// use them. A cursor without SCROLL is a forward-only portal that streams from DuckDB and keeps
// its place between FETCHes (PostgreSQL scrolls such a cursor backwards when its plan allows;
// here moving backwards needs SCROLL). A SCROLL cursor keeps every row of its query once it is
// first fetched, as PostgreSQL's tuplestore does, and moves both ways with PostgreSQL's
// position rules: before the first row, on row 1..N, or after the last.
#include <algorithm>
#include <climits>

#include "pgwire/session.h"

namespace ducklings::pgwire {

// The rows of a SCROLL cursor, all of them, and where the cursor stands.
struct ScrollRows {
  bool loaded = false;
  std::vector<duck::DataChunk> chunks;
  std::vector<uint64_t> starts;  // the index of each chunk's first row
  uint64_t total = 0;
  uint64_t position = 0;               // 0: before the first row; total + 1: after the last
  size_t encoded_chunk = SIZE_MAX;     // the chunk the encoders point at
};

namespace {
constexpr int kCursorBinary = 0x0001;
constexpr int kCursorScroll = 0x0002;
constexpr int kCursorHold = 0x0020;
constexpr int64_t kFetchAll = LONG_MAX;

[[noreturn]] void forward_only() {
  throw SqlError("55000", "cursor can only scan forward", 0, "",
                 "Declare it with SCROLL option to enable backward scan.");
}
}  // namespace

void Session::handle_declare(const sql::Statement& st) {
  const auto& decl = sql::root_node(st)->declare_cursor_stmt();
  const std::string& name = decl.portalname();
  bool hold = decl.options() & kCursorHold;
  if (!hold && txn_ == TxnStatus::kIdle && !implicit_txn_) {
    throw SqlError("25P01", "DECLARE CURSOR can only be used in transaction blocks");
  }
  if (cursors_.count(name)) throw SqlError("42P03", "cursor \"" + name + "\" already exists");
  sql::Statement query = sql::analyze({sql::deparse_statement(decl.query()), 0});
  if (!query.returns_rows) throw SqlError("42601", "cursor query must return rows");
  Portal cursor;
  cursor.query = prepare(std::move(query), {});
  cursor.holdable = hold;
  if (decl.options() & kCursorScroll) cursor.scroll = std::make_shared<ScrollRows>();
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
      if (cursor.scroll) cursor.scroll->encoded_chunk = SIZE_MAX;
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
  if (cursor.scroll) {
    scroll_fetch(cursor, fetch.direction(), fetch.how_many(), fetch.ismove(), verb);
    return;
  }
  int64_t count = fetch.how_many();
  switch (fetch.direction()) {
    case pg_query::FETCH_FORWARD:
      if (count < 0) forward_only();  // FETCH -n: backwards
      if (count == 0) {
        // Re-fetching the current row means stepping back; MOVE 0 only asks where it stands.
        if (!fetch.ismove()) forward_only();
        bool on_row = cursor.rows_sent > 0 && !cursor.finished;
        write_command_complete(out_, verb + " " + std::string(on_row ? "1" : "0"));
        return;
      }
      break;
    case pg_query::FETCH_ABSOLUTE:
      // Forward to row n is a skip; anything behind would need a rewind.
      if (count <= 0 || static_cast<uint64_t>(count) <= cursor.rows_sent) forward_only();
      count -= static_cast<int64_t>(cursor.rows_sent);
      [[fallthrough]];
    case pg_query::FETCH_RELATIVE:
      if (count < 1) forward_only();
      if (count > 1 && !cursor.finished) {
        // RELATIVE n: skip n-1 rows, return the nth.
        RunningScope running(*this);
        if (!cursor.started) start_portal(cursor);
        write_rows(cursor, static_cast<uint64_t>(count - 1), true);
      }
      count = 1;
      break;
    default:
      forward_only();
  }
  if (count == kFetchAll) count = 0;  // write_rows: 0 = all
  send_cursor_rows(cursor, static_cast<uint64_t>(count), fetch.ismove(), output, verb);
}

void Session::send_cursor_rows(Portal& cursor, uint64_t count, bool move, Output output,
                               const std::string& verb) {
  (void)output;
  uint64_t n = 0;
  if (!cursor.finished) {
    RunningScope running(*this);
    if (!cursor.started) start_portal(cursor);
    n = write_rows(cursor, count, move);
  }
  write_command_complete(out_, verb + " " + std::to_string(n));
}

void Session::load_scroll_rows(Portal& cursor) {
  ScrollRows& s = *cursor.scroll;
  if (s.loaded) return;
  RunningScope running(*this);
  if (!cursor.started) start_portal(cursor);
  // Rows already drained (another statement ran meanwhile) come first, then the rest.
  auto keep = [&](duck::DataChunk c) {
    if (c.size() == 0) return;
    s.starts.push_back(s.total);
    s.total += c.size();
    s.chunks.push_back(std::move(c));
  };
  while (!cursor.chunks.empty()) {
    keep(std::move(cursor.chunks.front()));
    cursor.chunks.pop_front();
  }
  while (cursor.stream_open) {
    duck::DataChunk c = cursor.result.fetch();
    if (!c) break;
    keep(std::move(c));
  }
  cursor.stream_open = false;
  if (streaming_ == &cursor) streaming_ = nullptr;
  s.loaded = true;
}

void Session::write_scroll_row(Portal& cursor, uint64_t row) {
  ScrollRows& s = *cursor.scroll;
  uint64_t index = row - 1;
  size_t k = static_cast<size_t>(std::upper_bound(s.starts.begin(), s.starts.end(), index) -
                                 s.starts.begin()) -
             1;
  if (k != s.encoded_chunk) {
    for (size_t c = 0; c < cursor.encoders.size(); ++c) {
      cursor.encoders[c]->set_vector(s.chunks[k].column(c));
    }
    s.encoded_chunk = k;
  }
  idx_t in_chunk = index - s.starts[k];
  size_t at = out_.begin_message('D');
  out_.put_i16(static_cast<int16_t>(cursor.encoders.size()));
  for (auto& e : cursor.encoders) e->append_field(in_chunk, out_);
  out_.end_message(at);
  maybe_flush();
}

void Session::scroll_fetch(Portal& cursor, int direction, int64_t count, bool move,
                           const std::string& verb) {
  load_scroll_rows(cursor);
  ScrollRows& s = *cursor.scroll;
  const uint64_t n = s.total;
  uint64_t& pos = s.position;  // 0 … n + 1
  uint64_t returned = 0;
  auto emit = [&](uint64_t row) {
    if (!move) write_scroll_row(cursor, row);
    ++returned;
  };
  // Goes to `target` (a row number; <= 0 before the first, > n after the last) and returns
  // the row there, if any: ABSOLUTE and RELATIVE.
  auto land = [&](int64_t target) {
    if (target <= 0) {
      pos = 0;
    } else if (static_cast<uint64_t>(target) > n) {
      pos = n + 1;
    } else {
      pos = static_cast<uint64_t>(target);
      emit(pos);
    }
  };
  bool forward = true;
  switch (direction) {
    case pg_query::FETCH_ABSOLUTE:
      if (count > 0) {
        land(count);
      } else if (count < 0) {
        land(static_cast<int64_t>(n) + 1 + count);
      } else {
        pos = 0;
      }
      write_command_complete(out_, verb + " " + std::to_string(returned));
      return;
    case pg_query::FETCH_RELATIVE:
      if (count != 0) {
        // Saturating: count may be huge.
        int64_t here = static_cast<int64_t>(pos);
        int64_t target = count > 0 ? (count > static_cast<int64_t>(n) + 1 ? static_cast<int64_t>(n) + 1
                                                                           : here + count)
                                   : (-count > here ? 0 : here + count);
        land(target);
        write_command_complete(out_, verb + " " + std::to_string(returned));
        return;
      }
      break;  // RELATIVE 0 is FORWARD 0
    case pg_query::FETCH_BACKWARD:
      forward = count < 0;
      if (count < 0) count = -count;
      break;
    default:  // FORWARD
      forward = count >= 0;
      if (count < 0) count = -count;
      break;
  }
  if (count == 0) {
    // Re-fetch the current row, if the cursor stands on one.
    if (pos >= 1 && pos <= n) emit(pos);
  } else if (forward) {
    uint64_t want = count == kFetchAll ? UINT64_MAX : static_cast<uint64_t>(count);
    while (returned < want && pos <= n) {
      ++pos;
      if (pos > n) break;
      emit(pos);
    }
    if (returned < want) pos = n + 1;
  } else {
    uint64_t want = count == kFetchAll ? UINT64_MAX : static_cast<uint64_t>(count);
    while (returned < want && pos >= 1) {
      --pos;
      if (pos == 0) break;
      emit(pos);
    }
  }
  write_command_complete(out_, verb + " " + std::to_string(returned));
}

void Session::handle_close_cursor(const sql::Statement& st) {
  const std::string& name = sql::root_node(st)->close_portal_stmt().portalname();
  if (name.empty()) {  // CLOSE ALL
    before_duckdb_call();
    cursors_.clear();
    write_command_complete(out_, "CLOSE CURSOR ALL");
    return;
  } else {
    auto it = cursors_.find(name);
    if (it == cursors_.end()) throw SqlError("34000", "cursor \"" + name + "\" does not exist");
    if (streaming_ == &it->second) streaming_ = nullptr;
    cursors_.erase(it);
  }
  write_command_complete(out_, "CLOSE CURSOR");
}

}  // namespace ducklings::pgwire
