#include "repair.hpp"

namespace streamgate::flvrecord {

RepairPlan plan_repair(const FlvScanner& scanner, std::uint64_t file_size) {
  RepairPlan plan;
  if (!scanner.header_ok()) {
    plan.problem = scanner.stopped() ? scanner.problem() : "file header is torn";
    return plan;
  }
  plan.usable = true;
  plan.truncate_to = scanner.valid_size();
  plan.tags = scanner.tags();
  plan.duration_ms = scanner.indexer().end_ms();
  if (scanner.stopped())
    plan.problem = scanner.problem();
  else if (file_size > plan.truncate_to)
    plan.problem = "torn tag at offset " + std::to_string(plan.truncate_to) + " (" +
                   std::to_string(file_size - plan.truncate_to) + " bytes dropped)";
  if (const auto& metadata = scanner.metadata()) {
    FileMetadata closing = *metadata;
    closing.duration_s = plan.duration_ms / 1000.0;
    closing.filesize = double(plan.truncate_to);
    closing.keyframes = scanner.indexer().index().entries();
    MetadataRewrite rewrite{scanner.metadata_offset(), encode_metadata(closing)};
    if (rewrite.bytes.size() == scanner.metadata_size()) plan.rewrite = std::move(rewrite);
  }
  return plan;
}

RepairPlan plan_repair(std::span<const std::byte> file) {
  FlvScanner scanner;
  scanner.feed(file);
  return plan_repair(scanner, file.size());
}

}  // namespace streamgate::flvrecord
