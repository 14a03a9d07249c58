// Includes Catch2, v2 (single header, Debian's package) or v3 (FetchContent).
#pragma once
#if defined(INSTANT_CATCH3)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif
