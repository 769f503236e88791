#pragma once
// The areas of relscore._eval (eval_module.cpp calls them).

#include <pybind11/pybind11.h>

namespace relscore::bindings {

void register_eval(pybind11::module_& m);  // register_eval.cpp: LinkModel, its factories, the streams

}  // namespace relscore::bindings
