#pragma once
// Stream and app names come from the network. These checks keep them from
// escaping output folders or confusing logs.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace streamgate {

constexpr std::size_t kMaxNameLength = 128;

/// Why `name` is not acceptable as an app or stream name, or nullopt when it
/// is: empty, longer than kMaxNameLength, invalid UTF-8, a control character
/// (NUL included), '/', '\\', or "." / ".." are refused.
std::optional<std::string> name_problem(std::string_view name);

/// Splits "name?query" into its two parts (query without '?').
std::pair<std::string_view, std::string_view> split_query(std::string_view name_with_query);

/// A file-name-safe form of `name`: every byte outside [A-Za-z0-9._-] becomes
/// '_', a leading '.' becomes '_', and an empty result becomes "_". The result
/// can never name a parent folder.
std::string sanitize_path_component(std::string_view name);

/// `root / relative`, made lexically normal; throws std::invalid_argument if
/// the result would lie outside `root`.
std::filesystem::path path_inside(const std::filesystem::path& root,
                                  const std::filesystem::path& relative);

}  // namespace streamgate
