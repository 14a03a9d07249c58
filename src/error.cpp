#include <instant/error.hpp>

namespace instant {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "instant"; }
  std::string message(int ev) const override { return to_string(static_cast<errc>(ev)); }
};

}  // namespace

const std::error_category& error_category() noexcept {
  static const Category cat;
  return cat;
}

const char* to_string(errc e) noexcept {
  switch (e) {
    case errc::ok: return "ok";
    case errc::invalid_argument: return "invalid argument";
    case errc::transport: return "transport error";
    case errc::timeout: return "timeout";
    case errc::unauthorized: return "unauthorized (wrong API key)";
    case errc::http_status: return "unexpected HTTP status";
    case errc::server_error: return "Centrifugo returned an error";
    case errc::malformed_reply: return "malformed reply from server";
    case errc::partial_failure: return "some items failed";
    case errc::invalid_json: return "invalid JSON";
    case errc::invalid_utf8: return "invalid UTF-8";
    case errc::too_large: return "too large";
    case errc::invalid_channel: return "invalid channel name";
    case errc::config: return "configuration error";
    case errc::token_malformed: return "malformed token";
    case errc::token_signature: return "token signature invalid";
    case errc::token_expired: return "token expired";
    case errc::token_not_yet_valid: return "token not yet valid";
    case errc::token_algorithm: return "token algorithm not allowed";
    case errc::token_audience: return "token audience mismatch";
    case errc::token_issuer: return "token issuer mismatch";
    case errc::token_kid: return "token key id unknown";
    case errc::token_claim: return "token claim missing or invalid";
    case errc::weak_key: return "key too weak";
    case errc::key: return "unusable key";
    case errc::io: return "I/O error";
    case errc::not_found: return "not found";
    case errc::already_exists: return "already exists";
    case errc::forbidden: return "forbidden";
    case errc::internal: return "internal error";
    case errc::queue_full: return "queue full";
    case errc::purged: return "purged";
    case errc::closed: return "publisher closed";
  }
  return "unknown error";
}

Error::Error(const Status& st)
    : std::runtime_error(st.message().empty() ? to_string(st.kind()) : st.message()),
      kind_(st.kind()), http_status_(st.http_status()), server_code_(st.server_code()) {}

Error::Error(errc kind, const std::string& message, int http_status, int server_code)
    : std::runtime_error(message.empty() ? to_string(kind) : message),
      kind_(kind), http_status_(http_status), server_code_(server_code) {}

Error::~Error() = default;

}  // namespace instant
