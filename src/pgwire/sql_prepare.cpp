// PREPARE name [(types)] AS statement / EXECUTE name(args): SQL-level prepared statements, as
// psql scripts and some tools use them. They share the protocol's namespace of prepared
// statements (DEALLOCATE and DISCARD ALL reach both, a Parse of a taken name gets 42P05, and
// EXECUTE runs a Parse-made statement too). EXECUTE runs the prepared tree with each $n
// replaced by its argument cast to the declared type, so DuckDB sees an ordinary statement
// (DuckDB's own PREPARE takes no parameter types).
#include "pgwire/session.h"
#include "sql/tree_walk.h"

namespace ducklings::pgwire {

bool Session::handle_sql_prepare(const sql::Statement& st, Portal* portal, Output output) {
  const pg_query::Node* root = sql::root_node(st);
  if (!root) return false;
  if (root->has_prepare_stmt()) {
    const auto& p = root->prepare_stmt();
    if (output == Output::kDescribe) {
      write_simple(out_, 'n');
      return true;
    }
    if (statements_.count(p.name())) {
      throw SqlError("42P05", "prepared statement \"" + p.name() + "\" already exists");
    }
    // Prepared once now, so that a statement DuckDB cannot run fails here as in PostgreSQL
    // (at PREPARE, not at the first EXECUTE); with NULL arguments of the declared types.
    sql::Statement probe = sql::analyze({sql::deparse_statement(substitute_parameters(p, {})), 0});
    prepare(std::move(probe), {});
    auto q = std::make_shared<PreparedQuery>();
    q->statement = st;  // the PREPARE itself: EXECUTE finds the query and the types in it
    statements_[p.name()] = std::move(q);
    write_command_complete(out_, "PREPARE");
    return true;
  }
  if (!root->has_execute_stmt()) return false;
  const auto& e = root->execute_stmt();
  auto it = statements_.find(e.name());
  if (it == statements_.end()) {
    throw SqlError("26000", "prepared statement \"" + e.name() + "\" does not exist");
  }
  // A PREPARE's query, or the statement a Parse message prepared.
  const pg_query::Node* prepared = sql::root_node(it->second->statement);
  if (!prepared) throw SqlError("0A000", "EXECUTE of this prepared statement is not supported");
  pg_query::PrepareStmt p;
  if (prepared->has_prepare_stmt()) {
    p = prepared->prepare_stmt();
  } else {
    *p.mutable_query() = *prepared;
  }
  int expected = 0;
  sql::walk_nodes(*p.mutable_query(), [&](pg_query::Node& n) {
    if (n.has_param_ref()) expected = std::max(expected, n.param_ref().number());
  });
  expected = std::max(expected, p.argtypes_size());
  if (e.params_size() != expected) {
    throw SqlError("42601", "wrong number of parameters for prepared statement \"" + e.name() + "\"",
                   0,
                   "Expected " + std::to_string(expected) + " parameters but got " +
                       std::to_string(e.params_size()) + ".");
  }
  std::vector<const pg_query::Node*> args;
  for (const auto& a : e.params()) {
    bool parameter = a.has_param_ref();
    pg_query::Node copy = a;
    sql::walk_nodes(copy, [&](pg_query::Node& n) { parameter = parameter || n.has_param_ref(); });
    if (parameter) {
      throw SqlError("0A000", "EXECUTE with $n parameters in its arguments is not supported");
    }
    args.push_back(&a);
  }
  sql::Statement run = sql::analyze({sql::deparse_statement(substitute_parameters(p, args)), 0});
  if (output == Output::kBoth) {
    run_statement(run, nullptr);
    return true;
  }
  auto q = prepare(std::move(run), {});
  if (output == Output::kDescribe) {
    describe_rows(*q, portal ? portal->result_formats : std::vector<int16_t>{});
    return true;
  }
  Portal inner;
  inner.query = q;
  inner.result_formats = portal ? portal->result_formats : std::vector<int16_t>{};
  struct StreamGuard {
    Session* s;
    Portal* p;
    ~StreamGuard() {
      if (s->streaming_ == p) s->streaming_ = nullptr;
    }
  } guard{this, &inner};
  if (!q->script.empty()) {
    run_script(*q);
  } else {
    execute_portal(inner, 0, false);
  }
  return true;
}

pg_query::Node Session::substitute_parameters(const pg_query::PrepareStmt& p,
                                              const std::vector<const pg_query::Node*>& args) {
  pg_query::Node query = p.query();
  sql::walk_nodes(query, [&](pg_query::Node& n) {
    if (!n.has_param_ref()) return;
    int i = n.param_ref().number() - 1;
    pg_query::Node value;
    if (i >= 0 && static_cast<size_t>(i) < args.size()) {
      value = *args[i];
    } else {
      value.mutable_a_const()->set_isnull(true);
    }
    if (i >= 0 && i < p.argtypes_size() && p.argtypes(i).has_type_name()) {
      pg_query::Node cast;
      *cast.mutable_type_cast()->mutable_arg() = std::move(value);
      *cast.mutable_type_cast()->mutable_type_name() = p.argtypes(i).type_name();
      value = std::move(cast);
    }
    n = std::move(value);
  });
  return query;
}

}  // namespace ducklings::pgwire
