#pragma once

#include <QPalette>

namespace ed::ui {

/// The app's dark palette (View › Dark palette), also what the screenshot slots of the tests use.
QPalette darkPalette();

} // namespace ed::ui
