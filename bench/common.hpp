// Helpers shared by the benchmarks that talk to Centrifugo (bench/publish,
// bench/publisher): running a peer command (wrk) and reading its figures,
// shell quoting, medians and percentiles, CPU time. Figures only; nothing
// here asserts.
#ifndef INSTANT_BENCH_COMMON_HPP
#define INSTANT_BENCH_COMMON_HPP

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Runs a shell command, returns its stdout (and stderr when the command
// redirects it). The child gets none of this process's descriptors beyond
// stdin/stdout/stderr (wrk sizes its event loop for the descriptors it
// opens itself and fails to connect on a higher-numbered socket). Its CPU
// time lands in RUSAGE_CHILDREN once it has been reaped here.
inline std::string run(const std::string& cmd) {
  std::string out;
  int fds[2];
  if (pipe(fds) != 0) return out;
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return out;
  }
  if (pid == 0) {
    dup2(fds[1], 1);
    close_range(3, ~0U, 0);
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  return out;
}

// Single quotes for a POSIX shell.
inline std::string sh(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The number after `label` in `text` (0 when absent), e.g. wrk's "Requests/sec:".
inline double figure_after(const std::string& text, const std::string& label) {
  const auto pos = text.find(label);
  return pos == std::string::npos ? 0.0 : std::atof(text.c_str() + pos + label.size());
}

// The q-quantile (0..1) of v by nearest rank; v is sorted in place.
template <class T>
double quantile(std::vector<T>& v, double q) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  return static_cast<double>(v[std::min(i, v.size() - 1)]);
}

inline double median(std::vector<double> v) { return quantile(v, 0.5); }

// User + system CPU seconds of this process (who = RUSAGE_SELF) or of its
// reaped children (RUSAGE_CHILDREN).
inline double cpu_seconds(int who = RUSAGE_SELF) {
  rusage u{};
  getrusage(who, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// CPU seconds a process has used so far (/proc/PID/stat utime + stime), or
// -1 when it cannot be read: the server's share of a round.
inline double process_cpu_seconds(const std::string& pid) {
  if (pid.empty()) return -1;
  FILE* f = std::fopen(("/proc/" + pid + "/stat").c_str(), "r");
  if (!f) return -1;
  char buf[1024];
  const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  const char* p = std::strrchr(buf, ')');  // the command name may hold spaces
  if (!p) return -1;
  unsigned long long utime = 0, stime = 0;
  // Fields after ')': state ppid pgrp session tty tpgid flags minflt cminflt
  // majflt cmajflt utime stime.
  if (std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) return -1;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace bench

#endif  // INSTANT_BENCH_COMMON_HPP
