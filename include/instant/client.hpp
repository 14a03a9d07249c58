// instant/client.hpp - the Centrifugo v6 server HTTP API on one client:
// publish (django-instant envelope or raw), broadcast, batch, subscribe,
// unsubscribe, disconnect, refresh, presence, presence_stats, history,
// history_remove, channels, info.
//
// Thread safety: a Client may be used from many threads at once. It keeps a
// pool of keep-alive HTTP connections; a thread takes one for the duration
// of a call, so sequential calls reuse one connection and concurrent calls
// use as many as there are threads calling. Moving a Client while another
// thread uses it is not safe; a moved-from Client fails every call with
// errc::invalid_argument.
//
// Errors: every fallible method has a throwing form (instant::Error) and a
// non-throwing overload of the same name and return type whose last
// parameter is a Status&. Requests are aggregates with defaults.
// Asynchronous, batched publishing: instant/publisher.hpp.
#ifndef INSTANT_CLIENT_HPP
#define INSTANT_CLIENT_HPP

#include <instant/config.hpp>
#include <instant/error.hpp>
#include <instant/export.h>
#include <instant/message.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace instant {

// A publication's place in its channel's stream (empty when no history).
struct StreamPosition {
  std::uint64_t offset = 0;
  std::string epoch;
};
using PublishResult = StreamPosition;

// Centrifugo's publish command, data given as JSON text (or b64data).
struct PublishRequest {
  std::string channel;
  std::string data;     // JSON text; validated before sending
  std::string b64data;  // base64 binary payload instead of data
  PublishOptions options;
};

// One channel's outcome inside a broadcast.
struct BroadcastItem {
  Status status;         // ok, or server_error with Centrifugo's code
  PublishResult result;  // when status.ok()
};
struct BroadcastResult {
  std::vector<BroadcastItem> responses;  // in the order of the channels sent
  bool all_ok() const noexcept;
};

struct BroadcastRequest {
  std::vector<std::string> channels;
  std::string data;     // JSON text
  std::string b64data;
  PublishOptions options;
};

// One command of a batch: a publish, a broadcast, or any other server API
// method with its params as JSON text.
struct BatchCommand {
  std::string method;   // "publish", "broadcast" or another method name
  std::string params;   // JSON text of the params (other methods; "" = {})
  std::optional<PublishRequest> publish;
  std::optional<BroadcastRequest> broadcast;
};

// Commands sent in one /api/batch request; replies come in command order.
// An aggregate; add() wraps a request into its command.
struct INSTANT_API Batch {
  std::vector<BatchCommand> commands;
  bool parallel = false;  // Centrifugo runs the commands concurrently (order not kept)

  void add(PublishRequest r);
  void add(BroadcastRequest r);
  void add(std::string method, std::string params_json);
};

struct BatchReply {
  std::string method;          // the command's method
  Status status;               // ok or the command's error
  PublishResult publish;       // for publish commands
  BroadcastResult broadcast;   // for broadcast commands
  std::string result_json;     // the raw result object of other methods ("" for
                               // publish and broadcast, whose results are typed)
};
struct BatchResult {
  std::vector<BatchReply> replies;  // in command order
  bool all_ok() const noexcept;
};

// Server-side subscribe of a user's connections to a channel.
struct SubscribeRequest {
  std::string user;
  std::string channel;
  std::string client;    // only this connection (optional)
  std::string session;   // only this session (optional)
  std::string info;      // JSON text (optional)
  std::string data;      // JSON text sent to the client on subscribe (optional)
  std::optional<StreamPosition> recover_since;
};

// Server-side unsubscribe of a user's connections from a channel.
struct UnsubscribeRequest {
  std::string user;
  std::string channel;
  std::string client;   // only this connection (optional)
  std::string session;  // only this session (optional)
};

struct DisconnectRequest {
  std::string user;
  std::string client;
  std::string session;
  std::vector<std::string> whitelist;  // client IDs to keep
  std::uint32_t code = 0;              // 0: server default
  std::string reason;
};

struct RefreshRequest {
  std::string user;
  std::string client;
  std::string session;
  bool expired = false;
  std::int64_t expire_at = 0;  // unix seconds; 0: unset
};

struct ClientInfo {
  std::string client;
  std::string user;
  std::string conn_info;  // JSON text, empty when absent
  std::string chan_info;  // JSON text, empty when absent
};
using PresenceResult = std::map<std::string, ClientInfo>;  // by client ID

struct PresenceStats {
  std::uint32_t num_clients = 0;
  std::uint32_t num_users = 0;
};

