// CIPMS_CHECK: aborts on a broken programmer invariant (never for bad input: use Status).
#pragma once
#include <cstdio>
#include <cstdlib>

#define CIPMS_CHECK(cond)                                                          \
  do {                                                                             \
    if (!(cond)) {                                                                 \
      std::fprintf(stderr, "%s:%d: CIPMS_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                \
    }                                                                              \
  } while (0)
