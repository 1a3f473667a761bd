#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The seedance source filter with references: a '|'-separated list of
# local clips (read by ffmpeg's own libavformat), uploaded and sent in
# order, the reference model; the output configured from quality and
# aspect_ratio before the clip exists; a rule broken sends nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_filters
emu_start
ffmpeg -v error -nostdin -y -f lavfi -i "testsrc2=s=640x640:r=24" -t 3 "$T/a.mp4" || bail "ffmpeg"
ffmpeg -v error -nostdin -y -f lavfi -i "mandelbrot=s=800x600:r=30" -t 3 "$T/b.mp4" || bail "ffmpeg"
ffmpeg -v error -nostdin -y -f lavfi -i "sine=d=3" "$T/s.wav" || bail "ffmpeg"

G="seedance=prompt=@video1 then @video2 with @audio1:video=$T/a.mp4|$T/b.mp4:audio=$T/s.wav:quality=480p:duration=4[v][a]"
ff_ok "$T/ff.log" "two clips and a sound" -filter_complex "$G" \
    -map "[v]" -map "[a]" -c:v libx264 -preset ultrafast "$T/out.mp4"
rec=$(emu_task "$(emu_last_task)")
is "$(json_get "$rec" .request.model)" seedance-2.0-fast-reference-to-video "the reference model"
is "$(json_get "$rec" '.references[0].sha256')" "$(sha256sum "$T/a.mp4" | cut -d' ' -f1)" "@video1 is a.mp4"
is "$(json_get "$rec" '.references[1].sha256')" "$(sha256sum "$T/b.mp4" | cut -d' ' -f1)" "@video2 is b.mp4"
is "$(json_get "$rec" '.references[2].sha256')" "$(sha256sum "$T/s.wav" | cut -d' ' -f1)" "@audio1 is s.wav"
is "$(emu_stat uploads)" 3 "three uploads"
is "$(probe "$T/out.mp4" stream=width v:0)x$(probe "$T/out.mp4" stream=height v:0)" 864x496 "480p 16:9: 864x496"
again_pays_nothing "$T/ff2.log" -filter_complex "$G" -map "[v]" -map "[a]" -c:v libx264 -preset ultrafast "$T/again.mp4"

before=$(wc -l <"$EMU_LOG")
log=$("$FFMPEG" -hide_banner -nostdin -y -filter_complex "seedance=prompt=@video3:video=$T/a.mp4[v]" -map "[v]" -f null - 2>&1)
isnt "$?" 0 "a tag naming no input: ffmpeg fails"
like "$log" "prompt: @video3 names video 3, which was not given: 1 video given" "the filter says why"
is "$(wc -l <"$EMU_LOG")" "$before" "nothing was sent"
done_testing
