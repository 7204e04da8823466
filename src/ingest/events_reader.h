// duckgres_read_events(['a.jsonl', ...]): PostHog events from JSON Lines files as typed
// columns, read by DuckDB's threads in parallel. Bootstrap streams its batches through it:
// DuckDB's own JSON reader writes every properties object out again and leaves the uuid and
// timestamp casts to the query, which together took half of a batch.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "duck/duck.h"

namespace ducklings::ingest {

inline constexpr const char* kEventsReader = "duckgres_read_events";

// Registers the reader in the connection's database. It opens only files under
// `readable_directories`; a line that is not a JSON object fails the query, naming file and
// line.
//
// Columns: uuid, event, distinct_id, properties (JSON; a JSON string holding an object is
// unwrapped), timestamp, person_id, elements_chain, created_at, "$session_id", "$window_id" and
// "$groups" (JSON) from the properties, and "$group_0".."$group_4". A timestamp this reader does
// not parse itself (no UTC offset, say) comes as text in timestamp_text or created_at_text for
// DuckDB to cast; a key a line lacks and a uuid that is not one read as NULL.
void register_events_reader(duck::Connection& connection,
                            const std::vector<std::string>& readable_directories);

// The size of the pieces threads take (4 MiB); the fuzzer makes them tiny to cross every line.
void set_events_reader_piece_bytes(size_t bytes);

}  // namespace ducklings::ingest
