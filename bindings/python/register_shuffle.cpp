// relscore.dask's split by pair (relscore/_dask_shuffle.py): a group of input partitions
// cut into one piece per shard, every row going to the shard of its unordered pair.
//
// Design notes
// - numpy needs a hash pass, a stable sort of the shard numbers and one gather per
//   column; here it is one pass to number and count the rows, then one scatter pass per
//   column, each row written straight into its shard's place. With few shards the
//   scatter has few write heads and every read is sequential.
// - Columns are moved as bytes (1, 2, 4 or 8 a value), whatever their dtype: times,
//   codes, weights, flags. Object columns cannot be moved so (their references are
//   counted); the Python layer carries those by row number instead.
// - The shard of a pair is _dask_shuffle._code_pair_shard's, to the bit: a run may cut
//   some groups here and others there (tests/python/test_dask.py).

#include "convert.hpp"
#include "register.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace relscore::bindings {
namespace {

namespace py = pybind11;

// The shard of the unordered pair of codes {a, b}: Fibonacci hashing of the 64-bit key
// (lo << 32 | hi, each code as its 32 bits), the hash's high 32 bits scaled to [0, shards).
inline std::uint32_t pair_shard(std::int32_t a, std::int32_t b, std::uint64_t shards) noexcept {
    const auto lo = static_cast<std::uint32_t>(std::min(a, b)), hi = static_cast<std::uint32_t>(std::max(a, b));
    const std::uint64_t h = ((std::uint64_t{lo} << 32 | hi) * 0x9E3779B97F4A7C15ULL) >> 32;
    return static_cast<std::uint32_t>((h * shards) >> 32);
}

// One column: its array in each partition (all of one dtype, C-contiguous).
struct column_parts {
    py::dtype dtype;
    std::vector<py::array> parts;
    [[nodiscard]] std::size_t itemsize() const { return static_cast<std::size_t>(dtype.itemsize()); }
};

column_parts column_of(const py::handle& arrays, std::size_t k, std::size_t partitions) {
    const std::string which = "split_by_pair: column " + std::to_string(k);
    column_parts c;
    for (const py::handle& a : arrays) {
        if (!py::isinstance<py::array>(a)) throw std::invalid_argument(which + " is not a list of numpy arrays");
        auto array = py::reinterpret_borrow<py::array>(a);
        if (array.ndim() != 1 || !(array.flags() & py::array::c_style))
            throw std::invalid_argument(which + ": each part must be one-dimensional and C-contiguous");
        if (c.parts.empty()) c.dtype = array.dtype();
        if (!array.dtype().is(c.dtype) && !array.dtype().equal(c.dtype))
            throw std::invalid_argument(which + ": its parts differ in dtype");
        c.parts.push_back(std::move(array));
    }
    if (c.parts.size() != partitions) throw std::invalid_argument(which + ": not one array per partition");
    if (c.parts.empty()) throw std::invalid_argument(which + ": no partitions");
    const char kind = c.dtype.kind();
    const std::size_t size = c.itemsize();
    if (kind == 'O' || kind == 'V' || (size != 1 && size != 2 && size != 4 && size != 8))
        throw std::invalid_argument(which + ": values must be numbers, times or flags of 1, 2, 4 or 8 bytes");
    if (k < 2 && !c.dtype.equal(py::dtype::of<std::int32_t>()))
        throw std::invalid_argument(which + ": the people's codes must be int32");
    return c;
}

// A value read or written through memcpy: numpy arrays need not be aligned to their
// values' size, and a fixed-size memcpy compiles to one move either way.
template <class Value>
Value load(const void* base, std::size_t i) noexcept {
    Value v;
    std::memcpy(&v, static_cast<const std::byte*>(base) + i * sizeof(Value), sizeof(Value));
    return v;
}

// Row r of the group goes to out[cursor[shard[r]]++]: the rows of each shard in group order.
template <class Value, class Shard>
void scatter(const std::vector<const void*>& parts, const std::vector<std::size_t>& sizes, const std::vector<Shard>& shard,
             std::vector<std::size_t> cursor, void* out) {
    auto* const to = static_cast<std::byte*>(out);
    std::size_t row = 0;
    for (std::size_t p = 0; p < parts.size(); ++p) {
        for (std::size_t i = 0; i < sizes[p]; ++i, ++row) {
            const Value v = load<Value>(parts[p], i);
            std::memcpy(to + cursor[shard[row]]++ * sizeof(Value), &v, sizeof(Value));
        }
    }
}

template <class Shard>
py::tuple split(std::uint32_t shards, const std::vector<column_parts>& columns) {
    const std::size_t partitions = columns[0].parts.size();
    std::vector<std::size_t> sizes(partitions);
    std::size_t rows = 0;
    for (std::size_t p = 0; p < partitions; ++p) {
        sizes[p] = static_cast<std::size_t>(columns[0].parts[p].size());
        for (const column_parts& c : columns)
            if (static_cast<std::size_t>(c.parts[p].size()) != sizes[p])
                throw std::invalid_argument("split_by_pair: the columns of partition " + std::to_string(p) + " differ in length");
        rows += sizes[p];
    }
    // Pointers and outputs are taken with the GIL held; the passes run without it.
    std::vector<std::vector<const void*>> in(columns.size());
    std::vector<py::array> out;
    std::vector<void*> to;
    for (std::size_t k = 0; k < columns.size(); ++k) {
        for (const py::array& a : columns[k].parts) in[k].push_back(a.data());
        out.emplace_back(columns[k].dtype, std::vector<py::ssize_t>{static_cast<py::ssize_t>(rows)});
        to.push_back(out.back().mutable_data());
    }
    carray<std::int64_t> counts({static_cast<py::ssize_t>(shards), static_cast<py::ssize_t>(partitions)});
    std::int64_t* const count = counts.mutable_data();
    {
        py::gil_scoped_release release;
        std::fill(count, count + std::size_t{shards} * partitions, 0);
        std::vector<Shard> shard(rows);
        std::vector<std::size_t> total(shards, 0);
        std::size_t row = 0;
        for (std::size_t p = 0; p < partitions; ++p) {
            for (std::size_t i = 0; i < sizes[p]; ++i, ++row) {
                const std::uint32_t s = pair_shard(load<std::int32_t>(in[0][p], i), load<std::int32_t>(in[1][p], i), shards);
                shard[row] = static_cast<Shard>(s);
                ++count[std::size_t{s} * partitions + p];
                ++total[s];
            }
        }
        std::vector<std::size_t> start(shards);
        for (std::size_t s = 0, at = 0; s < shards; at += total[s], ++s) start[s] = at;
        for (std::size_t k = 0; k < columns.size(); ++k) {
            switch (columns[k].itemsize()) {
            case 1: scatter<std::uint8_t>(in[k], sizes, shard, start, to[k]); break;
            case 2: scatter<std::uint16_t>(in[k], sizes, shard, start, to[k]); break;
            case 4: scatter<std::uint32_t>(in[k], sizes, shard, start, to[k]); break;
            default: scatter<std::uint64_t>(in[k], sizes, shard, start, to[k]); break;
            }
        }
    }
    py::list outputs;
    for (py::array& a : out) outputs.append(std::move(a));
    return py::make_tuple(std::move(counts), std::move(outputs));
}

py::tuple split_by_pair(std::uint32_t shards, const py::list& columns) {
    // The shard numbers of the Python layer stay far below this (past 2,048 pieces it
    // uses Dask's own shuffle); the bound keeps the counts table from a runaway size.
    if (shards == 0 || shards > (1U << 24)) throw std::invalid_argument("split_by_pair: shards must be 1 to 2^24");
    if (columns.size() < 2) throw std::invalid_argument("split_by_pair: the source and target codes come first");
    const std::size_t partitions = py::len(columns[0]);
    std::vector<column_parts> parts;
    for (std::size_t k = 0; k < columns.size(); ++k) parts.push_back(column_of(columns[k], k, partitions));
    return shards <= (1U << 16) ? split<std::uint16_t>(shards, parts) : split<std::uint32_t>(shards, parts);
}

}  // namespace

void register_shuffle(py::module_& m) {
    using namespace py::literals;
    m.def("split_by_pair", &split_by_pair, "shards"_a, "columns"_a,
          "Rows cut into shards by their unordered pair of people: columns[k][p] is column k of partition p (a "
          "numpy array of 1-, 2-, 4- or 8-byte values, one dtype per column), columns 0 and 1 the int32 codes of "
          "source and target. Returns (counts, outputs): counts[s, p] the rows of partition p in shard s (int64), "
          "outputs[k] column k with the rows of shard 0 first, then shard 1's..., each shard's in input order. "
          "The shard is _dask_shuffle._code_pair_shard's.");
}

}  // namespace relscore::bindings
