#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# URL keys and AVOptions reach the server as sent; invalid jobs send nothing.
. "$(dirname "$0")/../lib.sh"
need_ffmpeg
emu_start

# Every URL key, percent-decoded.
url='seedance:?prompt=neon%20city%2C%20rain%20%26%20fog&duration=5&quality=480p&aspect_ratio=1:1'
url="$url&generate_audio=0&content_filter=false&web_search=1&model=seedance-2.0-fast-text-to-video"
url="$url&callback_url=https%3A%2F%2Fhooks.example.com%2Fseedance%3Fjob%3D7"
"$FFMPEG" -hide_banner -nostdin -y -i "$url" -c copy "$T/all.mp4" >"$T/ff.log" 2>&1
rc=$?
is "$rc" 0 "a URL with every key works"
[ "$rc" -eq 0 ] || sed 's/^/#   /' "$T/ff.log" | tail -n 20
r=$(emu_task "$(emu_last_task)")
request_has "$r" "URL keys" "prompt=neon city, rain & fog" duration=5 quality=480p aspect_ratio=1:1 \
    generate_audio=false content_filter=false model_params.web_search=true \
    model=seedance-2.0-fast-text-to-video "callback_url=https://hooks.example.com/seedance?job=7"
is "$(probe "$T/all.mp4" stream=width v:0)x$(probe "$T/all.mp4" stream=height v:0)" 640x640 "480p 1:1 is 640x640"
is "$(stream_types "$T/all.mp4")" video "generate_audio=0: no audio stream"

# The same settings as AVOptions before -i.
"$FFMPEG" -hide_banner -nostdin -y -prompt "options before -i" -video_duration 4 -video_quality 480p \
    -aspect_ratio 9:16 -generate_audio 1 -content_filter 1 -i seedance: -c copy "$T/opts.mp4" >"$T/ff2.log" 2>&1
rc=$?
is "$rc" 0 "AVOptions before -i work"
[ "$rc" -eq 0 ] || sed 's/^/#   /' "$T/ff2.log" | tail -n 20
r=$(emu_task "$(emu_last_task)")
request_has "$r" "AVOptions" "prompt=options before -i" duration=4 aspect_ratio=9:16
is "$(probe "$T/opts.mp4" stream=width v:0)x$(probe "$T/opts.mp4" stream=height v:0)" 496x864 "480p 9:16 is 496x864"

# ffmpeg -h protocol=seedance lists the options; none collides with ffmpeg's own.
help=$("$FFMPEG" -hide_banner -h protocol=seedance 2>&1)
for o in prompt tier mode video_duration video_quality aspect_ratio generate_audio content_filter \
         web_search callback_url model image last_image image_mode task api_base files_base api_key \
         api_key_file cache seedance_cache_dir new_generation max_credits seedance_timeout; do
    like "$help" "^ *-$o " "-h protocol=seedance lists -$o"
done
full=$("$FFMPEG" -hide_banner -h full 2>&1)
for o in prompt tier video_duration video_quality aspect_ratio generate_audio content_filter \
         web_search callback_url model image last_image image_mode task api_base files_base api_key \
         api_key_file cache seedance_cache_dir new_generation max_credits seedance_timeout; do
    n=$(printf '%s\n' "$full" | grep -cE "^ *-$o ")
    is "$n" 1 "-$o names only the seedance option in ffmpeg -h full"
done
# -mode is also an option of the codec2 demuxer and of a bitstream filter,
# neither of which a seedance: input uses (15-models.sh gives -mode before -i)
like "$(printf '%s\n' "$full" | grep -E "^ *-mode ")" "text, image or reference" "-mode is the seedance option too"

