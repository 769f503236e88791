// The C API (include/relscore/relscore.h) over the C++ scorer.
//
// Design notes
// - Every entry point runs its body through `guarded()`, which turns each relscore
//   exception into a status code and a thread-local message: no exception crosses into C.
// - The C++ calls used here give the strong guarantee, and outputs are written only after
//   the work succeeded, so a failed call changes nothing the caller can see.
// - Handles are plain structs wrapping C++ objects; the C side only ever sees pointers
//   (c_api_support.hpp, shared with c_api_relationships.cpp: the relationship queries).

#include <relscore/relscore.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <relscore/io/config_file.hpp>
#include <relscore/relscore.hpp>
#include <relscore/snapshot.hpp>

#include "c_api_support.hpp"

using namespace relscore::c_api;

namespace {

relscore::interaction to_interaction(const relscore_interaction& in, const char* function) {
    require(in.source, function, "interaction source");
    require(in.target, function, "interaction target");
    relscore::interaction out;
    out.time = in.time_text != nullptr ? relscore::parse_time(in.time_text) : relscore::from_micros(in.time_us);
    out.source = in.source;
    out.target = in.target;
    if (in.channel != nullptr) out.channel = in.channel;
    if (in.has_weight != 0) out.weight = in.weight;
    out.mutual = in.mutual != 0;
    return out;
}

std::vector<std::string> copy_strings(const char* const* strings, std::size_t n, const char* function,
                                      const char* what) {
    std::vector<std::string> out;
    if (n == 0) return out;
    require(strings, function, what);
    require_array_size(n, sizeof(const char*), function, fmt::format("the count of {}", what));
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (strings[i] == nullptr)
            fail(RELSCORE_ERROR_INVALID_ARGUMENT, fmt::format("{}(): {}[{}] is NULL", function, what, i));
        out.emplace_back(strings[i]);
    }
    return out;
}

}  // namespace

