# SPDX-License-Identifier: LGPL-2.1-or-later
# libseedance (static library + pkg-config file) and the seedance tool.
#
#   include/*.h     the public headers: seedance.h (the library's API) and
#                   seedance_av.h (what the FFmpeg components share)
#   src/*.c         the library (src/*.h: its internals, never installed)
#   src/cli/*.c     the seedance command, a front end: public headers only

LIB_SRCS := $(wildcard src/*.c)
LIB_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(LIB_SRCS))
LIB_A    := $(B)/lib/libseedance.a
LIB_PC   := $(B)/lib/pkgconfig/seedance.pc
CRYPTO_CFLAGS := $(shell $(PKG_CONFIG) --cflags libcrypto 2>/dev/null)
CRYPTO_LIBS   := $(shell $(PKG_CONFIG) --libs libcrypto 2>/dev/null || echo -lcrypto)
# libxxhash is used header-only (src/hash.c): its flags, nothing to link
XXHASH_CFLAGS := $(shell $(PKG_CONFIG) --cflags libxxhash 2>/dev/null)
# libpq: the journal in a shared PostgreSQL database (src/journal_pg.c)
PQ_CFLAGS := $(shell $(PKG_CONFIG) --cflags libpq 2>/dev/null)
PQ_LIBS   := $(shell $(PKG_CONFIG) --libs libpq 2>/dev/null || echo -lpq)
LIB_LIBS := $(CURL_LIBS) $(CJSON_LIBS) $(CRYPTO_LIBS) $(PQ_LIBS) -lpthread -lm
# the seedance command reads local reference clips with the system's libavformat
AVF_CFLAGS := $(shell $(PKG_CONFIG) --cflags libavformat libavutil 2>/dev/null)
AVF_LIBS   := $(shell $(PKG_CONFIG) --libs libavformat libavutil 2>/dev/null || echo -lavformat -lavutil)
CLI_SRCS := $(wildcard src/cli/*.c)
CLI_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(CLI_SRCS))
CLI_BIN  := $(B)/bin/seedance

lib: $(LIB_A) $(LIB_PC)
tools: $(CLI_BIN)

$(LIB_OBJS): OBJ_CFLAGS = -Isrc -Iinclude $(CURL_CFLAGS) $(CJSON_CFLAGS) $(CRYPTO_CFLAGS) \
                          $(XXHASH_CFLAGS) $(PQ_CFLAGS)
$(CLI_OBJS): OBJ_CFLAGS = -Iinclude $(CJSON_CFLAGS) $(AVF_CFLAGS)

$(LIB_A): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# The .pc file of the build tree points at the build tree (FFmpeg's
# configure finds libseedance with it); "make install" writes one for PREFIX.
$(LIB_PC): src/seedance.pc.in
	@mkdir -p $(@D) $(B)/include
	cp include/seedance.h include/seedance_av.h $(B)/include/
	sed -e 's|@prefix@|$(abspath $(B))|' -e 's|@libdir@|$${prefix}/lib|' \
	    -e 's|@includedir@|$${prefix}/include|' -e 's|@version@|$(shell sed -n 's/^#define SEEDANCE_VERSION "\(.*\)"/\1/p' include/seedance.h)|' $< >$@

$(B)/include/seedance.h: include/seedance.h $(LIB_PC)
$(B)/include/seedance_av.h: include/seedance_av.h $(LIB_PC)

$(CLI_BIN): $(CLI_OBJS) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(AVF_LIBS) $(LIB_LIBS)

install-lib: lib tools
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	install -m 644 include/seedance.h include/seedance_av.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 755 $(CLI_BIN) $(DESTDIR)$(PREFIX)/bin/
	sed -e 's|@prefix@|$(PREFIX)|' -e 's|@libdir@|$(LIBDIR)|' \
	    -e 's|@includedir@|$(INCLUDEDIR)|' -e 's|@version@|$(shell sed -n 's/^#define SEEDANCE_VERSION "\(.*\)"/\1/p' include/seedance.h)|' \
	    src/seedance.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/seedance.pc
