# SPDX-License-Identifier: LGPL-2.1-or-later
# make bench: libseedance against the local emulator (not part of make check).
#
#   bench/*.c   one program, $(B)/bench/seedance-bench, linked with libseedance;
#               it starts the emulators itself on 127.0.0.1 and prints its
#               tables. The ffmpeg lines need $(B)/bin/ffmpeg (./configure,
#               then make); without it they are skipped with a note.
#   bench/filters.sh  N parallel seedance sources against one (the same ffmpeg)
#   bench/inputs.sh   N -i seedance: inputs against one: seedance run with the
#                     distribution's ffmpeg and the built one, and the built
#                     one alone for comparison

BENCH_SRCS := $(wildcard bench/*.c)
BENCH_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(BENCH_SRCS))
BENCH_BIN  := $(B)/bench/seedance-bench

$(BENCH_OBJS): OBJ_CFLAGS = -Iinclude -Itests/unit $(CURL_CFLAGS) $(CJSON_CFLAGS)
$(BENCH_BIN): $(BENCH_OBJS) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS)

bench: $(BENCH_BIN) $(EMU_BIN) $(CLI_BIN) preload
	$(BENCH_BIN) --emulator $(EMU_BIN) --seedance $(CLI_BIN) --ffmpeg $(B)/bin/ffmpeg
	@if [ -x $(B)/bin/ffmpeg ]; then bash bench/filters.sh -n 4 $(B); \
	 else echo "filters: skipped (no $(B)/bin/ffmpeg: ./configure, then make)"; fi
	bash bench/inputs.sh -n 4 $(B)
