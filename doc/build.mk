# SPDX-License-Identifier: LGPL-2.1-or-later
# The manuals: doc/*.texi -> man pages, with FFmpeg's own texi2pod.pl and
# pod2man:
#   seedance.texi          seedance(1), the command
#   ffmpeg-seedance.texi   ffmpeg-seedance(1), the seedance: protocol
#   seedance-filters.texi  seedance-filters(1), the seedance, seedance_extend
#                          and seedance_bridge filters
#   seedance-preload.texi  seedance-preload(1), libseedance-preload.so and
#                          "seedance run"
# doc/design.texi is the developers' guide to the code: no man page.
#
# texi2pod.pl is the one of the FFmpeg tree ./configure prepared, else
# TEXI2POD=FILE given to make, else a texi2pod.pl on PATH. A build without
# any (./configure --disable-ffmpeg) has no man pages: "make install"
# installs everything else and says so, "make doc" fails saying so.

DOC_TEXI  := $(filter-out doc/design.texi,$(wildcard doc/*.texi))
DOC_MAN   := $(patsubst doc/%.texi,$(B)/doc/%.1,$(DOC_TEXI))
ifeq ($(origin TEXI2POD),undefined)
TEXI2POD  := $(firstword $(wildcard $(FFMPEG_SRC)/doc/texi2pod.pl) \
                         $(shell command -v texi2pod.pl 2>/dev/null))
endif
DOC_NONE  := the man pages are made with FFmpeg's doc/texi2pod.pl and this build has no \
             FFmpeg tree (./configure --disable-ffmpeg): run ./configure without \
             --disable-ffmpeg, or give make TEXI2POD=/path/to/ffmpeg/doc/texi2pod.pl

ifneq ($(strip $(TEXI2POD)),)
doc: $(DOC_MAN)

install-doc: doc
	install -d $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(DOC_MAN) $(DESTDIR)$(MANDIR)/man1/
else
doc:
	@echo "doc: $(DOC_NONE)" >&2; exit 1

install-doc:
	@echo "install-doc: man pages not installed: $(DOC_NONE)"
endif

$(B)/doc/%.1: doc/%.texi
	@mkdir -p $(@D)
	@test -f "$(TEXI2POD)" || { echo "doc: $(TEXI2POD) not found" >&2; exit 1; }
	perl $(TEXI2POD) -Idoc $< $(@:.1=.pod)
	pod2man --section=1 --center=" " --release=" " --date=" " \
	    --name=$(shell echo $* | tr a-z A-Z) $(@:.1=.pod) >$@
