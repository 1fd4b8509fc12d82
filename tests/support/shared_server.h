// A fixture whose tests share one real `cipms serve` started once per test suite (start-up
// costs more than most API tests), each test with its own HTTP client.
#pragma once

#include <gtest/gtest.h>

#include <memory>

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

}  // namespace cipms::testing
