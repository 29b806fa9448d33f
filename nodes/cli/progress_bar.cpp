#include "nodes/cli/progress_bar.hpp"

namespace onset::cli {

namespace {

constexpr uint64_t bar_width = 30;

} // namespace

progress_bar::progress_bar(std::ostream& out, bool in_place)
  : out_(out), in_place_(in_place) {
}

void progress_bar::update(uint64_t done, uint64_t total,
                          const std::string& note) {
  auto filled = total == 0 ? 0
                           : (done > total ? total : done) * bar_width / total;
  auto text = "[" + std::string(filled, '#')
              + std::string(bar_width - filled, '.') + "] "
              + std::to_string(done) + "/" + std::to_string(total)
              + " steps acked  " + note;
  if (text == last_)
    return;
  if (in_place_) {
    // Pad over a longer previous line.
    auto pad = last_.size() > text.size() ? last_.size() - text.size() : 0;
    out_ << '\r' << text << std::string(pad, ' ') << std::flush;
    open_ = true;
  } else {
    out_ << text << '\n' << std::flush;
  }
  last_ = std::move(text);
}

void progress_bar::finish() {
  if (open_)
    out_ << '\n' << std::flush;
  open_ = false;
}

} // namespace onset::cli
