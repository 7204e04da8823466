#include "sql/tree_walk.h"

namespace ducklings::sql {
namespace {

// Calls `on_message` on `message` and every message below it. A Node is a oneof of ~250
// node types: only the one that is set is followed (looping over every field of every Node
// made walks of large statements, such as 1000-row INSERTs, the gateway's main cost).
template <typename F>
void visit_messages(google::protobuf::Message& message, const F& on_message) {
  on_message(message);
  const google::protobuf::Reflection* r = message.GetReflection();
  const google::protobuf::Descriptor* d = message.GetDescriptor();
  if (d == pg_query::Node::descriptor()) {
    const google::protobuf::FieldDescriptor* f = r->GetOneofFieldDescriptor(message, d->oneof_decl(0));
    if (f && f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
      visit_messages(*r->MutableMessage(&message, f), on_message);
    }
    return;
  }
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = d->field(i);
    if (f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      int n = r->FieldSize(message, f);
      for (int j = 0; j < n; ++j) visit_messages(*r->MutableRepeatedMessage(&message, f, j), on_message);
    } else if (r->HasField(message, f)) {
      visit_messages(*r->MutableMessage(&message, f), on_message);
    }
  }
}

}  // namespace

void walk_nodes(google::protobuf::Message& message,
                const std::function<void(pg_query::Node&)>& visit) {
  visit_messages(message, [&](google::protobuf::Message& m) {
    if (m.GetDescriptor() == pg_query::Node::descriptor()) visit(static_cast<pg_query::Node&>(m));
  });
}

void walk_messages(google::protobuf::Message& message,
                   const std::function<void(google::protobuf::Message&)>& visit) {
  visit_messages(message, visit);
}

void walk_range_vars(google::protobuf::Message& message,
                     const std::function<void(pg_query::RangeVar&)>& visit) {
  visit_messages(message, [&](google::protobuf::Message& m) {
    if (m.GetDescriptor() == pg_query::RangeVar::descriptor()) visit(static_cast<pg_query::RangeVar&>(m));
  });
}

bool same_expression(const pg_query::Node& a, const pg_query::Node& b) {
  auto without_locations = [](pg_query::Node n) {
    visit_messages(n, [](google::protobuf::Message& m) {
      if (const auto* field = m.GetDescriptor()->FindFieldByName("location")) {
        m.GetReflection()->ClearField(&m, field);
      }
    });
    return n.SerializeAsString();
  };
  return without_locations(a) == without_locations(b);
}

pg_query::Node make_func_call(const std::string& name, std::vector<pg_query::Node> args) {
  pg_query::Node out;
  auto* call = out.mutable_func_call();
  call->add_funcname()->mutable_string()->set_sval(name);
  for (auto& a : args) *call->add_args() = std::move(a);
  call->set_funcformat(pg_query::COERCE_EXPLICIT_CALL);
  return out;
}

pg_query::Node make_operator(const std::string& op, pg_query::Node l, pg_query::Node r) {
  pg_query::Node out;
  auto* e = out.mutable_a_expr();
  e->set_kind(pg_query::AEXPR_OP);
  e->add_name()->mutable_string()->set_sval(op);
  *e->mutable_lexpr() = std::move(l);
  *e->mutable_rexpr() = std::move(r);
  return out;
}

pg_query::Node make_column_ref(const std::string& name) {
  pg_query::Node out;
  out.mutable_column_ref()->add_fields()->mutable_string()->set_sval(name);
  return out;
}

}  // namespace ducklings::sql
