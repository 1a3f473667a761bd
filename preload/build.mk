# SPDX-License-Identifier: LGPL-2.1-or-later
# libseedance-preload.so: seedance: URLs in the ffmpeg people already have
# (LD_PRELOAD; "seedance run PROGRAM ..." sets it up).
#
#   preload/*.c   the library, compiled against the libavformat headers
#                 pkg-config finds (another FFmpeg:
#                 PKG_CONFIG_PATH=<its lib/pkgconfig> make B=<dir> preload)
#   src/*.c       libseedance again, as position-independent code with
#                 hidden symbols, in $(B)/obj/pic
#
# It never links against libav*: it finds the program's own functions at
# run time (-z defs checks that nothing else is left open). It is loaded
# into programs built without the sanitizers, so SAN=1 does not apply to it.

PRELOAD_SO       := $(B)/lib/libseedance-preload.so
PRELOAD_SRCS     := $(wildcard preload/*.c)
PRELOAD_OBJS     := $(patsubst %.c,$(B)/obj/pic/%.o,$(PRELOAD_SRCS))
PRELOAD_LIB_OBJS := $(patsubst %.c,$(B)/obj/pic/%.o,$(LIB_SRCS))
PRELOAD_AV_CFLAGS := $(shell $(PKG_CONFIG) --cflags libavformat libavutil 2>/dev/null)
PRELOAD_HAVE_AV  := $(shell $(PKG_CONFIG) --exists libavformat libavutil 2>/dev/null && echo 1)
PRELOAD_CFLAGS    = $(BASE_CFLAGS) -O2 $(CPPFLAGS) $(CFLAGS) -fPIC -fvisibility=hidden
# where "make install" puts the library, and where "seedance run" looks for
# it after ../lib next to itself
PRELOADDIR       ?= $(LIBDIR)
PRELOAD_LIBDIR_H := $(B)/include/seedance-libdir.h

.PHONY: preload install-preload FORCE
all: preload
install: install-preload

$(B)/obj/pic/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(PRELOAD_CFLAGS) $(OBJ_CFLAGS) -MMD -MP -c $< -o $@

$(PRELOAD_LIB_OBJS): OBJ_CFLAGS = -Isrc -Iinclude $(CURL_CFLAGS) $(CJSON_CFLAGS) $(CRYPTO_CFLAGS) \
                              $(XXHASH_CFLAGS) $(PQ_CFLAGS)
$(PRELOAD_OBJS): OBJ_CFLAGS = -Iinclude $(PRELOAD_AV_CFLAGS)

$(PRELOAD_SO): $(PRELOAD_OBJS) $(PRELOAD_LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -shared -Wl,-soname,libseedance-preload.so -Wl,-z,defs -o $@ $^ \
	    $(LIB_LIBS) -ldl

ifeq ($(PRELOAD_HAVE_AV),1)
preload: $(PRELOAD_SO)
else
preload:
	@echo "libseedance-preload: skipped, no libavformat headers (Debian package libavformat-dev)"
endif

# Rewritten only when PRELOADDIR changes, so that "make install PREFIX=..."
# rebuilds the launcher with the right fallback directory.
$(PRELOAD_LIBDIR_H): FORCE
	@mkdir -p $(@D)
	@echo '#define SEEDANCE_LIBDIR "$(PRELOADDIR)"' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(B)/obj/src/cli/run.o: $(PRELOAD_LIBDIR_H)
$(B)/obj/src/cli/run.o: OBJ_CFLAGS += -I$(B)/include

install-preload: preload
	if [ -f $(PRELOAD_SO) ]; then install -d $(DESTDIR)$(PRELOADDIR) && \
	    install -m 755 $(PRELOAD_SO) $(DESTDIR)$(PRELOADDIR)/; fi
