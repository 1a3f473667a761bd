#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# seedance_extend and seedance_bridge with mode=video: the footage around
# the generated part goes as @video1 (and @video2), the right seconds of
# it; the output is the input(s) and the new footage only, without a
# repeated or a missing frame at the seam, whether the service returns
# only the new part or the footage sent first (the emulator's
# reference_video_output); the cost is logged; bad settings send nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_filters
emu_start

"$FFMPEG" -hide_banner -nostdin -y -f lavfi -i "testsrc2=s=640x360:r=24:d=4" -c:v ffv1 "$T/a.nut" \
    >/dev/null 2>&1 || bail "ffmpeg"
"$FFMPEG" -hide_banner -nostdin -y -f lavfi -i "mandelbrot=s=640x360:r=24,trim=duration=4" \
    -pix_fmt yuv420p -c:v ffv1 "$T/b.nut" >/dev/null 2>&1 || bail "ffmpeg"
frame_hashes "$T/a.nut" >"$T/a.hashes"
frame_hashes "$T/b.nut" >"$T/b.hashes"

# seam_checks WHAT OUT AT REC   the frame at output frame AT is the clip's
# first new frame: closer to it (as colours) than to the frame before it in
# the clip (the last one the service replayed) or the input's last frame,
# and than to the frame after it
seam_checks() {
    local what=$1 out=$2 at=$3 rec=$4 clip src p_new p_old p_next
    clip=$(json_get "$rec" .file)
    src=$(json_get "$rec" .render.source_frames)
    p_new=$(psnr_frames "$out" "$at" "$clip" "$src" gbrp)
    p_next=$(psnr_frames "$out" "$at" "$clip" $((src + 1)) gbrp)
    cmp_float "$p_new" ">" "$p_next" "$what: no new frame is missing after the seam ($p_new dB, the next $p_next dB)"
    if [ "$src" -gt 0 ]; then
        p_old=$(psnr_frames "$out" "$at" "$clip" $((src - 1)) gbrp)
        cmp_float "$p_new" ">" "$p_old" \
            "$what: after the seam, the clip's first new frame ($p_new dB), not the replay's last ($p_old dB)"
    else
        p_old=$(psnr_frames "$out" "$at" "$out" $((at - 1)) gbrp)
        cmp_float "$p_new" ">" "$p_old" \
            "$what: after the seam, the clip's first frame ($p_new dB), not the input's last again ($p_old dB)"
    fi
}

