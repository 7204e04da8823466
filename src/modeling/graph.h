// A team's models as a dependency graph: edges from the relations each model's SQL reads to
// the models that land them; a cycle is refused with its path; levels give the order a run
// of several models builds them in.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ducklings::modeling {

class ModelGraph {
 public:
  // `upstream`: each model's name → the names of the models it reads.
  explicit ModelGraph(std::map<std::string, std::set<std::string>> upstream);

  // A cycle as a path ("a → b → a"), or nullopt.
  std::optional<std::string> cycle() const;
  // Models `name` reads, directly or through others (without itself).
  std::set<std::string> ancestors(const std::string& name) const;
  // Models that read `name`, directly or through others (without itself).
  std::set<std::string> descendants(const std::string& name) const;
  const std::set<std::string>& upstream(const std::string& name) const;
  std::set<std::string> downstream(const std::string& name) const;
  // Each model's level: 0 reads no model, n reads one of level n-1 at most.
  std::map<std::string, int> levels() const;

 private:
  std::map<std::string, std::set<std::string>> upstream_;
};

}  // namespace ducklings::modeling
