#include "messages/utc_time.hpp"

#include <cstdio>

namespace onset {
inline namespace messages {

namespace {

// Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic
// Gregorian date.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool is_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30,
                                      31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

// Reads exactly `n` digits at `pos`.
bool read_digits(std::string_view text, size_t pos, size_t n, unsigned& out) {
  if (pos + n > text.size())
    return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9')
      return false;
    out = out * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return true;
}

std::optional<utc_time> refuse(utc_time::parse_problem* problem,
                               std::string reason) {
  if (problem)
    problem->reason = std::move(reason);
  return std::nullopt;
}

} // namespace

std::optional<utc_time> utc_time::parse_rfc3339(std::string_view text,
                                                parse_problem* problem) {
  constexpr auto form = "must be an RFC 3339 UTC timestamp such as "
                        "2026-12-01T00:00:00Z";
  unsigned year, month, day, hour, minute, second;
  if (!read_digits(text, 0, 4, year) || text.size() < 19 || text[4] != '-'
      || !read_digits(text, 5, 2, month) || text[7] != '-'
      || !read_digits(text, 8, 2, day) || (text[10] != 'T' && text[10] != 't')
      || !read_digits(text, 11, 2, hour) || text[13] != ':'
      || !read_digits(text, 14, 2, minute) || text[16] != ':'
      || !read_digits(text, 17, 2, second))
    return refuse(problem, form);
  size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    size_t digits = 0;
    while (++pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
      ++digits;
    if (digits == 0)
      return refuse(problem, form);
  }
  auto zone = text.substr(pos);
  if (zone.empty())
    return refuse(problem, "has no time zone; write it in UTC with a 'Z' "
                           "suffix");
  if (zone != "Z" && zone != "z" && zone != "+00:00" && zone != "-00:00") {
    unsigned h, m;
    bool offset = zone.size() == 6 && (zone[0] == '+' || zone[0] == '-')
                  && read_digits(zone, 1, 2, h) && zone[3] == ':'
                  && read_digits(zone, 4, 2, m);
    if (offset)
      return refuse(problem, "is not in UTC (offset " + std::string(zone)
                               + "); write it with a 'Z' suffix");
    return refuse(problem, form);
  }
  if (month < 1 || month > 12)
    return refuse(problem,
                  "has month " + std::to_string(month) + " (must be 01-12)");
  if (day < 1 || day > days_in_month(year, month))
    return refuse(problem, "has day " + std::to_string(day) + ", which month "
                             + std::to_string(month) + " of "
                             + std::to_string(year) + " does not have");
  if (hour > 23 || minute > 59 || second > 59)
    return refuse(problem, "has a time of day out of range");
  utc_time result;
  result.seconds = days_from_civil(year, month, day) * 86400
                   + static_cast<int64_t>(hour) * 3600 + minute * 60 + second;
  return result;
}

std::string utc_time::to_rfc3339() const {
  int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  int64_t rest = seconds - days * 86400;
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                static_cast<long long>(y), m, d,
                static_cast<long long>(rest / 3600),
                static_cast<long long>(rest % 3600 / 60),
                static_cast<long long>(rest % 60));
  return buf;
}

std::ostream& operator<<(std::ostream& out, utc_time x) {
  return out << x.to_rfc3339();
}

} // namespace messages
} // namespace onset