extern "C" {

const char* relscore_version(void) { return RELSCORE_VERSION_STRING; }

const char* relscore_last_error(void) { return last_error.c_str(); }

const char* relscore_status_name(relscore_status status) {
    switch (status) {
        case RELSCORE_OK: return "RELSCORE_OK";
        case RELSCORE_ERROR_INVALID_ARGUMENT: return "RELSCORE_ERROR_INVALID_ARGUMENT";
        case RELSCORE_ERROR_UNKNOWN_PERSON: return "RELSCORE_ERROR_UNKNOWN_PERSON";
        case RELSCORE_ERROR_TIME_ORDER: return "RELSCORE_ERROR_TIME_ORDER";
        case RELSCORE_ERROR_CONFIG_MISMATCH: return "RELSCORE_ERROR_CONFIG_MISMATCH";
        case RELSCORE_ERROR_PARSE: return "RELSCORE_ERROR_PARSE";
        case RELSCORE_ERROR_IO: return "RELSCORE_ERROR_IO";
        case RELSCORE_ERROR_OUT_OF_MEMORY: return "RELSCORE_ERROR_OUT_OF_MEMORY";
        case RELSCORE_ERROR_INTERNAL: return "RELSCORE_ERROR_INTERNAL";
    }
    return "RELSCORE_UNKNOWN_STATUS";
}

relscore_status relscore_parse_time(const char* text, int64_t* out_us) {
    return guarded([&] {
        require(text, "relscore_parse_time", "text");
        require(out_us, "relscore_parse_time", "out_us");
        *out_us = relscore::to_micros(relscore::parse_time(text));
    });
}

relscore_status relscore_parse_duration(const char* text, int64_t* out_us) {
    return guarded([&] {
        require(text, "relscore_parse_duration", "text");
        require(out_us, "relscore_parse_duration", "out_us");
        *out_us = relscore::parse_duration(text).count();
    });
}

relscore_status relscore_format_time(int64_t time_us, char* buffer, size_t size, size_t* needed) {
    return guarded([&] {
        if (size > 0) require(buffer, "relscore_format_time", "buffer");
        const std::string text = relscore::format_time(relscore::from_micros(time_us));
        if (needed != nullptr) *needed = text.size();
        if (size > 0) {
            const std::size_t n = std::min(size - 1, text.size());
            std::memcpy(buffer, text.data(), n);
            buffer[n] = '\0';
        }
    });
}

// ---- configuration ----------------------------------------------------------------------

relscore_status relscore_config_new(relscore_config** out) {
    return guarded([&] {
        require(out, "relscore_config_new", "out");
        *out = new relscore_config{};
    });
}

void relscore_config_free(relscore_config* config) { delete config; }

relscore_status relscore_config_read_file(const char* path, relscore_config** out) {
    return guarded([&] {
        require(path, "relscore_config_read_file", "path");
        require(out, "relscore_config_read_file", "out");
        relscore::io::config_file file = relscore::io::read_config_file(path);
        auto config = std::make_unique<relscore_config>();
        config->config.reciprocity = file.reciprocity;
        config->config.channels = std::move(file.channels);
        *out = config.release();
    });
}

relscore_status relscore_config_set_reciprocity(relscore_config* config, double reciprocity) {
    return guarded([&] {
        require(config, "relscore_config_set_reciprocity", "config");
        if (!(reciprocity >= 0 && reciprocity <= 1))
            fail(RELSCORE_ERROR_INVALID_ARGUMENT,
                 fmt::format("relscore_config_set_reciprocity(): reciprocity weight must be in [0, 1], got {}", reciprocity));
        config->config.reciprocity = reciprocity;
    });
}

relscore_status relscore_config_define_channel(relscore_config* config, const char* name, double weight,
                                               int64_t half_life_us) {
    return guarded([&] {
        require(config, "relscore_config_define_channel", "config");
        require(name, "relscore_config_define_channel", "name");
        config->config.channels.define({name, weight, relscore::duration{half_life_us}});
    });
}

relscore_status relscore_config_set_half_life(relscore_config* config, int64_t half_life_us) {
    return guarded([&] {
        require(config, "relscore_config_set_half_life", "config");
        config->config.channels.set_half_life(relscore::duration{half_life_us});
    });
}

// ---- scorers ----------------------------------------------------------------------------

relscore_status relscore_scorer_new(const relscore_config* config, relscore_scorer** out) {
    return guarded([&] {
        require(out, "relscore_scorer_new", "out");
        *out = new relscore_scorer{relscore::scorer(config != nullptr ? config->config : relscore::scorer_config{})};
    });
}

void relscore_scorer_free(relscore_scorer* scorer) { delete scorer; }

relscore_status relscore_add(relscore_scorer* scorer, const relscore_interaction* interaction) {
    return guarded([&] {
        require(scorer, "relscore_add", "scorer");
        require(interaction, "relscore_add", "interaction");
        scorer->scorer.add(to_interaction(*interaction, "relscore_add"));
    });
}

relscore_status relscore_add_batch(relscore_scorer* scorer, const relscore_interaction* interactions, size_t count) {
    return guarded([&] {
        require(scorer, "relscore_add_batch", "scorer");
        if (count > 0) require(interactions, "relscore_add_batch", "interactions");
        require_array_size(count, sizeof(relscore_interaction), "relscore_add_batch", "count");
        std::vector<relscore::interaction> batch;
        batch.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
            try {
                batch.push_back(to_interaction(interactions[i], "relscore_add_batch"));
            } catch (const relscore::parse_error& e) {  // say which one, as the C++ batch check does
                fail(RELSCORE_ERROR_PARSE, fmt::format("relscore_add_batch(): interaction #{}: {}", i, e.what()));
            } catch (const c_api_error& e) {
                fail(e.status, fmt::format("{} (interaction #{})", e.message, i));
            }
        }
        scorer->scorer.add_batch(batch);
    });
}

relscore_status relscore_add_columns(relscore_scorer* scorer, const relscore_columns* columns) {
    return guarded([&] {
        constexpr const char* function = "relscore_add_columns";
        require(scorer, function, "scorer");
        require(columns, function, "columns");
        const relscore_columns& c = *columns;
        const std::size_t n = c.rows;
        require_array_size(n, sizeof(int64_t), function, "columns->rows");
        if (n > 0) {
            require(c.time_us, function, "columns->time_us");
            require(c.source, function, "columns->source");
            require(c.target, function, "columns->target");
        }
        // C++ reads no names as dense ids; here a non-NULL list of zero names leaves every code out of range.
        if (c.people != nullptr && c.n_people == 0 && n > 0)
            fail(RELSCORE_ERROR_INVALID_ARGUMENT,
                 fmt::format("{}(): row 0: source id {} out of range (columns->people is non-NULL with "
                             "n_people 0; pass people NULL for dense ids)",
                             function, c.source[0]));
        const std::vector<std::string> people = copy_strings(c.people, c.n_people, function, "columns->people");
        const std::vector<std::string> channel_names =
            copy_strings(c.channel_names, c.n_channel_names, function, "columns->channel_names");
        relscore::interaction_columns cols;
        cols.time_us = {c.time_us, n};
        cols.source = {c.source, n};
        cols.target = {c.target, n};
        cols.people = people;
        if (c.channel != nullptr) cols.channel = {c.channel, n};
        cols.channel_names = channel_names;
        if (c.default_channel != nullptr) cols.default_channel = c.default_channel;
        if (c.weight != nullptr) cols.weight = {c.weight, n};
        if (c.mutual != nullptr) cols.mutual = {c.mutual, n};
        scorer->scorer.add_columns(cols);
    });
}

