// instant/instant.hpp - the whole C++ API in one include.
#ifndef INSTANT_INSTANT_HPP
#define INSTANT_INSTANT_HPP

#include <instant/bundle.hpp>
#include <instant/channels.hpp>
#include <instant/client.hpp>
#include <instant/config.hpp>
#include <instant/config_gen.hpp>
#include <instant/error.hpp>
#include <instant/limits.hpp>
#include <instant/message.hpp>
#include <instant/proxy.hpp>
#include <instant/publisher.hpp>
#include <instant/token.hpp>
#include <instant/version.h>

#endif  // INSTANT_INSTANT_HPP
