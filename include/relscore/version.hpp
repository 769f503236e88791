#pragma once
/// \file version.hpp
/// The one place that holds relscore's version. CMake reads it from here.

#if !defined(__cplusplus) || (__cplusplus < 202002L && (!defined(_MSVC_LANG) || _MSVC_LANG < 202002L))
#error relscore requires C++20 or later
#endif

#define RELSCORE_VERSION_MAJOR 0
#define RELSCORE_VERSION_MINOR 1
#define RELSCORE_VERSION_PATCH 0
#define RELSCORE_VERSION_STRING "0.1.0"

// Everything lives in a versioned inline namespace, so two builds of different versions
// linked into one program fail to link instead of silently mixing layouts.
#define RELSCORE_BEGIN_NAMESPACE \
    namespace relscore {         \
    inline namespace v0_1 {
#define RELSCORE_END_NAMESPACE \
    }                          \
    }

// On a lambda of a hot loop the compiler would otherwise call out of line (bulk ingest's
// per-row resolver, detail/pair_store_bulk.hpp): inlined, each pass keeps only what it reads.
#if defined(__GNUC__) || defined(__clang__)
#define RELSCORE_ALWAYS_INLINE __attribute__((always_inline))
#else
#define RELSCORE_ALWAYS_INLINE
#endif
