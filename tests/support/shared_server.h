// Fixtures whose tests share one real `cipms serve` started once per test suite (start-up
// costs more than most API tests): SharedServerTest, each test with its own HTTP client signed
// in as OHS; DemoServerTest, the server with the demo network and accounts.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "support/http_client.h"
#include "support/server_process.h"

namespace cipms::testing {

class SharedServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(server_->ok()) << server_->error();
    http_ = std::make_unique<HttpClient>(server_->base_url());
    // The OHS officer sees and may change the whole registry; tests of other roles sign in
    // again as someone else.
    auto r = http_->login(default_user());
    ASSERT_EQ(r.status, 200) << r.body;
  }
  virtual std::string default_user() const { return "ohs"; }

  static inline ServerProcess* server_ = nullptr;
  std::unique_ptr<HttpClient> http_;
};

// A new client of `server` signed in as the demo account `user`.
inline std::unique_ptr<HttpClient> signed_in(const ServerProcess& server, const std::string& user) {
  auto c = std::make_unique<HttpClient>(server.base_url());
  auto r = c->login(user);
  EXPECT_EQ(r.status, 200) << user << ": " << r.body;
  return c;
}

// A fixture whose tests share one `cipms serve --demo` (the demo network and accounts) started
// once per test suite; each test signs in as it needs with as(user).
class DemoServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { start_demo_server(); }
  // For a derived SetUpTestSuite: the server with `extra_args` on its command line.
  static void start_demo_server(std::vector<std::string> extra_args = {}) {
    ServerProcessOptions opt;
    opt.demo = true;
    opt.extra_args = std::move(extra_args);
    server_ = new ServerProcess(opt);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(server_->ok()) << server_->error(); }

  std::unique_ptr<HttpClient> as(const std::string& user) { return signed_in(*server_, user); }

  static inline ServerProcess* server_ = nullptr;
};

}  // namespace cipms::testing
