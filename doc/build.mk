# SPDX-License-Identifier: LGPL-2.1-or-later
# The manuals: doc/*.texi -> man pages, with FFmpeg's own texi2pod.pl (from
# the FFmpeg tree configure prepared) and pod2man:
#   seedance.texi          seedance(1), the command
#   ffmpeg-seedance.texi   ffmpeg-seedance(1), the seedance: protocol
#   seedance-filters.texi  seedance-filters(1), the seedance, seedance_extend
#                          and seedance_bridge filters

DOC_TEXI  := $(wildcard doc/*.texi)
DOC_MAN   := $(patsubst doc/%.texi,$(B)/doc/%.1,$(DOC_TEXI))
TEXI2POD  = $(FFMPEG_SRC)/doc/texi2pod.pl

doc: $(DOC_MAN)

$(B)/doc/%.1: doc/%.texi
	@mkdir -p $(@D)
	@test -f "$(TEXI2POD)" || { echo "doc: $(TEXI2POD) not found: run ./configure first" >&2; exit 1; }
	perl $(TEXI2POD) -Idoc $< $(@:.1=.pod)
	pod2man --section=1 --center=" " --release=" " --date=" " \
	    --name=$(shell echo $* | tr a-z A-Z) $(@:.1=.pod) >$@

install-doc: doc
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 $(DOC_MAN) $(DESTDIR)$(PREFIX)/share/man/man1/
