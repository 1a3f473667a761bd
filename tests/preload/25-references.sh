#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Reference-to-video through Debian's ffmpeg: the local clip is read by the
# program's own libavformat (the preload library's media probe), uploaded
# and sent as @video1; a clip that breaks a rule is refused before
# anything is sent.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_preload
emu_start
ffmpeg -v error -nostdin -y -f lavfi -i "testsrc2=s=640x640:r=24" -t 3 "$T/ref.mp4" || bail "ffmpeg"
ffmpeg -v error -nostdin -y -f lavfi -i "testsrc2=s=640x640:r=15" -t 3 "$T/slow.mp4" || bail "ffmpeg"

srun ffmpeg -hide_banner -nostdin -y \
    -i "seedance:?video=$T/ref.mp4&prompt=@video1 in the rain&duration=4&quality=480p" \
    -c copy "$T/out.mp4" >"$T/ff.log" 2>&1
rc=$?
is "$rc" 0 "a local reference clip through seedance run ffmpeg"
[ "$rc" -eq 0 ] || show_log "$T/ff.log"
rec=$(emu_task "$(emu_last_task)")
is "$(json_get "$rec" .request.model)" seedance-2.0-fast-reference-to-video "the reference model"
like "$(json_get "$rec" '.request.video_urls[0]')" "^http://127.0.0.1:$EMU_PORT/files/" "the clip was uploaded and its URL sent"
like "$(json_get "$rec" '.references[0].sha256')" "$(sha256sum "$T/ref.mp4" | cut -d' ' -f1)" "the emulator received its bytes"
is "$(emu_stat deletes)" 1 "its upload is deleted once the task ended"

before=$(wc -l <"$EMU_LOG")
srun ffmpeg -hide_banner -nostdin -y -i "seedance:?video=$T/slow.mp4&prompt=x" -f null - >"$T/ff.log" 2>&1
isnt "$?" 0 "a 15 fps reference: ffmpeg fails"
like "$(cat "$T/ff.log")" "video: .*slow.mp4 runs at 15 fps: allowed 24..60 fps" "the program's libavformat read its rate"
is "$(wc -l <"$EMU_LOG")" "$before" "nothing was sent"
done_testing
