# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers of the filter tests (tests/filters/*.sh), after tests/lib.sh:
#
#   . "$(dirname "$0")/../lib.sh"
#   . "$(dirname "$0")/helpers.bash"

# need_filters   stop the script (one failure) unless the built ffmpeg has the filters
need_filters() {
    need_ffmpeg
    local list f
    list=$("$FFMPEG" -hide_banner -filters 2>/dev/null)
    for f in seedance seedance_extend seedance_bridge seedance_edit; do
        printf '%s\n' "$list" | grep -qE "^ [A-Z.]+ +$f " || bail "$FFMPEG has no $f filter"
    done
}

# ff LOG ARGS...   run the built ffmpeg (no banner, no stdin, overwrite) with
# stderr and stdout in LOG; its exit status
ff() {
    local log=$1; shift
    "$FFMPEG" -hide_banner -nostdin -y "$@" >"$log" 2>&1
}

# ff_ok LOG WHAT ARGS...   ff, and one check that it succeeded (run_ok); its status
ff_ok() {
    local log=$1 what=$2
    shift 2
    run_ok "$log" "$what" "$FFMPEG" -hide_banner -nostdin -y "$@"
}

# again_pays_nothing LOG ARGS...   the same ffmpeg command again: two checks,
# it succeeds and sends no request at all (journal and clip cache)
again_pays_nothing() {
    local before
    before=$(emu_stat requests)
    ff "$@"
    is "$?" 0 "the same command again succeeds"
    is "$(emu_stat requests)" "$before" "the second run sends no request at all"
}

# four_sources P1 P2 P3 P4   a graph of four seedance sources (480p 1:1, no
# audio) of these prompts, tiled 2x2 by xstack into [v]
four_sources() {
    local g="" i=0 p
    for p in "$@"; do
        g="${g}seedance=prompt=$p:duration=4:quality=480p:aspect_ratio=1\\\\:1:generate_audio=0[s$i];"
        i=$((i + 1))
    done
    echo "${g}[s0][s1][s2][s3]xstack=inputs=4:layout=0_0|w0_0|0_h0|w0_h0[v]"
}

# frame_lines FILE   one line per video frame of FILE: "pts_time md5" (decoded)
frame_lines() {
    "$FFMPEG" -hide_banner -nostdin -i "$1" -map 0:v:0 -fps_mode passthrough -f framemd5 - 2>/dev/null |
        awk -F', *' '!/^#/ { print $3, $6 }'
}

# frame_hashes FILE   the md5 of every decoded video frame, one per line
frame_hashes() {
    "$FFMPEG" -hide_banner -nostdin -i "$1" -map 0:v:0 -fps_mode passthrough -f framemd5 - 2>/dev/null |
        awk -F', *' '!/^#/ { print $6 }'
}

# frame_times FILE   presentation time (s) of every video frame, one per line
frame_times() {
    "$FFPROBE" -v error -select_streams v:0 -show_entries frame=pts_time -of csv=p=0 "$1" |
        cut -d, -f1 | grep -v '^$'
}

# strictly_increasing   (stdin: numbers) exit 0 when each is above the one before
strictly_increasing() {
    awk 'NR > 1 && $1 <= prev { bad = 1 } { prev = $1 } END { exit bad }'
}

# steps   (stdin: times) the distinct differences between neighbours, rounded to 0.1 ms
steps() {
    awk 'NR > 1 { printf "%.4f\n", $1 - prev } { prev = $1 }' | sort -u | tr '\n' ' ' | sed 's/ $//'
}

# psnr_frames A N B M [FORMAT]   PSNR (dB) of frame N of A against frame M
# of B (B scaled to A's size, and into A's BT.709 when A is a clip of the
# server: FFmpeg 5.1 does not negotiate colour spaces), compared as FORMAT
# (default yuv444p; gbrp: as colours, each frame read with its own matrix);
# frames counted from 0; "inf" when identical
psnr_frames() {
    local size colours= format=${5:-yuv444p}
    size=$("$FFPROBE" -v error -select_streams v:0 -show_entries stream=width,height -of csv=s=x:p=0 "$1")
    [ "$("$FFPROBE" -v error -select_streams v:0 -show_entries stream=color_space -of csv=p=0 "$1")" = bt709 ] &&
        colours=:out_color_matrix=bt709:out_range=tv
    "$FFMPEG" -hide_banner -nostdin -i "$1" -i "$3" -filter_complex \
        "[0:v]select=eq(n\,$2),setpts=PTS-STARTPTS,format=$format[x];[1:v]select=eq(n\,$4),scale=$size$colours,setpts=PTS-STARTPTS,format=$format[y];[x][y]psnr" \
        -f null - 2>&1 | sed -n 's/.*PSNR.* average:\([0-9.inf]*\).*/\1/p' | tail -n 1
}

# psnr_ok VALUE MIN   exit 0 when VALUE (a number or inf) is above MIN
psnr_ok() {
    [ "$1" = inf ] && return 0
    awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 > b) }'
}

