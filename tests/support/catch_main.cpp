// Catch2 v2 has no Catch2WithMain target on Debian 12: provide main() here.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
