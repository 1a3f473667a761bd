# SPDX-License-Identifier: LGPL-2.1-or-later
# Tests: unit test programs, the Evolink API emulator, and the runner.
#
#   tests/unit/test_*.c      one program each, linked with libseedance
#   tests/emulator/*.c       the emulator, $(B)/tests/evolink-emu
#   tests/emulator/tests/*.sh  the emulator's own tests (real HTTP)
#   tests/cli/*.sh           the seedance tool against the emulator
#   tests/ffmpeg/*.sh        the built ffmpeg/ffprobe against the emulator
#   tests/filters/*.sh       the seedance filters in the built ffmpeg against the emulator
#   tests/preload/*.sh       Debian's ffmpeg through "seedance run" (no FFmpeg build)
#   tests/faults/*.sh        faults of the machine: full disk, unwritable or damaged cache, races
#   tests/load/*.sh          many concurrent runs against one emulator
#   tests/journal/*.sh       the journal in a PostgreSQL server each test starts, machines
#                            played by cache directories
#   tests/package/*.sh       the Debian package installed here and in a clean
#                            chroot (root; "make check-deb", not in "make check")

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))
EMU_SRCS   := $(wildcard tests/emulator/*.c)
EMU_OBJS   := $(patsubst %.c,$(B)/obj/%.o,$(EMU_SRCS))
EMU_BIN    := $(B)/tests/evolink-emu
EMU_PKGS   := libmicrohttpd libcurl libcjson libavformat libavcodec libswscale libavutil libswresample
EMU_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(EMU_PKGS) 2>/dev/null)
EMU_LIBS   := $(shell $(PKG_CONFIG) --libs $(EMU_PKGS) 2>/dev/null) -lpthread -lm
EMU_TESTS  := $(sort $(wildcard tests/emulator/tests/*.sh))

$(EMU_OBJS): OBJ_CFLAGS = $(EMU_CFLAGS)
$(EMU_BIN): $(EMU_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(EMU_LIBS)

$(B)/obj/tests/unit/%.o: OBJ_CFLAGS = -Isrc -Iinclude $(CURL_CFLAGS) $(CJSON_CFLAGS)
$(B)/tests/%: $(B)/obj/tests/unit/%.o $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS)

TEST_RUN    = B=$(abspath $(B)) tests/run -j 2
TESTS_LIB   = $(UNIT_BINS) $(EMU_TESTS) $(sort $(wildcard tests/cli/*.sh))
TESTS_FAULTS = $(sort $(wildcard tests/faults/*.sh))
TESTS_LOAD   = $(sort $(wildcard tests/load/*.sh))
TESTS_JOURNAL = $(sort $(wildcard tests/journal/*.sh))
TESTS_FFMPEG = $(sort $(wildcard tests/ffmpeg/*.sh)) $(sort $(wildcard tests/filters/*.sh))
TESTS_BUILD  = $(sort $(wildcard tests/configure/*.sh))
TESTS_PRELOAD = $(sort $(wildcard tests/preload/*.sh))
TESTS_PACKAGE = $(sort $(wildcard tests/package/*.sh))

# The journal in PostgreSQL, in C: run by tests/journal/50-library.sh
# against the server it starts.
JOURNAL_PG_TEST := $(B)/tests/journal-pg
$(B)/obj/tests/journal/%.o: OBJ_CFLAGS = -Isrc -Iinclude -Itests/unit $(CURL_CFLAGS) $(CJSON_CFLAGS) \
                                        $(PQ_CFLAGS)
$(JOURNAL_PG_TEST): $(B)/obj/tests/journal/journal_pg.o $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS)

test-progs: $(UNIT_BINS) $(EMU_BIN) $(JOURNAL_PG_TEST)

# The library, tool and emulator tests; libseedance-preload with Debian's
# ffmpeg; faults of the machine, load, and the journal on PostgreSQL.
check-lib: lib tools preload test-progs
	$(TEST_RUN) $(TESTS_LIB) $(TESTS_PRELOAD) $(TESTS_FAULTS) $(TESTS_LOAD) $(TESTS_JOURNAL)

# Only the emulator's own tests.
.PHONY: check-emulator
check-emulator: test-progs
	$(TEST_RUN) $(EMU_TESTS)

check: all test-progs
	$(TEST_RUN) $(TESTS_LIB) $(TESTS_PRELOAD) $(TESTS_FAULTS) $(TESTS_LOAD) $(TESTS_JOURNAL) \
	    $(TESTS_BUILD) $(TESTS_FFMPEG)

# Only the tests that drive the built ffmpeg/ffprobe.
check-ffmpeg: all test-progs
	$(TEST_RUN) $(TESTS_FFMPEG)

# The Debian package: built, installed on this machine and in a clean
# chroot, serving Debian's ffmpeg (as root; it installs and removes it).
.PHONY: check-deb
check-deb: deb test-progs
	$(TEST_RUN) $(TESTS_PACKAGE)

check-asan:
	$(MAKE) B=$(B)/asan SAN=1 check-lib

# ThreadSanitizer (SAN=thread, in $(B)/tsan) over the tests that drive the
# threads of an open clip: the stream (download, ring writer, side
# download, follow and takeover, refresh, resume), the cache, two
# processes on one download, a result that changes size, and the load
# tests. Every report goes to a file of its test's own and fails it
# (tests/run, SEEDANCE_TSAN_LOGS): zero reports or the run fails.
TESTS_TSAN = $(B)/tests/test_stream $(B)/tests/test_stream_ring $(B)/tests/test_cache \
             $(B)/tests/test_clip_cache tests/faults/concurrent-download.sh \
             tests/cli/result-size.sh $(TESTS_LOAD)
check-tsan:
	$(MAKE) B=$(B)/tsan SAN=thread check-tsan-here

.PHONY: check-tsan-here
check-tsan-here: tools test-progs
	rm -rf $(B)/tsan-reports
	SEEDANCE_TSAN_LOGS=$(abspath $(B))/tsan-reports TSAN_OPTIONS=second_deadlock_stack=1 \
	    $(TEST_RUN) $(TESTS_TSAN)

# Only the journal on PostgreSQL.
.PHONY: check-journal
check-journal: lib tools preload test-progs
	$(TEST_RUN) $(TESTS_JOURNAL)