# Invalid jobs: a clear error, a non-zero exit, and not a single request.
emu_reset
invalid() { # URL EXPECTED-REGEX WHAT
    local log
    log=$("$FFMPEG" -hide_banner -nostdin -y -i "$1" -f null - 2>&1)
    local rc=$?
    isnt "$rc" 0 "$3: ffmpeg fails"
    like "$log" "$2" "$3: the error names field, value and what is allowed"
}
invalid "seedance:?prompt=x&duration=16" "duration.*16.*4" "duration 16"
invalid "seedance:?prompt=x&duration=3" "duration.*3.*4" "duration 3"
invalid "seedance:?prompt=x&duration=eight" "duration.*eight" "duration not a number"
invalid "seedance:?prompt=x&quality=1080p" "quality.*1080p.*480p.*720p" "quality 1080p"
invalid "seedance:?prompt=x&aspect_ratio=2:1" "aspect_ratio.*2:1.*16:9" "aspect_ratio 2:1"
invalid "seedance:?prompt=x&generate_audio=maybe" "generate_audio.*maybe" "generate_audio not a boolean"
invalid "seedance:?prompt=x&colour=red" "colour" "unknown key"
invalid "seedance:?duration=5" "prompt" "no prompt"
invalid "seedance:?prompt=x&callback_url=http://hooks.example.com/x" "callback_url.*https" "callback_url not https"
invalid "seedance:?prompt=x&image=$T/missing.png" "image.*missing.png" "missing local image"
invalid "seedance:?prompt=x&last_image=$T/missing.png" "last_image" "last_image without image"
invalid "seedance:?prompt=x&api_key=sk-in-the-url" "api_key is not accepted in a URL" "API key in the URL"
invalid "seedance:?prompt=x&api_base=http://127.0.0.1:9" "api_base is not accepted in a URL" "API base in the URL"
invalid "seedance:?prompt=x&cache=maybe" "cache: 'maybe' is not a boolean: allowed 1/0, true/false" "cache not a boolean"
invalid "seedance:?prompt=x&timeout=soon" "timeout: 'soon' is not a number of seconds" "timeout not a number"
invalid "seedance:?prompt=x&task=.." "task: '..' is not a task id" "task id '..'"
make_image "$T/tiny.png" 200 200 "testsrc2=size=200x200"
invalid "seedance:?prompt=x&image=$T/tiny.png" "image.*200.*300" "image smaller than 300 px"
invalid "seedance:?prompt=x&image=$T/tiny.png&web_search=1" "web_search" "web_search with an image"
"$FFMPEG" -hide_banner -nostdin -y -video_duration 20 -i "seedance:?prompt=x" -f null - >"$T/inv.log" 2>&1
isnt "$?" 0 "-video_duration 20 fails"
is "$(emu_stat requests)" 0 "invalid jobs sent no request at all"

# What used to differ between the URL, the options and the seedance command
# is one grammar now (libseedance parses both).
emu_reset
"$FFMPEG" -hide_banner -nostdin -y -i "seedance:?prompt=booleans in any case&duration=4&quality=480p&cache=YES&new_generation=No&generate_audio=OFF" \
    -c copy "$T/yes.mp4" >"$T/yes.log" 2>&1
is "$?" 0 "?cache=YES&new_generation=No&generate_audio=OFF are accepted"
is "$(stream_types "$T/yes.mp4")" video "generate_audio=OFF: no audio stream"
"$FFMPEG" -hide_banner -nostdin -y -cache YES -generate_audio no -i "seedance:?prompt=booleans in any case&duration=4&quality=480p" \
    -c copy "$T/yes2.mp4" >"$T/yes2.log" 2>&1
is "$?" 0 "-cache YES -generate_audio no are accepted"
is "$(emu_stat submits)" 1 "the same request through the options paid nothing more"
emu_admin POST /_emu/config '{"gen_time":5}' >/dev/null
for how in "-seedance_timeout 0.5 -i seedance:?prompt=slow" "-i seedance:?prompt=slow&timeout=0.5"; do
    # shellcheck disable=SC2086
    log=$("$FFMPEG" -hide_banner -nostdin -y $how -f null - 2>&1)
    like "$log" "the deadline" "$how: half a second is a valid timeout"
    unlike "$log" "is not a number" "$how: the value is not refused"
done
emu_admin POST /_emu/config '{"gen_time":0.4}' >/dev/null

# A key file: its first line, blanks and CR around the key removed (the
# seedance command reads the same file the same way).
printf '  %s \r\nsecond line\n' "$EMU_KEY" >"$T/key"
chmod 600 "$T/key"
log=$(env -u SEEDANCE_API_KEY "$FFMPEG" -hide_banner -nostdin -y -api_key_file "$T/key" \
      -i "seedance:?prompt=key from a file&duration=4&quality=480p" -c copy "$T/key.mp4" 2>&1)
is "$?" 0 "-api_key_file: the key is accepted by the server"
[ -s "$T/key.mp4" ] || printf '%s\n' "$log" | sed 's/^/#   /' | tail -n 5
unlike "$log" "$EMU_KEY" "the key is never printed"

done_testing