struct HistoryOptions {
  int limit = -1;  // -1: every kept publication; 0: only the stream position; N: at most N
  std::optional<StreamPosition> since;  // publications after this position
  bool reverse = false;                 // newest first
};

struct Publication {
  std::string data;       // JSON text (or empty when the publication was binary)
  std::string info;       // publisher's ClientInfo as JSON text, empty when absent
  std::uint64_t offset = 0;
  std::map<std::string, std::string> tags;
};

struct HistoryResult {
  std::vector<Publication> publications;
  std::uint64_t offset = 0;
  std::string epoch;
};

struct NodeInfo {
  std::string uid;
  std::string name;
  std::string version;
  std::uint32_t num_clients = 0;
  std::uint32_t num_users = 0;
  std::uint32_t num_channels = 0;
  std::uint32_t num_subs = 0;
  std::uint64_t uptime = 0;
};
struct InfoResult {
  std::vector<NodeInfo> nodes;
  std::string result_json;  // everything Centrifugo reported
};

using ChannelsResult = std::map<std::string, std::uint32_t>;  // name -> num_clients

// Counters of a client's transport.
struct ClientStats {
  std::uint64_t requests = 0;             // HTTP requests completed (any status)
  std::uint64_t connections_opened = 0;   // new TCP connections made
};

class INSTANT_API Client {
 public:
  // Validates cfg (throws Error(errc::config)); makes no connection yet.
  explicit Client(Config cfg);
  Client(Config cfg, Status& st);
  // Client(Config::from_env()).
  static Client from_env();
  static Client from_env(Status& st);
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // The configuration in use (defaults for a moved-from client).
  const Config& config() const noexcept;
  ClientStats stats() const noexcept;

  // django-instant publish: the envelope {"channel","site","message"?,...}
  // of `event` into `channel`. Needs a message or data (invalid_argument
  // otherwise). The (channel, message) form publishes Event{message}.
  PublishResult publish(std::string_view channel, const Event& event);
  PublishResult publish(std::string_view channel, const Event& event, Status& st);
  PublishResult publish(std::string_view channel, std::string_view message);
  PublishResult publish(std::string_view channel, std::string_view message, Status& st);

  // Centrifugo's publish as is: data is the caller's JSON.
  PublishResult publish_raw(const PublishRequest& req);
  PublishResult publish_raw(const PublishRequest& req, Status& st);

  // One publication into many channels; per-channel results in order.
  [[nodiscard]] BroadcastResult broadcast(const BroadcastRequest& req);
  [[nodiscard]] BroadcastResult broadcast(const BroadcastRequest& req, Status& st);
  // The envelope for each channel (its "channel" key names that channel).
  [[nodiscard]] BroadcastResult broadcast_event(const std::vector<std::string>& channels,
                                                const Event& event);
  [[nodiscard]] BroadcastResult broadcast_event(const std::vector<std::string>& channels,
                                                const Event& event, Status& st);

  [[nodiscard]] BatchResult batch(const Batch& b);
  [[nodiscard]] BatchResult batch(const Batch& b, Status& st);

  void subscribe(const SubscribeRequest& req);
  void subscribe(const SubscribeRequest& req, Status& st);
  void unsubscribe(const UnsubscribeRequest& req);
  void unsubscribe(const UnsubscribeRequest& req, Status& st);
  void disconnect(const DisconnectRequest& req);
  void disconnect(const DisconnectRequest& req, Status& st);
  void refresh(const RefreshRequest& req);
  void refresh(const RefreshRequest& req, Status& st);

  [[nodiscard]] PresenceResult presence(std::string_view channel);
  [[nodiscard]] PresenceResult presence(std::string_view channel, Status& st);
  [[nodiscard]] PresenceStats presence_stats(std::string_view channel);
  [[nodiscard]] PresenceStats presence_stats(std::string_view channel, Status& st);

  // Publications kept in the channel's history: all of them by default.
  [[nodiscard]] HistoryResult history(std::string_view channel, const HistoryOptions& opts = {});
  [[nodiscard]] HistoryResult history(std::string_view channel, const HistoryOptions& opts,
                                      Status& st);
  void history_remove(std::string_view channel);
  void history_remove(std::string_view channel, Status& st);

  [[nodiscard]] ChannelsResult channels(std::string_view pattern = {});
  [[nodiscard]] ChannelsResult channels(std::string_view pattern, Status& st);
  [[nodiscard]] InfoResult info();
  [[nodiscard]] InfoResult info(Status& st);

  // Any server API method: params and the returned result are JSON text.
  std::string call(std::string_view method, std::string_view params_json);
  std::string call(std::string_view method, std::string_view params_json, Status& st);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace instant

#endif  // INSTANT_CLIENT_HPP
