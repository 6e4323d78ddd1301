// The one main() of cpe_unit_tests; every other file in this folder is a suite.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
