#pragma once
// Canonical values for the rules tests, owned so the views stay valid for the whole test.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "recon/core/canonical.hpp"

namespace recon::rules::test_support {

class Values {
 public:
  canon::ValueView null() { return make([](std::string& o) { canon::put_null(o); }); }
  canon::ValueView integer(std::int64_t v) { return make([&](std::string& o) { canon::put_integer(o, v); }); }
  canon::ValueView decimal(std::string_view t) {
    return make([&](std::string& o) { EXPECT_TRUE(canon::put_decimal(o, t)); });
  }
  canon::ValueView real(double v) { return make([&](std::string& o) { canon::put_float(o, v); }); }
  canon::ValueView boolean(bool b) { return make([&](std::string& o) { canon::put_bool(o, b); }); }
  canon::ValueView text(std::string_view t) { return make([&](std::string& o) { canon::put_text(o, t); }); }
  canon::ValueView json(std::string_view t) {
    return make([&](std::string& o) { EXPECT_TRUE(canon::put_json(o, t)); });
  }
  canon::ValueView ts(std::int64_t us) { return make([&](std::string& o) { canon::put_timestamp(o, us); }); }
  canon::ValueView tstz(std::int64_t us) { return make([&](std::string& o) { canon::put_timestamptz(o, us); }); }
  canon::ValueView time(std::int64_t us) { return make([&](std::string& o) { canon::put_time(o, us); }); }
  canon::ValueView date(std::int32_t d) { return make([&](std::string& o) { canon::put_date(o, d); }); }
  canon::ValueView uuid(const unsigned char b[16]) { return make([&](std::string& o) { canon::put_uuid(o, b); }); }
  canon::ValueView bytes(std::string_view raw) { return make([&](std::string& o) { canon::put_bytes(o, raw); }); }
  canon::ValueView invalid(std::string_view t) { return make([&](std::string& o) { canon::put_invalid(o, t); }); }

 private:
  template <class F>
  canon::ValueView make(F&& f) {
    std::string& buf = bufs_.emplace_back();
    f(buf);
    std::size_t pos = 0;
    return canon::read_value(buf, pos);
  }
  std::deque<std::string> bufs_;
};

}  // namespace recon::rules::test_support
