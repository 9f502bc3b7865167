#pragma once
// Everything a plugin needs, in one include (Asio stays out: see asio.hpp).
#include "streamgate/access.hpp"
#include "streamgate/bus.hpp"
#include "streamgate/bytes.hpp"
#include "streamgate/config.hpp"
#include "streamgate/executor.hpp"
#include "streamgate/host.hpp"
#include "streamgate/http.hpp"
#include "streamgate/media.hpp"
#include "streamgate/names.hpp"
#include "streamgate/plugin.hpp"
#include "streamgate/version.hpp"
