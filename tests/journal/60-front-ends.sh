#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The journal setting in other front ends: Debian's ffmpeg through
# "seedance run" (libseedance-preload) takes it from $SEEDANCE_JOURNAL and
# from the URL key journal; a machine with the seedance command and
# another with ffmpeg share one paid task. A password in the URL is
# refused and nothing is paid.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
. "$(dirname "$0")/../preload/helpers.bash"
need_preload

emu_start --gen-time 1 --credits 100000
pg_start

# one machine: the seedance command
SEEDANCE_CACHE_DIR=$T/machine1 run_ok "$T/gen.log" "the seedance command generates" \
    "$SD" generate "an owl at dusk" --duration 4 --quality 480p -o "$T/gen.mp4" -q
# another: ffmpeg, the journal from the environment
SEEDANCE_CACHE_DIR=$T/machine2 run_ok "$T/ff1.log" "ffmpeg, \$SEEDANCE_JOURNAL: the same request" \
    srun ffmpeg -hide_banner -nostdin -y -i "seedance:?prompt=an owl at dusk&duration=4&quality=480p" \
    -c copy "$T/ff1.mp4"
like "$(cat "$T/ff1.log")" "Attached to task task-unified-[^ ]+ \(no new generation\)" "it attached to the task"
# a third: ffmpeg, the journal in the URL (percent-encoded), none in the environment
enc=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' \
      "$SEEDANCE_JOURNAL")
SEEDANCE_JOURNAL= SEEDANCE_CACHE_DIR=$T/machine3 run_ok "$T/ff2.log" "ffmpeg, journal in the URL" \
    srun ffmpeg -hide_banner -nostdin -y \
    -i "seedance:?prompt=an owl at dusk&duration=4&quality=480p&journal=$enc" -c copy "$T/ff2.mp4"
is "$(emu_stat tasks)" 1 "three machines, three front ends: one paid task"
cmp -s "$T/ff1.mp4" "$T/ff2.mp4" && ok "both ffmpeg runs copied the same clip" ||
    not_ok "both ffmpeg runs copied the same clip"

# a password in the URL: refused before anything is paid
pw=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' \
     "postgresql://alice:$PG_PASSWORD@/journal?host=$PG_DIR")
SEEDANCE_CACHE_DIR=$T/machine4 srun ffprobe -hide_banner \
    "seedance:?prompt=a new owl&duration=4&quality=480p&journal=$pw" >"$T/pw.log" 2>&1
isnt "$?" 0 "a password in the URL: ffprobe fails"
like "$(cat "$T/pw.log")" "journal: a connection string with a password is not accepted in a URL" \
    "the library says why"
is "$(emu_stat tasks)" 1 "nothing more was paid"
done_testing
