# SPDX-License-Identifier: LGPL-2.1-or-later
# libFuzzer harnesses of every parser of untrusted bytes in libseedance
# (clang, -fsanitize=fuzzer,address,undefined). See fuzz/README.md.
#
#   make fuzz                        build, then run each harness FUZZ_SECONDS (60)
#   make fuzz FUZZ_SECONDS=600       longer
#   make fuzz FUZZ='task_json url'   only these harnesses
#   make fuzz-build                  only build them, into $(B)/fuzz/
#
# The library is compiled again for them, with the fuzzer's coverage and
# the sanitizers, into $(B)/fuzz/obj (the normal build is not touched), and
# with the seams of fuzz/fake.c: its clock (-D renames below) and a fake
# libcurl easy interface (--wrap at link time) that plays scripted replies.
# Each run starts from the seed corpus fuzz/corpus/NAME/ (read only) with
# the dictionary fuzz/NAME.dict; new inputs go to $(B)/fuzz/corpus/NAME/,
# crashes to $(B)/fuzz/artifacts/. The output is TAP, one test per harness.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_HELPERS := fake script oracle
FUZZ_ALL     := $(filter-out $(FUZZ_HELPERS),$(basename $(notdir $(wildcard fuzz/*.c))))
FUZZ         ?= $(FUZZ_ALL)
FUZZ_OUT     := $(B)/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := $(BASE_CFLAGS) -O1 -fno-omit-frame-pointer $(FUZZ_SAN)
FUZZ_SEAMS   := -Dclock_gettime=fz_clock_gettime -Dnanosleep=fz_nanosleep \
                -Dpthread_cond_timedwait=fz_cond_timedwait
FUZZ_WRAP    := $(foreach f,init setopt perform getinfo reset cleanup,-Wl,--wrap=curl_easy_$(f))
FUZZ_INC     := -Isrc -Iinclude -Ifuzz $(CURL_CFLAGS) $(CJSON_CFLAGS) $(CRYPTO_CFLAGS) \
                $(XXHASH_CFLAGS) $(PQ_CFLAGS)
FUZZ_LIB     := $(patsubst src/%.c,$(FUZZ_OUT)/obj/src/%.o,$(LIB_SRCS))
FUZZ_HOBJS   := $(patsubst %,$(FUZZ_OUT)/obj/fuzz/%.o,$(FUZZ_HELPERS))
FUZZ_BINS    := $(patsubst %,$(FUZZ_OUT)/%,$(FUZZ_ALL))
FUZZ_HDRS    := $(wildcard src/*.h) fuzz/fuzz.h fuzz/oracle.h

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	fuzz/run.sh $(FUZZ_OUT) $(FUZZ_SECONDS) $(FUZZ)

$(FUZZ_OUT)/obj/src/%.o: src/%.c $(FUZZ_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SEAMS) $(FUZZ_INC) -c $< -o $@

# the seams themselves: sanitized, without coverage (not what is fuzzed)
$(FUZZ_HOBJS): $(FUZZ_OUT)/obj/fuzz/%.o: fuzz/%.c $(FUZZ_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_INC) -c $< -o $@

$(FUZZ_OUT)/obj/fuzz/h_%.o: fuzz/%.c $(FUZZ_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_INC) -c $< -o $@

$(FUZZ_BINS): $(FUZZ_OUT)/%: $(FUZZ_OUT)/obj/fuzz/h_%.o $(FUZZ_HOBJS) $(FUZZ_LIB)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) $(FUZZ_WRAP) -o $@ $^ $(LIB_LIBS)
