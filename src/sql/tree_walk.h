// Generic traversal of pg_query parse trees through protobuf reflection, so rewrites need not
// know every node type that may contain the ones they change.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "pg_query.pb.h"

namespace ducklings::sql {

// Calls `visit` on every Node below `message` (depth first, parents before children). The
// callback may change the node it gets; the walk then continues into the changed node.
void walk_nodes(google::protobuf::Message& message, const std::function<void(pg_query::Node&)>& visit);

// Calls `visit` on every RangeVar below `message`, including those held directly by statements
// (CREATE VIEW's name, ALTER TABLE's relation) rather than in a Node.
void walk_range_vars(google::protobuf::Message& message,
                     const std::function<void(pg_query::RangeVar&)>& visit);

// Calls `visit` on every message below `message` (one pass for checks of several kinds).
void walk_messages(google::protobuf::Message& message,
                   const std::function<void(google::protobuf::Message&)>& visit);

// Whether two expressions are written alike (their positions in the text aside), as
// PostgreSQL matches a GROUP BY expression to the select list's.
bool same_expression(const pg_query::Node& a, const pg_query::Node& b);

// Node builders for rewrites: a call `name(args…)` as written explicitly, `l op r`, a column
// reference.
pg_query::Node make_func_call(const std::string& name, std::vector<pg_query::Node> args);
pg_query::Node make_operator(const std::string& op, pg_query::Node l, pg_query::Node r);
pg_query::Node make_column_ref(const std::string& name);

}  // namespace ducklings::sql
