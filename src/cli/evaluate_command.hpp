#pragma once
// `relscore evaluate`: hands over to the Python harness (see evaluate_command.cpp).

#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace relscore::cli {
void add_evaluate_command(CLI::App& app, std::vector<std::string>& args, std::function<int()>& run);
}
