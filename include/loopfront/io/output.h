// Writing results without ever leaving a half-written file (DESIGN §2.9, §4): every file is
// written to a temporary name in the same directory, flushed to disk, and renamed over the
// target, so a reader (or a rerun after `kill -9`) sees either the old file or the whole new one.
// What goes into a file (CSV, JSON, text) is report/'s business (report/table.h).
#pragma once

#include <filesystem>
#include <string_view>

namespace loopfront::io {

// Writes `content` to `path` atomically, creating parent directories. Throws util::ConfigError
// naming the path and the system's reason when it cannot (a user-chosen output location).
void WriteFileAtomically(const std::filesystem::path& path, std::string_view content);

}  // namespace loopfront::io