relscore_status relscore_set_threads(relscore_scorer* scorer, unsigned threads) {
    return guarded([&] {
        require(scorer, "relscore_set_threads", "scorer");
        scorer->scorer.set_threads(threads);
    });
}

relscore_status relscore_merge(relscore_scorer* scorer, const relscore_scorer* other) {
    return guarded([&] {
        require(scorer, "relscore_merge", "scorer");
        require(other, "relscore_merge", "other");
        scorer->scorer.merge(other->scorer);
    });
}

relscore_status relscore_people_count(const relscore_scorer* scorer, size_t* out) {
    return guarded([&] {
        require(scorer, "relscore_people_count", "scorer");
        require(out, "relscore_people_count", "out");
        *out = scorer->scorer.people();
    });
}

relscore_status relscore_relationship_count(const relscore_scorer* scorer, size_t* out) {
    return guarded([&] {
        require(scorer, "relscore_relationship_count", "scorer");
        require(out, "relscore_relationship_count", "out");
        *out = scorer->scorer.relationships();
    });
}

relscore_status relscore_newest(const relscore_scorer* scorer, int64_t* out_us, int* has_newest) {
    return guarded([&] {
        require(scorer, "relscore_newest", "scorer");
        require(out_us, "relscore_newest", "out_us");
        require(has_newest, "relscore_newest", "has_newest");
        const auto newest = scorer->scorer.newest();
        *has_newest = newest ? 1 : 0;
        if (newest) *out_us = relscore::to_micros(*newest);
    });
}

relscore_status relscore_person_name(const relscore_scorer* scorer, uint32_t id, const char** out) {
    return guarded([&] {
        require(scorer, "relscore_person_name", "scorer");
        require(out, "relscore_person_name", "out");
        *out = scorer->scorer.name(id).c_str();
    });
}


// ---- snapshots --------------------------------------------------------------------------

relscore_status relscore_save_bytes(const relscore_scorer* scorer, unsigned char** data, size_t* size) {
    return guarded([&] {
        require(scorer, "relscore_save_bytes", "scorer");
        require(data, "relscore_save_bytes", "data");
        require(size, "relscore_save_bytes", "size");
        const std::string bytes = scorer->scorer.to_bytes();
        auto* buffer = static_cast<unsigned char*>(std::malloc(bytes.empty() ? 1 : bytes.size()));
        if (buffer == nullptr) throw std::bad_alloc();
        std::memcpy(buffer, bytes.data(), bytes.size());
        *data = buffer;
        *size = bytes.size();
    });
}

relscore_status relscore_load_bytes(const void* data, size_t size, relscore_scorer** out) {
    return guarded([&] {
        if (size > 0) require(data, "relscore_load_bytes", "data");
        require(out, "relscore_load_bytes", "out");
        const std::string_view bytes(static_cast<const char*>(data), size);
        *out = new relscore_scorer{relscore::scorer::from_bytes(bytes)};
    });
}

relscore_status relscore_save_file(const relscore_scorer* scorer, const char* path) {
    return guarded([&] {
        require(scorer, "relscore_save_file", "scorer");
        require(path, "relscore_save_file", "path");
        try {
            relscore::save_snapshot(scorer->scorer, path);  // atomic: temp file, fsync, rename
        } catch (const relscore::file_error& e) {
            fail(RELSCORE_ERROR_IO, fmt::format("relscore_save_file(): {}", e.what()));
        }
    });
}

relscore_status relscore_load_file(const char* path, relscore_scorer** out) {
    return guarded([&] {
        require(path, "relscore_load_file", "path");
        require(out, "relscore_load_file", "out");
        try {
            *out = new relscore_scorer{relscore::load_snapshot(path)};
        } catch (const relscore::file_error& e) {
            fail(RELSCORE_ERROR_IO, fmt::format("relscore_load_file(): {}", e.what()));
        } catch (const relscore::parse_error& e) {
            fail(RELSCORE_ERROR_PARSE, fmt::format("relscore_load_file(): {}", e.what()));
        }
    });
}

void relscore_free(void* memory) { std::free(memory); }

}  // extern "C"
