// The main linked into each fuzz target when libFuzzer is not used (gcc and
// ordinary builds): runs LLVMFuzzerTestOneInput once over every file named on
// the command line or found in a named directory (sorted), so ctest exercises
// each target over its committed corpus. Each input runs in its own child
// process, so one crash does not hide the next: every failing input is listed.
// Fails when an input failed or when no input was found.
#include "fuzz_support.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sys/wait.h>
#include <unistd.h>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

// Runs one input in a child; true when it returned normally (a leak report
// at exit, an abort or a signal is a failure).
bool run_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", p.c_str());
    return false;
  }
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    std::perror("fork");
    return false;
  }
  if (pid == 0) {
    // A copy of exactly the input's size, as libFuzzer hands it over.
    std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
    LLVMFuzzerTestOneInput(copy.data(), copy.size());
    std::exit(0);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
  if (WIFSIGNALED(status)) {
    std::fprintf(stderr, "FAILED %s (%zu bytes): signal %d\n", p.c_str(), bytes.size(), WTERMSIG(status));
  } else {
    std::fprintf(stderr, "FAILED %s (%zu bytes): exit %d\n", p.c_str(), bytes.size(), WEXITSTATUS(status));
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  fuzz::replaying() = true;
  std::size_t n = 0, failed = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg(argv[i]);
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(arg)) {
      for (const auto& e : std::filesystem::directory_iterator(arg)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
      std::sort(files.begin(), files.end());
    } else {
      files.push_back(arg);
    }
    for (const auto& f : files) {
      if (!run_file(f)) ++failed;
      ++n;
    }
  }
  std::fprintf(stderr, "replayed %zu inputs, %zu failed\n", n, failed);
  return n == 0 || failed > 0 ? 1 : 0;
}
