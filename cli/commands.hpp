// The subcommands of the `instant` tool. Each takes the arguments after its
// name and returns the process exit status (0 ok, 1 failed, 2 usage).
#pragma once

namespace cli {

int cmd_publish(int argc, char** argv);
int cmd_history(int argc, char** argv);
int cmd_info(int argc, char** argv);
int cmd_token(int argc, char** argv);
int cmd_subtoken(int argc, char** argv);
int cmd_verify(int argc, char** argv);
int cmd_jwks(int argc, char** argv);
int cmd_bundle(int argc, char** argv);
int cmd_genconfig(int argc, char** argv);
int cmd_channels(int argc, char** argv);
int cmd_proxy(int argc, char** argv);
int cmd_stream(int argc, char** argv);
const char* stream_usage();  // its usage line, options and defaults (several lines)

}  // namespace cli
