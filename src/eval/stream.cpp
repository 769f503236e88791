// run_stream() and run_feature_stream() (eval/link_models.hpp): the evaluation's batches
// driven through a model in C++.

#include "streaming_model.hpp"

#include <string>
#include <vector>

RELSCORE_BEGIN_NAMESPACE
namespace eval {

using namespace internal;

namespace {

// The stream loop of run_stream() and run_feature_stream(): `query(src, dst, time, first,
// count, negative)` is called for each batch's positives, then its negatives, after the
// batch's learn edges were observed. `per_entry` outputs per entry of batch_index.
template <typename Query>
void drive_stream(link_model& model, const stream_plan& plan, std::size_t positive_outputs,
                  std::size_t negative_outputs, std::size_t per_entry, Query&& query) {
    const auto fail = [](const std::string& what) { throw_invalid("relscore::eval::run_stream(): " + what); };
    const std::size_t n = plan.time.size();
    if (plan.src.size() != n || plan.dst.size() != n) fail("src, dst and time differ in length");
    if (plan.learn_offset.size() != plan.batch_offset.size() || plan.batch_offset.empty())
        fail("learn_offset and batch_offset must both have one entry per batch plus one");
    const std::size_t batches = plan.batch_offset.size() - 1;
    const std::size_t scored = plan.batch_index.size();
    if (plan.neg_src.size() != scored || plan.neg_dst.size() != scored)
        fail("neg_src and neg_dst need one entry per entry of batch_index");
    if (positive_outputs != scored * per_entry || negative_outputs != scored * per_entry)
        fail(fmt::format("the outputs need {} values per entry of batch_index", per_entry));
    const auto check_offsets = [&](std::span<const std::int64_t> offsets, std::size_t total, const char* name) {
        if (offsets.front() != 0 || static_cast<std::size_t>(offsets.back()) != total)
            fail(fmt::format("{} must start at 0 and end at {}", name, total));
        for (std::size_t b = 0; b < batches; ++b)
            if (offsets[b] > offsets[b + 1]) fail(fmt::format("{} decreases at batch {}", name, b));
    };
    check_offsets(plan.learn_offset, plan.learn_index.size(), "learn_offset");
    check_offsets(plan.batch_offset, scored, "batch_offset");
    for (const auto index : {plan.learn_index, plan.batch_index})
        for (const auto k : index)
            if (k < 0 || static_cast<std::size_t>(k) >= n) fail(fmt::format("edge index {} is out of range", k));

    std::vector<node_id> src, dst;
    std::vector<double> time;
    const auto gather = [&](std::span<const std::int64_t> index) {
        src.clear(), dst.clear(), time.clear();
        for (const auto k : index) {
            const auto i = static_cast<std::size_t>(k);
            src.push_back(plan.src[i]), dst.push_back(plan.dst[i]), time.push_back(plan.time[i]);
        }
    };
    for (std::size_t b = 0; b < batches; ++b) {
        gather(plan.learn_index.subspan(static_cast<std::size_t>(plan.learn_offset[b]),
                                        static_cast<std::size_t>(plan.learn_offset[b + 1] - plan.learn_offset[b])));
        model.observe(src, dst, time);
        const auto first = static_cast<std::size_t>(plan.batch_offset[b]);
        const auto count = static_cast<std::size_t>(plan.batch_offset[b + 1] - plan.batch_offset[b]);
        gather(plan.batch_index.subspan(first, count));
        query(std::span<const node_id>(src), std::span<const node_id>(dst), std::span<const double>(time), first, count,
              false);
        query(plan.neg_src.subspan(first, count), plan.neg_dst.subspan(first, count), std::span<const double>(time),
              first, count, true);
    }
}

}  // namespace

void run_stream(link_model& model, const stream_plan& plan, std::span<double> positive_out,
                std::span<double> negative_out) {
    drive_stream(model, plan, positive_out.size(), negative_out.size(), 1,
                 [&](auto src, auto dst, auto time, std::size_t first, std::size_t count, bool negative) {
                     model.score(src, dst, time, (negative ? negative_out : positive_out).subspan(first, count));
                 });
}

void run_feature_stream(relscore_link& model, const stream_plan& plan, std::span<double> positive_features,
                        std::span<double> negative_features) {
    constexpr auto f = link_feature_count;
    drive_stream(model, plan, positive_features.size(), negative_features.size(), f,
                 [&](auto src, auto dst, auto time, std::size_t first, std::size_t count, bool negative) {
                     model.features(src, dst, time,
                                    (negative ? negative_features : positive_features).subspan(first * f, count * f));
                 });
}

}  // namespace eval
RELSCORE_END_NAMESPACE
