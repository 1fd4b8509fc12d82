// `cipms user create`: accounts from the command line — the bootstrap of a new installation
// (`cipms user create --admin`) before anyone can sign in to create others.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cipms/cli/commands.h"
#include "cipms/services/auth_service.h"
#include "cipms/services/registry_service.h"

#include <algorithm>

namespace cipms::cli {

namespace {

struct UserArgs {
  std::string db, username, display_name, email, org = "OHS", role, clearance = "general", password_file;
  bool admin = false;
};

// The password: from --password-file, else one line of standard input (never an argument,
// which other users of the machine could read in the process list).
Result<std::string> read_password(const UserArgs& a) {
  std::string pw;
  if (!a.password_file.empty()) {
    CIPMS_ASSIGN_OR_RETURN(pw, read_file(a.password_file));
  } else {
    if (isatty(STDIN_FILENO)) std::cerr << "password for " << a.username << ": ";
    std::getline(std::cin, pw);
  }
  while (!pw.empty() && (pw.back() == '\n' || pw.back() == '\r')) pw.pop_back();
  return pw;
}

int create(const UserArgs& a) {
  NewUser u;
  u.username = a.username;
  u.display_name = a.display_name.empty() ? a.username : a.display_name;
  u.email = a.email;
  u.org_code = a.org;
  if (a.admin) {
    u.role = Role::kAdmin;
  } else if (auto r = parse_role(a.role)) {
    u.role = *r;
  } else {
    return fail("user create", Status::invalid("--role must be one of admin, ohs_officer, coordinating_officer, "
                                               "authority_officer, provider_editor, provider_viewer, auditor, "
                                               "supporting_unit (or give --admin)"));
  }
  auto level = parse_class_level(a.clearance);
  if (!level) return fail("user create", Status::invalid("--clearance must be general, official, confidential, secret or top_secret"));
  u.clearance = *level;
  auto pw = read_password(a);
  if (!pw.is_ok()) return fail("user create", pw.status());
  u.password = *pw;
  auto db = Database::open(a.db);
  if (!db.is_ok()) return fail("user create", db.status());
  ServiceContext ctx{std::shared_ptr<Database>(std::move(db).value()), system_clock()};
  if (auto v = ctx.db->migrate(); !v.is_ok()) return fail("user create", v.status());
  // A new installation has no organisations yet: the first administrator brings OHS along.
  if (a.admin && a.org == "OHS") {
    RegistryService reg(ctx);
    OrgFilter f;
    f.q = "OHS";
    auto found = reg.list_organisations(Principal::system_actor("cli user create"), f);
    bool have = found.is_ok() && std::any_of(found->items.begin(), found->items.end(),
                                             [](const Organisation& o) { return o.code == "OHS"; });
    if (!have) {
      Organisation ohs;
      ohs.code = "OHS";
      ohs.name = "行政院國土安全辦公室";
      ohs.name_en = "Office of Homeland Security, Executive Yuan";
      ohs.type = OrgType::kOhs;
      auto made = reg.create_organisation(Principal::system_actor("cli user create"), ohs);
      if (!made.is_ok()) return fail("user create", made.status());
    }
  }
  auto made = AuthService(ctx).create_user(Principal::system_actor("cli user create"), u);
  if (!made.is_ok()) return fail("user create", made.status());
  std::cout << "created user " << made->username << " (id " << made->id.value << ", " << role_code(made->role)
            << ", " << a.org << ", clearance " << class_level_code(made->clearance) << ")\n";
  return 0;
}

}  // namespace

void add_user_commands(CLI::App& app) {
  CLI::App* user = app.add_subcommand("user", "Accounts");
  user->require_subcommand(1);
  auto args = std::make_shared<UserArgs>();
  CLI::App* c = user->add_subcommand("create", "Create an account; the password is read from stdin or --password-file");
  add_db_option(*c, args->db);
  c->add_option("--username", args->username, "Sign-in name")->required();
  c->add_option("--name", args->display_name, "Display name");
  c->add_option("--email", args->email, "E-mail address");
  c->add_option("--org", args->org, "Organisation code")->capture_default_str();
  c->add_flag("--admin", args->admin, "A system administrator (at --org, default OHS)");
  c->add_option("--role", args->role, "Role, unless --admin");
  c->add_option("--clearance", args->clearance, "general | official | confidential | secret | top_secret")
      ->capture_default_str();
  c->add_option("--password-file", args->password_file, "Read the password from this file");
  c->callback([args] { set_exit(create(*args)); });
}

}  // namespace cipms::cli
