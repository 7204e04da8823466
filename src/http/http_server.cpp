#include "http/http_server.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <nlohmann/json.hpp>
#include <vector>

#include "http/api.h"
#include "ingest/capture.h"
#include "metering/metrics.h"

namespace ducklings::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {
bhttp::response<bhttp::string_body> json_response(bhttp::status status, const nlohmann::json& body,
                                                  unsigned version) {
  bhttp::response<bhttp::string_body> res{status, version};
  res.set(bhttp::field::server, "duckgres");
  res.set(bhttp::field::content_type, "application/json");
  res.body() = body.dump();
  res.prepare_payload();
  return res;
}

nlohmann::json error_body(const std::string& code, const std::string& message) {
  return {{"error", {{"code", code}, {"message", message}}}};
}

bhttp::response<bhttp::string_body> route(const bhttp::request<bhttp::string_body>& req, Api* api,
                                          ingest::Capture* capture) {
  std::string target(req.target());
  std::string query;
  if (auto q = target.find('?'); q != std::string::npos) {
    query = target.substr(q + 1);
    target.resize(q);
  }
  if (capture && ingest::Capture::is_capture_path(target)) {
    ingest::CaptureRequest cr{std::string(req.method_string()),
                              target,
                              query,
                              std::string(req[bhttp::field::content_type]),
                              std::string(req[bhttp::field::content_encoding]),
                              req.body()};
    ingest::CaptureResponse r = capture->handle(cr);
    auto res = json_response(static_cast<bhttp::status>(r.status),
                             r.body.is_null() ? nlohmann::json::object() : r.body, req.version());
    // Browser SDKs post from any site.
    res.set(bhttp::field::access_control_allow_origin, "*");
    res.set(bhttp::field::access_control_allow_methods, "POST, GET, OPTIONS");
    res.set(bhttp::field::access_control_allow_headers, "Content-Type, Content-Encoding");
    return res;
  }
  if (api && (target == "/api/v1" || target.rfind("/api/v1/", 0) == 0)) {
    ApiResponse r = api->handle(std::string(req.method_string()), target,
                                std::string(req[bhttp::field::authorization]), req.body(), query);
    auto status = static_cast<bhttp::status>(r.status);
    if (r.status == 204) {
      bhttp::response<bhttp::string_body> res{status, req.version()};
      res.set(bhttp::field::server, "duckgres");
      res.prepare_payload();
      return res;
    }
    auto res = json_response(status, r.body, req.version());
    if (r.status == 401) res.set(bhttp::field::www_authenticate, "Bearer");
    return res;
  }
  if (target == "/metrics") {  // Prometheus' text format
    if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) {
      return json_response(bhttp::status::method_not_allowed,
                           error_body("method_not_allowed", "use GET"), req.version());
    }
    bhttp::response<bhttp::string_body> res{bhttp::status::ok, req.version()};
    res.set(bhttp::field::server, "duckgres");
    res.set(bhttp::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.body() = metering::Metrics::global().exposition();
    res.prepare_payload();
    return res;
  }
  if (target == "/health") {
    if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) {
      return json_response(bhttp::status::method_not_allowed,
                           error_body("method_not_allowed", "use GET"), req.version());
    }
    return json_response(bhttp::status::ok, {{"status", "ok"}}, req.version());
  }
  return json_response(bhttp::status::not_found, error_body("not_found", "no route for " + target),
                       req.version());
}

// Requests by kind of route and status class (bounded labels: never the path itself).
void count_request(const bhttp::request<bhttp::string_body>& req,
                   const bhttp::response<bhttp::string_body>& res) {
  std::string target(req.target());
  target = target.substr(0, target.find('?'));
  std::string route = target.rfind("/api/v1", 0) == 0            ? "api"
                      : ingest::Capture::is_capture_path(target) ? "capture"
                      : target == "/metrics"                     ? "metrics"
                      : target == "/health"                      ? "health"
                                                                 : "other";
  metering::Metrics::global().add(
      "duckgres_http_requests_total",
      {{"route", route}, {"code", std::to_string(res.result_int() / 100) + "xx"}});
}
}  // namespace

struct HttpServer::Impl {
  Api* api = nullptr;
  ingest::Capture* capture = nullptr;
  // Capture requests wait for the event log's sync: several threads let them share one.
  static constexpr int kThreads = 4;
  asio::io_context io{kThreads};
  tcp::acceptor acceptor{io};
  std::vector<std::thread> threads;

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;  // closed on stop
      serve(std::make_shared<tcp::socket>(std::move(socket)));
      accept();
    });
  }

  // One keep-alive connection, served asynchronously; its steps run one at a time.
  void serve(std::shared_ptr<tcp::socket> socket) {
    auto buffer = std::make_shared<beast::flat_buffer>();
    auto parser = std::make_shared<bhttp::request_parser<bhttp::string_body>>();
    parser->body_limit(32 << 20);  // capture batches; the API's bodies are small
    bhttp::async_read(*socket, *buffer, *parser,
                      [this, socket, buffer, parser](beast::error_code ec, size_t) {
                        if (ec) {
                          if (ec != bhttp::error::end_of_stream && ec != asio::error::eof) {
                            auto res = json_response(bhttp::status::bad_request,
                                                     error_body("bad_request", ec.message()), 11);
                            res.keep_alive(false);
                            write(socket, std::move(res));
                          }
                          return;
                        }
                        auto req = parser->release();
                        auto res = route(req, api, capture);
                        count_request(req, res);
                        res.keep_alive(req.keep_alive());
                        write(socket, std::move(res));
                      });
  }

  void write(std::shared_ptr<tcp::socket> socket, bhttp::response<bhttp::string_body> res) {
    auto msg = std::make_shared<bhttp::response<bhttp::string_body>>(std::move(res));
    bhttp::async_write(*socket, *msg, [this, socket, msg](beast::error_code ec, size_t) {
      if (ec || !msg->keep_alive()) {
        beast::error_code ignored;
        socket->shutdown(tcp::socket::shutdown_both, ignored);
        return;
      }
      serve(socket);
    });
  }
};

HttpServer::HttpServer(const std::string& host, int port, Api* api)
    : impl_(std::make_unique<Impl>()) {
  impl_->api = api;
  tcp::endpoint ep(asio::ip::make_address(host), static_cast<unsigned short>(port));
  impl_->acceptor.open(ep.protocol());
  ::fcntl(impl_->acceptor.native_handle(), F_SETFD, FD_CLOEXEC);  // not into spawned workers
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::set_capture(ingest::Capture* capture) {
  impl_->capture = capture;
}

void HttpServer::start() {
  impl_->accept();
  for (int i = 0; i < Impl::kThreads; ++i) {
    impl_->threads.emplace_back([this] { impl_->io.run(); });
  }
}

void HttpServer::stop() {
  if (impl_->threads.empty()) return;
  asio::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->io.stop();
  });
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

int HttpServer::port() const {
  return impl_->acceptor.local_endpoint().port();
}

}  // namespace ducklings::http