for output in new source_first; do
    emu_admin POST /_emu/config "{\"reference_video_output\":\"$output\"}" >/dev/null

    # seedance_extend: the last 3 s of a 4 s input, 5 s generated.
    ff_ok "$T/ext-$output.log" "seedance_extend mode=video (service: $output)" -i "$T/a.nut" \
        -vf "seedance_extend=prompt=@video1 goes on for $output:mode=video:context=3:duration=5:quality=480p" \
        -c:v ffv1 -fps_mode passthrough -f nut "$T/ext-$output.nut"
    task=$(emu_last_task)
    rec=$(emu_task "$task")
    request_has "$rec" "extend ($output)" model=seedance-2.0-fast-reference-to-video duration=5
    is "$(json_get "$rec" .request.video_urls | tr -cd ',' | wc -c)" 0 "extend ($output): one video"
    is "$(json_get "$rec" .references[0].duration)" 3 "extend ($output): @video1 lasts the context, 3 s"
    is "$(json_get "$rec" .references[0].fps)" 24 "extend ($output): at the input's 24 fps"
    emu_image "$task" 0 "$T/sent.mp4"
    psnr_check "$T/sent.mp4" 0 "$T/a.nut" 24 35 "extend ($output): @video1 starts 3 s before the input's end"
    psnr_check "$T/sent.mp4" 71 "$T/a.nut" 95 35 "extend ($output): and ends on the input's last frame"
    like "$(cat "$T/ext-$output.log")" "\] Estimated cost: 30\.120 credits" \
        "extend ($output): the cost by the video-input rule, at info level"
    new=$(json_get "$rec" .render.new_frames)
    is "$(json_get "$rec" .render.output)" "$output" "(the service returned: $output, $new new frames)"
    frame_hashes "$T/ext-$output.nut" >"$T/ext.hashes"
    is "$(wc -l <"$T/ext.hashes")" $((96 + new)) \
        "extend ($output): the input's 96 frames, then the $new new ones: none repeated, none missing"
    check "extend ($output): the input comes first, unchanged" cmp -s "$T/a.hashes" <(head -n 96 "$T/ext.hashes")
    frame_times "$T/ext-$output.nut" >"$T/times"
    check "extend ($output): timestamps strictly increase" strictly_increasing <"$T/times"
    is "$(steps <"$T/times")" 0.0417 "extend ($output): one frame step everywhere, the seam included"
    is "$(sed -n 97p "$T/times")" 4.000000 "extend ($output): the new footage starts where the input ends"
    seam_checks "extend ($output)" "$T/ext-$output.nut" 96 "$rec"
    if [ "$output" = source_first ]; then
        like "$(cat "$T/ext-$output.log")" "The clip replays the footage sent first \(72 frames\): cut" \
            "extend ($output): the replay is found and said"
    fi

    # seedance_bridge: 3 s of each input, a 5 s transition.
    br=(-i "$T/a.nut" -i "$T/b.nut" -filter_complex
        "[0:v][1:v]seedance_bridge=prompt=@video1 melts into @video2 for $output:mode=video:context=3:duration=5:quality=480p[v]"
        -map "[v]" -c:v ffv1 -fps_mode passthrough -f nut)
    ff_ok "$T/br-$output.log" "seedance_bridge mode=video (service: $output)" "${br[@]}" "$T/br-$output.nut"
    task=$(emu_last_task)
    rec=$(emu_task "$task")
    is "$(json_get "$rec" .references[0].tag) $(json_get "$rec" .references[1].tag)" "@video1 @video2" \
        "bridge ($output): two videos"
    is "$(json_get "$rec" .references[0].duration) $(json_get "$rec" .references[1].duration)" "3 3" \
        "bridge ($output): 3 s of each"
    emu_image "$task" 0 "$T/v1.mp4"
    emu_image "$task" 1 "$T/v2.mp4"
    psnr_check "$T/v1.mp4" 0 "$T/a.nut" 24 35 "bridge ($output): @video1 is the first input's last 3 s"
    psnr_check "$T/v1.mp4" 71 "$T/a.nut" 95 35 "bridge ($output): to its last frame"
    psnr_check "$T/v2.mp4" 0 "$T/b.nut" 0 35 "bridge ($output): @video2 is the second input's first 3 s"
    psnr_check "$T/v2.mp4" 71 "$T/b.nut" 71 35 "bridge ($output): to its frame 71"
    like "$(cat "$T/br-$output.log")" "\] Estimated cost: 33\.132 credits" "bridge ($output): the cost, at info level"
    new=$(json_get "$rec" .render.new_frames)
    frame_hashes "$T/br-$output.nut" >"$T/br.hashes"
    is "$(wc -l <"$T/br.hashes")" $((96 + new + 96)) \
        "bridge ($output): 96 frames, the $new new ones, 96 frames: none repeated, none missing"
    check "bridge ($output): the first input comes first, unchanged" cmp -s "$T/a.hashes" <(head -n 96 "$T/br.hashes")
    check "bridge ($output): the second input comes last, whole" cmp -s "$T/b.hashes" <(tail -n 96 "$T/br.hashes")
    frame_times "$T/br-$output.nut" >"$T/times"
    check "bridge ($output): timestamps strictly increase" strictly_increasing <"$T/times"
    is "$(steps <"$T/times")" 0.0417 "bridge ($output): one frame step everywhere, both seams included"
    seam_checks "bridge ($output)" "$T/br-$output.nut" 96 "$rec"
done

# Again: the same footage, nothing sent.
again_pays_nothing "$T/again.log" "${br[@]}" "$T/again.nut"

# What cannot be sent is refused before anything is.
before=$(wc -l <"$EMU_LOG")
out=$("$FFMPEG" -hide_banner -nostdin -f lavfi -i "testsrc2=s=640x360:r=24:d=1.5" \
      -vf "seedance_extend=prompt=on:mode=video" -f null - 2>&1)
failed_run $? "$out" "extend mode=video of a 1.5 s input"
like "$out" "The end of the input of seedance_extend lasts 1\.500 s: a reference video must last 2\.\.15 s" \
    "the input too short: the message names the rule"
out=$("$FFMPEG" -hide_banner -nostdin -i "$T/a.nut" -i "$T/b.nut" \
      -filter_complex "[0:v][1:v]seedance_bridge=prompt=on:mode=video:context=8[v]" -map "[v]" -f null - 2>&1)
failed_run $? "$out" "bridge with context=8"
like "$out" "context: 8\.000 s from each input makes 16\.000 s of footage: reference videos last 15 s at most together" \
    "16 s of footage: the message names the rule"
out=$("$FFMPEG" -hide_banner -nostdin -i "$T/a.nut" -vf "seedance_extend=prompt=on:mode=film" -f null - 2>&1)
like "$out" "mode: 'film' is not allowed: allowed frame .* or video" "an unknown mode is refused"
out=$("$FFMPEG" -hide_banner -nostdin -i "$T/a.nut" -vf "seedance_extend=prompt=on:image=$T/x.png" -f null - 2>&1)
like "$out" "image: reference images are taken in mode video only" "reference images in mode frame are refused"
out=$("$FFMPEG" -hide_banner -nostdin -i "$T/a.nut" -vf "seedance_extend=prompt=@video2:mode=video" -f null - 2>&1)
like "$out" "prompt: @video2 names video 2, which was not given: 1 video given" \
    "a tag naming no input is refused when the graph is set up"
out=$("$FFMPEG" -hide_banner -nostdin -i "$T/a.nut" -vf "seedance_extend=prompt=on:mode=video:context=1" -f null - 2>&1)
like "$out" "context" "context below 2 s is refused"
is "$(wc -l <"$EMU_LOG")" "$before" "none of them sent anything"

done_testing
