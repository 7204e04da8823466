#include "modeling/graph.h"

#include <functional>

namespace ducklings::modeling {

ModelGraph::ModelGraph(std::map<std::string, std::set<std::string>> upstream) : upstream_(std::move(upstream)) {
  for (auto& [name, ups] : upstream_) {
    for (auto it = ups.begin(); it != ups.end();) it = upstream_.count(*it) ? std::next(it) : ups.erase(it);
  }
}

std::optional<std::string> ModelGraph::cycle() const {
  std::map<std::string, int> state;  // 1: on the path, 2: done
  std::vector<std::string> path;
  std::optional<std::string> found;
  std::function<void(const std::string&)> visit = [&](const std::string& n) {
    if (found) return;
    state[n] = 1;
    path.push_back(n);
    for (const auto& u : upstream(n)) {
      if (found) return;
      if (state[u] == 1) {
        std::string text;
        bool on = false;
        for (const auto& p : path) {
          on = on || p == u;
          if (on) text += p + " → ";
        }
        found = text + u;
        return;
      }
      if (state[u] == 0) visit(u);
    }
    path.pop_back();
    state[n] = 2;
  };
  for (const auto& [name, _] : upstream_) {
    if (state[name] == 0) visit(name);
  }
  return found;
}

const std::set<std::string>& ModelGraph::upstream(const std::string& name) const {
  static const std::set<std::string> none;
  auto it = upstream_.find(name);
  return it == upstream_.end() ? none : it->second;
}

std::set<std::string> ModelGraph::downstream(const std::string& name) const {
  std::set<std::string> out;
  for (const auto& [n, ups] : upstream_)
    if (ups.count(name)) out.insert(n);
  return out;
}

std::set<std::string> ModelGraph::ancestors(const std::string& name) const {
  std::set<std::string> out;
  std::vector<std::string> todo(upstream(name).begin(), upstream(name).end());
  while (!todo.empty()) {
    std::string n = todo.back();
    todo.pop_back();
    if (n == name || !out.insert(n).second) continue;
    for (const auto& u : upstream(n)) todo.push_back(u);
  }
  return out;
}

std::set<std::string> ModelGraph::descendants(const std::string& name) const {
  std::set<std::string> out;
  std::vector<std::string> todo{name};
  while (!todo.empty()) {
    std::string n = todo.back();
    todo.pop_back();
    for (const auto& d : downstream(n))
      if (d != name && out.insert(d).second) todo.push_back(d);
  }
  return out;
}

std::map<std::string, int> ModelGraph::levels() const {
  std::map<std::string, int> out;
  std::function<int(const std::string&, int)> level = [&](const std::string& n, int depth) -> int {
    auto it = out.find(n);
    if (it != out.end()) return it->second;
    int l = 0;
    if (depth <= static_cast<int>(upstream_.size()))
      for (const auto& u : upstream(n)) l = std::max(l, level(u, depth + 1) + 1);
    return out[n] = l;
  };
  for (const auto& [name, _] : upstream_) level(name, 0);
  return out;
}

}  // namespace ducklings::modeling
