#include "sql/tree_walk.h"

namespace ducklings::sql {

void walk_nodes(google::protobuf::Message& message,
                const std::function<void(pg_query::Node&)>& visit) {
  const google::protobuf::Reflection* r = message.GetReflection();
  const google::protobuf::Descriptor* d = message.GetDescriptor();
  if (d == pg_query::Node::descriptor()) visit(static_cast<pg_query::Node&>(message));
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = d->field(i);
    if (f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      int n = r->FieldSize(message, f);
      for (int j = 0; j < n; ++j) walk_nodes(*r->MutableRepeatedMessage(&message, f, j), visit);
    } else if (r->HasField(message, f)) {
      walk_nodes(*r->MutableMessage(&message, f), visit);
    }
  }
}

void walk_range_vars(google::protobuf::Message& message,
                     const std::function<void(pg_query::RangeVar&)>& visit) {
  const google::protobuf::Reflection* r = message.GetReflection();
  const google::protobuf::Descriptor* d = message.GetDescriptor();
  if (d == pg_query::RangeVar::descriptor()) visit(static_cast<pg_query::RangeVar&>(message));
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = d->field(i);
    if (f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      int n = r->FieldSize(message, f);
      for (int j = 0; j < n; ++j) walk_range_vars(*r->MutableRepeatedMessage(&message, f, j), visit);
    } else if (r->HasField(message, f)) {
      walk_range_vars(*r->MutableMessage(&message, f), visit);
    }
  }
}

}  // namespace ducklings::sql
