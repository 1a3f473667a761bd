# SPDX-License-Identifier: LGPL-2.1-or-later
# FFmpeg with the seedance: protocol, set up by ./configure (config.mk).
#
#   make ffmpeg          libseedance, registration, FFmpeg's configure when its
#                        inputs changed, FFmpeg's make, then ffmpeg, ffprobe
#                        (and ffplay) copied to $(B)/bin; part of "make all"
#   make install-ffmpeg  installs ffmpeg, ffprobe (and ffplay when built) in $(PREFIX)/bin
#
# ("make deps", in the Makefile, runs tools/deps.sh.)
# Without config.mk, the goals that need FFmpeg run ./configure with its
# defaults first (FFmpeg 9.0, fetched), so that "make check" works on a
# fresh clone once the dependencies are installed.

.PHONY: ffmpeg install-ffmpeg

# ("make demo" installs the dependencies first; its own "make all" then
# configures.)
FFMPEG_NEEDING_GOALS := all ffmpeg check install install-ffmpeg
ifeq ($(wildcard config.mk),)
ifneq ($(if $(MAKECMDGOALS),$(filter $(FFMPEG_NEEDING_GOALS),$(MAKECMDGOALS)),all),)
# GNU make remakes an included makefile that has a rule, then restarts.
config.mk:
	./configure
endif
endif

ifeq ($(WITH_FFMPEG),1)
all: ffmpeg

# seedance.pc points FFmpeg at $(B)/include; keep its copy of the public
# header current (FFmpeg's dependency tracking then rebuilds seedance.o).
$(B)/include/seedance.h $(B)/include/seedance_av.h: $(B)/include/%: include/%
	@mkdir -p $(@D)
	cp $< $@

# The recipe is a script: registration must happen before FFmpeg's make
# looks at any time stamp, and FFmpeg's configure is run from a stamp of
# its inputs (see ffmpeg/build.sh). "+" hands make's job server down.
ffmpeg: lib $(B)/include/seedance.h $(B)/include/seedance_av.h
	+@FFMPEG_CONFIGURE_FLAGS="$(FFMPEG_CONFIGURE_FLAGS)" MAKE="$(MAKE)" \
	    ffmpeg/build.sh "$(FFMPEG_SRC)" "$(FFMPEG_BUILD)" "$(B)"

install-ffmpeg: ffmpeg
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(B)/bin/ffmpeg $(B)/bin/ffprobe $(DESTDIR)$(PREFIX)/bin/
	if [ -x $(B)/bin/ffplay ]; then install -m 755 $(B)/bin/ffplay $(DESTDIR)$(PREFIX)/bin/; fi
else
ffmpeg:
	@echo "FFmpeg is disabled (./configure --disable-ffmpeg)"
install-ffmpeg:
endif
