#pragma once
// What the C API's source files share: the handles behind its opaque types, and the
// error handling every entry point runs through (guarded()).

#include <relscore/relscore.h>

#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <relscore/relscore.hpp>

struct relscore_config {
    relscore::scorer_config config;
};
struct relscore_scorer {
    relscore::scorer scorer;
};
struct relscore_table {
    relscore::relationship_table table;
    std::vector<std::string> names;   // copies, so rows outlive changes to the scorer
    std::vector<std::size_t> order;   // row order to present
};

namespace relscore::c_api {

inline thread_local std::string last_error;  // NOLINT: the documented per-thread message

// An error raised by this file (NULL handles, I/O), carrying its status.
struct c_api_error {
    relscore_status status;
    std::string message;
};

[[noreturn]] inline void fail(relscore_status status, std::string message) {
    throw c_api_error{status, std::move(message)};
}

template <typename T>
inline void require(const T* pointer, const char* function, const char* argument) {
    if (pointer == nullptr) fail(RELSCORE_ERROR_INVALID_ARGUMENT, fmt::format("{}(): {} is NULL", function, argument));
}

// `count` elements of `element_size` bytes must fit in memory at all (an array larger than
// PTRDIFF_MAX bytes cannot exist): a count past that is a wrong argument, not a lack of memory.
inline void require_array_size(std::size_t count, std::size_t element_size, const char* function,
                               std::string_view argument) {
    const std::size_t most = static_cast<std::size_t>(PTRDIFF_MAX) / element_size;
    if (count > most)
        fail(RELSCORE_ERROR_INVALID_ARGUMENT,
             fmt::format("{}(): {} is {}, more than any array can hold (at most {})", function, argument, count, most));
}

inline relscore_status record(relscore_status status, std::string message) noexcept {
    try {
        last_error = std::move(message);
    } catch (...) {  // no memory for the message: keep the status
    }
    return status;
}

// Runs `body`, mapping every exception to a status and a message.
template <typename Body>
relscore_status guarded(Body&& body) noexcept {
    try {
        body();
        return RELSCORE_OK;
    } catch (const c_api_error& e) {
        return record(e.status, e.message);
    } catch (const relscore::parse_error& e) {
        return record(RELSCORE_ERROR_PARSE, e.what());
    } catch (const relscore::invalid_argument_error& e) {
        return record(RELSCORE_ERROR_INVALID_ARGUMENT, e.what());
    } catch (const relscore::unknown_person_error& e) {
        return record(RELSCORE_ERROR_UNKNOWN_PERSON, e.what());
    } catch (const relscore::time_order_error& e) {
        return record(RELSCORE_ERROR_TIME_ORDER, e.what());
    } catch (const relscore::config_mismatch_error& e) {
        return record(RELSCORE_ERROR_CONFIG_MISMATCH, e.what());
    } catch (const std::bad_alloc&) {
        return record(RELSCORE_ERROR_OUT_OF_MEMORY, "relscore: out of memory");
    } catch (const std::length_error& e) {  // a container asked for more than it can ever hold
        return record(RELSCORE_ERROR_OUT_OF_MEMORY, std::string("relscore: out of memory (a size too large: ") +
                                                         e.what() + ")");
    } catch (const std::exception& e) {
        return record(RELSCORE_ERROR_INTERNAL, std::string("relscore: internal error: ") + e.what());
    } catch (...) {
        return record(RELSCORE_ERROR_INTERNAL, "relscore: internal error: unknown exception");
    }
}

inline std::optional<relscore::timestamp> query_time(int64_t at_us) {
    if (at_us == RELSCORE_AT_NEWEST) return std::nullopt;
    return relscore::from_micros(at_us);
}

}  // namespace relscore::c_api