# psnr_check A N B M MIN WHAT [FORMAT]   one check: frame N of A is frame M of B
# (psnr_frames above MIN dB, compared as FORMAT)
psnr_check() {
    local p
    p=$(psnr_frames "$1" "$2" "$3" "$4" "${7:-}")
    if psnr_ok "$p" "$5"; then ok "$6 (PSNR $p dB)"; else not_ok "$6 (PSNR $p dB)"; fi
}

# emu_image TASK INDEX FILE   the INDEX-th reference the emulator received for
# TASK (the image_urls, then video_urls, then audio_urls), as it kept it (the
# upload itself is deleted once the task ended), saved to FILE
emu_image() {
    local path
    path=$(json_get "$(emu_task "$1")" ".references[$2].path") || return 1
    [ -n "$path" ] && cp "$path" "$3"
}

# image_size FILE   "WxH" of an image or the first video stream
image_size() {
    "$FFPROBE" -v error -select_streams v:0 -show_entries stream=width,height -of csv=s=x:p=0 "$1"
}

# task_ids LOG   the task ids a log names as submitted or attached, sorted, one per line
task_ids() {
    grep -oE 'Task task-unified-[A-Za-z0-9._-]+ submitted|Attached to task task-unified-[A-Za-z0-9._-]+' "$1" |
        grep -oE 'task-unified-[A-Za-z0-9._-]+' | sort -u
}

# log_times FIELD=VALUE...   the "time" of the matching request-log lines, one per line
log_times() {
    python3 - "$EMU_LOG" "$@" <<'PY'
import json, sys
want = [a.split("=", 1) for a in sys.argv[2:]]
for line in open(sys.argv[1]):
    try:
        r = json.loads(line)
    except ValueError:
        continue
    ok = True
    for k, w in want:
        v = "" if r.get(k) is None else str(r.get(k))
        ok &= v.startswith(w[:-1]) if w.endswith("*") else v == w
    if ok:
        print("%.3f" % r["time"])
PY
}

# ffmpeg_major   the major version of the built ffmpeg (5, 7, 8, 9, ...)
ffmpeg_major() {
    "$FFMPEG" -hide_banner -version 2>/dev/null | sed -n '1s/^ffmpeg version \([0-9]*\)\..*/\1/p'
}

# failed_run RC LOG WHAT   a run that must have failed: a non-zero status; the
# ffmpeg of FFmpeg 5.1 may exit 0 after an error while filtering (its
# transcode loop drops the error), so there saying so is enough
failed_run() {
    if [ "$1" -ne 0 ]; then
        ok "$3: ffmpeg fails (status $1)"
    elif [ "$(ffmpeg_major)" -lt 6 ] && printf '%s' "$2" | grep -q "Error while filtering"; then
        ok "$3: ffmpeg reports an error while filtering (FFmpeg 5.1 then exits 0)"
    else
        not_ok "$3: ffmpeg fails" "status 0"
    fi
}

# io_filter_help NAME   the checks of -h filter=NAME for seedance_extend and
# seedance_bridge: the request fields the inputs do not decide, each with its
# meaning; adaptive aspect by default; its own mode (one option of that name)
# and context; not the options the filter sets itself or a graph may not set.
# The help text in $help.
io_filter_help() {
    local o
    help=$("$FFMPEG" -hide_banner -h filter="$1" 2>&1)
    for o in prompt duration quality aspect_ratio content_filter callback_url model image_mode task \
             image mode; do
        like "$help" "^ +$o +<string> +[^ ]+ [a-z0-9].*[a-z)]" "-h filter=$1 lists $o with its meaning"
    done
    like "$help" "aspect_ratio .*default adaptive" "aspect_ratio is adaptive by default"
    like "$help" "^ +mode +<string> .*frame .*video" "mode: frame or video"
    is "$(printf '%s\n' "$help" | grep -cE '^ +mode ')" 1 "one option named mode"
    like "$help" "^ +context +<duration> .*footage" "context: the footage sent in mode video"
    like "$help" "^ +image +<string> .*mode video only" "image: references in mode video only"
    unlike "$help" "^ +(last_image|generate_audio|web_search|video|audio|api_key|api_base|files_base) " \
        "the options the filter sets itself or a graph may not set are not listed"
}

# frame_count FILE   the number of decoded video frames of FILE
frame_count() {
    frame_hashes "$1" | wc -l | tr -d ' '
}

# sdr A B SECONDS   the signal-to-distortion ratio (dB) of the first SECONDS of
# B's sound against A's (B resampled to A's rate and channels first)
sdr() {
    local rate channels
    rate=$(probe "$1" stream=sample_rate a:0)
    channels=$(probe "$1" stream=channels a:0)
    "$FFMPEG" -hide_banner -nostdin -i "$1" -i "$2" -filter_complex \
        "[0:a]atrim=0:$3,asetpts=PTS-STARTPTS,aformat=sample_fmts=dbl[x];[1:a]atrim=0:$3,asetpts=PTS-STARTPTS,aresample=$rate,aformat=sample_fmts=dbl:channel_layouts=$([ "$channels" = 1 ] && echo mono || echo stereo)[y];[x][y]asdr" \
        -f null - 2>&1 | sed -n 's/.*SDR ch0: \([-0-9.inf]*\) dB.*/\1/p' | tail -n 1
}
