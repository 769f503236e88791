#pragma once
/// \file detail/utf8.hpp
/// UTF-8 validation for names (people, channels): the strict definition of RFC 3629, as
/// Python's codec applies it, so a name accepted here round-trips through Python `str`.
/// Rejects overlong forms, surrogates (U+D800..U+DFFF), code points above U+10FFFF and
/// truncated sequences.

#include <cstddef>
#include <optional>
#include <string_view>

#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

/// The offset of the first NUL byte (U+0000), or nullopt. Valid UTF-8, but refused in names:
/// the C API hands names out NUL-terminated, where "ann\0smith" would become "ann".
[[nodiscard]] inline std::optional<std::size_t> nul_at(std::string_view s) noexcept {
    const auto at = s.find('\0');
    if (at == std::string_view::npos) return std::nullopt;
    return at;
}

/// The offset of the first byte that is not part of valid UTF-8, or nullopt if `s` is valid.
[[nodiscard]] inline std::optional<std::size_t> invalid_utf8_at(std::string_view s) noexcept {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    std::size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = byte(i);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c == 0xE0) len = 3, lo = 0xA0;
        else if (c == 0xED) len = 3, hi = 0x9F;  // no surrogates
        else if (c >= 0xE1 && c <= 0xEF) len = 3;
        else if (c == 0xF0) len = 4, lo = 0x90;
        else if (c >= 0xF1 && c <= 0xF3) len = 4;
        else if (c == 0xF4) len = 4, hi = 0x8F;  // up to U+10FFFF
        else return i;
        if (s.size() - i < len) return i;
        if (byte(i + 1) < lo || byte(i + 1) > hi) return i;
        for (std::size_t k = 2; k < len; ++k)
            if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return i;
        i += len;
    }
    return std::nullopt;
}

}  // namespace detail
RELSCORE_END_NAMESPACE
