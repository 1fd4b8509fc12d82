#include "cipms/cli/commands.h"

int main(int argc, char** argv) { return cipms::cli::run(argc, argv); }
