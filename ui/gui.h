#pragma once

#include <QString>

namespace ed::ui {

/// Runs the desktop application on the cache at `cachePath` until its last window closes;
/// returns the exit code for main(). `argc` and `argv` must outlive the call (QApplication).
int runGui(int &argc, char **argv, const QString &cachePath);

} // namespace ed::ui
