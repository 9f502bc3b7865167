#pragma once
// The plugin code one HttpStream holds: each write's `done` and `on_closed`.
// They live here, not in the handlers queued on the connection's strand, so
// that close() and HttpServer::stop() can take all of them back at once and
// keep the promise in http.hpp: once either returned, no callback of the
// stream runs and the core holds none of the plugin's code (it may be
// unloaded).
//
// Each callback runs, and is destroyed, inside a "running" window counted
// under the mutex. Sealing (close, stop) waits until no window is open on
// another thread; a window open on the sealing thread itself (close() from
// inside done) is not waited for, as RouteEntry::retire() does for handlers.

#include <spdlog/fwd.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

// Internal to the core, like Beast (see http/beast.hpp).
#pragma GCC visibility push(hidden)

namespace streamgate::http {

class StreamCallbacks {
 public:
  using Done = std::function<void(bool ok)>;

  StreamCallbacks(std::shared_ptr<spdlog::logger> logger, std::string peer);
  ~StreamCallbacks();
  StreamCallbacks(const StreamCallbacks&) = delete;
  StreamCallbacks& operator=(const StreamCallbacks&) = delete;

  // ---- the plugin's side (any thread) ----

  /// Keeps `done` for a write about to be queued and returns its id; 0 when
  /// the stream is already sealed: done(false) has run then.
  std::uint64_t add_write(Done done);
  /// What on_closed() must do next.
  enum class OnClosed : std::uint8_t { Invalid = 0, Kept, Due, Finished };
  /// Keeps `callback`. Due: the stream is already gone, post run_due_on_closed()
  /// to the connection. Finished: it ran here (server stopped) or was dropped
  /// (the producer closed).
  OnClosed set_on_closed(std::function<void()> callback);
  /// The producer ends the stream: on_closed will not run; a write still in
  /// flight gets done(false) here; waits for a callback running elsewhere.
  void close();

  // ---- the connection's side (its strand) ----

  /// Runs the done of write `id` (unless close() or stop() took it already).
  void finish_write(std::uint64_t id, bool ok);
  /// The client left, the server stops, or HEAD needs no body: on_closed
  /// runs once (now if registered, else when it is).
  void gone();
  /// A registration that came after gone() (see set_on_closed).
  void run_due_on_closed();

  // ---- the server's side ----

  /// HttpServer::stop(): runs what is still owed (on_closed unless the
  /// producer closed, done(false) for writes in flight), then seals.
  void server_stopped();
  /// For a stream started after stop(): already gone and sealed.
  void born_stopped();

 private:
  // Plugin functions taken out under the mutex, to run outside it.
  struct Taken {
    std::vector<Done> writes;  // run with `ok`
    bool ok = false;
    std::function<void()> on_closed;
    bool run_on_closed = false;  // else it is only dropped
  };

  // Opens a running window (mutex held), runs and destroys what `taken`
  // holds outside the mutex, closes the window.
  void run(std::unique_lock<std::mutex>& lock, Taken taken);
  // Seals and waits until no other thread has a window open (mutex held).
  void seal(std::unique_lock<std::mutex>& lock);
  template <class F>
  void guarded(F&& call, const char* what) noexcept;

  std::shared_ptr<spdlog::logger> logger_;
  std::string peer_;

  std::mutex mutex_;
  std::condition_variable idle_;
  // Writes queued and not yet done: one, or two when the producer misuses it.
  std::vector<std::pair<std::uint64_t, Done>> writes_;
  std::uint64_t last_write_ = 0;
  std::function<void()> on_closed_;
  bool gone_ = false;      // the client left or the server stopped: on_closed is owed
  bool fired_ = false;     // on_closed ran (or is running)
  bool finished_ = false;  // the producer closed: on_closed never runs
  bool sealed_ = false;    // close() or stop(): nothing runs later; what comes in runs at once
  int running_ = 0;        // open running windows, on any thread
};

}  // namespace streamgate::http

#pragma GCC visibility pop
