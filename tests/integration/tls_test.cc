// `cipms serve --tls-cert FILE --tls-key FILE`: HTTPS only, with HSTS on every response; bad or
// half-given TLS options stop the server with status 2 before it listens; plain HTTP has no
// HSTS. Each test makes a throwaway self-signed certificate with the `openssl` command (for
// 127.0.0.1, so that the client checks the chain and the host name against it).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "support/http_client.h"
#include "support/paths.h"
#include "support/server_process.h"

namespace cipms::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kHsts = "max-age=31536000; includeSubDomains";

// Runs a shell command; returns its exit status and fills *out with stdout and stderr.
int run_shell(const std::string& cmd, std::string* out) {
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  std::size_t n;
  out->clear();
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  int st = ::pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

std::string quote(const std::string& s) { return "'" + s + "'"; }

class Tls : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("cipms-tls-test");
    cert_ = (dir_ / "cert.pem").string();
    key_ = (dir_ / "key.pem").string();
    other_key_ = (dir_ / "other-key.pem").string();
    std::string out;
    ASSERT_EQ(run_shell("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1"
                        " -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
                            quote(key_) + " -out " + quote(cert_),
                        &out),
              0)
        << out;
    ASSERT_EQ(run_shell("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + quote(other_key_),
                        &out),
              0)
        << out;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // `cipms serve` with these extra arguments, expected to fail before listening: its exit
  // status, with stdout and stderr in *out. `timeout` ends it should it serve after all.
  int serve_expecting_failure(const std::vector<std::string>& extra, std::string* out) {
    std::string cmd = "timeout 60 " + quote(cipms_binary()) + " serve --log-format text --db " +
                      quote((dir_ / "cipms.db").string()) + " --listen 127.0.0.1:" + std::to_string(free_port());
    for (const auto& a : extra) cmd += " " + quote(a);
    return run_shell(cmd, out);
  }

  fs::path dir_;
  std::string cert_, key_, other_key_;
};

TEST_F(Tls, ServesHealthzOverHttpsWithHsts) {
  ServerProcessOptions o;
  o.extra_args = {"--tls-cert", cert_, "--tls-key", key_};
  o.ca_file = cert_;
  ServerProcess server(o);
  ASSERT_TRUE(server.ok()) << server.error();
  ASSERT_EQ(server.base_url().rfind("https://", 0), 0u);

  HttpClient http(server.base_url());
  http.set_ca_file(cert_);
  auto r = http.get("/healthz");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.json()["status"], "ok");
  EXPECT_EQ(r.header("strict-transport-security"), kHsts);
  // The other security headers are still there.
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_FALSE(r.header("content-security-policy").empty());
}

TEST_F(Tls, AnswersABadRequestTargetWithHstsToo) {
  ServerProcessOptions o;
  o.extra_args = {"--tls-cert", cert_, "--tls-key", key_};
  o.ca_file = cert_;
  ServerProcess server(o);
  ASSERT_TRUE(server.ok()) << server.error();

  HttpClient http(server.base_url());
  http.set_ca_file(cert_);
  // Refused in the server itself, before any route: every response carries HSTS.
  auto r = http.get("/healthz%zz");
  ASSERT_EQ(r.status, 400) << r.error;
  EXPECT_EQ(r.header("strict-transport-security"), kHsts);
}

TEST_F(Tls, RefusesPlainHttpOnTheTlsPort) {
  ServerProcessOptions o;
  o.extra_args = {"--tls-cert", cert_, "--tls-key", key_};
  o.ca_file = cert_;
  ServerProcess server(o);
  ASSERT_TRUE(server.ok()) << server.error();

  HttpClient plain("http://127.0.0.1:" + std::to_string(server.port()));
  auto r = plain.get("/healthz");
  EXPECT_EQ(r.status, 0) << "plain HTTP was answered: " << r.status << " " << r.body;
  EXPECT_FALSE(r.error.empty());

  // And the TLS side still works after the refused connection.
  HttpClient https(server.base_url());
  https.set_ca_file(cert_);
  EXPECT_EQ(https.get("/healthz").status, 200);
}

TEST_F(Tls, MismatchedKeyExitsWithStatus2BeforeListening) {
  std::string out;
  EXPECT_EQ(serve_expecting_failure({"--tls-cert", cert_, "--tls-key", other_key_}, &out), 2) << out;
  EXPECT_NE(out.find("does not match the certificate"), std::string::npos) << out;
}

TEST_F(Tls, MissingCertificateFileExitsWithStatus2) {
  std::string out;
  std::string missing = (dir_ / "no-such-cert.pem").string();
  EXPECT_EQ(serve_expecting_failure({"--tls-cert", missing, "--tls-key", key_}, &out), 2) << out;
  EXPECT_NE(out.find("--tls-cert " + missing + ": cannot read"), std::string::npos) << out;
}

TEST_F(Tls, KeyFileThatIsNotAKeyExitsWithStatus2) {
  std::string out;
  // The certificate given as the key: readable PEM, but no private key in it.
  EXPECT_EQ(serve_expecting_failure({"--tls-cert", cert_, "--tls-key", cert_}, &out), 2) << out;
  EXPECT_NE(out.find("is not an unencrypted PEM private key"), std::string::npos) << out;
}

TEST_F(Tls, OnlyOneOfTheTwoOptionsExitsWithStatus2) {
  std::string out;
  EXPECT_EQ(serve_expecting_failure({"--tls-cert", cert_}, &out), 2) << out;
  EXPECT_NE(out.find("--tls-key"), std::string::npos) << out;
  EXPECT_EQ(serve_expecting_failure({"--tls-key", key_}, &out), 2) << out;
  EXPECT_NE(out.find("--tls-cert"), std::string::npos) << out;
}

TEST_F(Tls, PlainHttpServerSendsNoHsts) {
  ServerProcess server;
  ASSERT_TRUE(server.ok()) << server.error();
  HttpClient http(server.base_url());
  auto r = http.get("/healthz");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_TRUE(r.header("strict-transport-security").empty()) << r.header("strict-transport-security");
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
}

}  // namespace
}  // namespace cipms::testing
