// The HTTP side of the server: /health and the REST API (/api/v1); console and metrics land here.
#pragma once
#include <memory>
#include <string>
#include <thread>

namespace ducklings::ingest {
class Capture;
}

namespace ducklings::http {
class Api;

// Serves HTTP/1.1 on a few threads of its own; requests are answered inline.
class HttpServer {
 public:
  // `api` (may be null) answers /api/…; it must outlive the server.
  HttpServer(const std::string& host, int port, Api* api = nullptr);
  ~HttpServer();
  // PostHog capture (/e, /capture, /batch, /i/v0/e); set before start(), outlives the server.
  void set_capture(ingest::Capture* capture);
  void start();
  void stop();
  int port() const;  // the bound port (useful when configured as 0)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ducklings::http
