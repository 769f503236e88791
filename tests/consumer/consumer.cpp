// What a consumer writes first: score two emails and check the formula by hand.
#include <cmath>
#include <cstdio>

#include <relscore/relscore.hpp>

int main() {
    relscore::scorer s;  // email: weight 1, half-life 60 days; rho = 0.5
    const auto t0 = relscore::parse_time("2026-01-01T00:00:00Z");
    s.add({t0, "ana", "ben", "email"});
    s.add({t0 + std::chrono::days{60}, "ben", "ana", "email"});
    const relscore::relationship r = s.between("ana", "ben");
    // V_ab = 2^-1 = 0.5, V_ba = 1; S = 0.5 * 1.5 + 0.5 * 2 * 0.5 = 1.25.
    const bool ok = std::abs(r.volume_ab - 0.5) < 1e-12 && std::abs(r.volume_ba - 1.0) < 1e-12 &&
                    std::abs(r.strength - 1.25) < 1e-12;
    std::printf("relscore %s: ana-ben strength %.6f (%s)\n", RELSCORE_VERSION_STRING, r.strength, ok ? "ok" : "WRONG");
    return ok ? 0 : 1;
}
