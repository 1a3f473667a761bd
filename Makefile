# SPDX-License-Identifier: LGPL-2.1-or-later
# seedance for FFmpeg: top-level build.
#
#   make            libseedance, the seedance tool, the emulator, ffmpeg/ffprobe
#   make check      the whole test suite (prints "N passed, N failed")
#   make check-asan the library, tool and emulator tests under ASan/UBSan
#   make check-tsan the tests of the stream's threads under ThreadSanitizer
#   make demo       install dependencies, build, generate a clip against the emulator
#   make bench      benchmarks against the emulator
#   make install    PREFIX=/usr/local
#   make deps       install the build dependencies (Debian, as root)
#   make deb        the Debian package, in $(B)/deb
#
# Out-of-tree build directory: B (default build). The FFmpeg part is set up
# by ./configure, which writes config.mk; without it, defaults are used.

B       ?= build
PREFIX  ?= /usr/local
CC      ?= cc
SAN     ?=
PKG_CONFIG ?= pkg-config

-include config.mk

# Where "make install" puts things (a Debian package: LIBDIR=/usr/lib/<triplet>).
LIBDIR      ?= $(PREFIX)/lib
INCLUDEDIR  ?= $(PREFIX)/include
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

BASE_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -g
ifeq ($(SAN),1)
OPT_CFLAGS  = -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
SAN_LDFLAGS = -fsanitize=address,undefined
else ifeq ($(SAN),thread)
OPT_CFLAGS  = -O1 -fno-omit-frame-pointer -fsanitize=thread
SAN_LDFLAGS = -fsanitize=thread
else
OPT_CFLAGS  = -O2
SAN_LDFLAGS =
endif
CFLAGS  ?=
LDFLAGS ?=
CPPFLAGS ?=
ALL_CFLAGS  = $(BASE_CFLAGS) $(OPT_CFLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN_LDFLAGS) $(LDFLAGS)

CURL_CFLAGS  := $(shell $(PKG_CONFIG) --cflags libcurl 2>/dev/null)
CURL_LIBS    := $(shell $(PKG_CONFIG) --libs libcurl 2>/dev/null || echo -lcurl)
CJSON_CFLAGS := $(shell $(PKG_CONFIG) --cflags libcjson 2>/dev/null)
CJSON_LIBS   := $(shell $(PKG_CONFIG) --libs libcjson 2>/dev/null || echo -lcjson)

.PHONY: all lib tools doc deb check check-lib check-ffmpeg check-asan check-tsan demo bench install install-lib install-ffmpeg install-doc install-completion deps clean distclean
all: lib tools

include src/build.mk
include preload/build.mk
include tests/build.mk
include ffmpeg.mk
include doc/build.mk
include bench/build.mk
include fuzz/build.mk

# Install what the demo needs, build, and generate a clip against the
# local emulator (README's first command).
demo:
	$(MAKE) deps
	$(MAKE) all test-progs
	tools/demo.sh $(B)

deps:
	tools/deps.sh

# The Debian package (no ffmpeg in it): $(B)/deb/seedance_VERSION_ARCH.deb
deb:
	tools/deb.sh $(B) "$(TEXI2POD)"

install: install-lib install-ffmpeg install-doc install-completion

# bash completion of the seedance command
install-completion:
	install -d $(DESTDIR)$(BASHCOMPDIR)
	install -m 644 tools/seedance.bash $(DESTDIR)$(BASHCOMPDIR)/seedance

# Object files: $(B)/obj/<path>.o from <path>.c, headers tracked with -MMD.
$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(OBJ_CFLAGS) -MMD -MP -c $< -o $@

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

clean:
	rm -rf $(B)/obj $(B)/lib $(B)/bin/seedance $(B)/tests $(B)/asan $(B)/tsan

distclean:
	rm -rf $(B) config.mk
