#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# seedance generate against the emulator: text-to-video, image-to-video with
# one and two local images (uploaded and inline), every option reaching the
# server as sent, and a second identical run that sends nothing new.
. "$(dirname "$0")/../lib.sh"
SD=$BIN/seedance
emu_start

# --- text-to-video
out=$("$SD" generate "a glass frog, macro shot" --duration 4 -o "$T/t2v.mp4" 2>"$T/err")
rc=$?
is "$rc" 0 "t2v: exit status 0"
check "t2v: the file is an MP4 of 4 s" \
    sh -c "ffprobe -v error -show_entries format=duration -of csv=p=0 '$T/t2v.mp4' | grep -q '^4\\.'"
id=$(emu_last_task)
req=$(emu_task "$id")
is "$(json_get "$req" .request.model)" seedance-2.0-fast-text-to-video "t2v: model chosen from the inputs"
is "$(json_get "$req" .request.prompt)" "a glass frog, macro shot" "t2v: prompt as given"
like "$(json_get "$req" .idempotency_key)" '^[0-9a-f]{32}$' "t2v: Idempotency-Key of 32 hex characters"
like "$(cat "$T/err")" "submitted task $id" "t2v: progress names the task"
is "$(emu_stat submits)" 1 "t2v: one submit"

# --- the same request again: no new submit, no download
before=$(emu_stat requests)
"$SD" generate "a glass frog, macro shot" --duration 4 -o "$T/t2v-again.mp4" 2>"$T/err"
is "$?" 0 "second identical run: exit status 0"
is "$(emu_stat submits)" 1 "second identical run: no new submit"
is "$(emu_stat requests)" "$before" "second identical run: no request at all (cached clip)"
check "second identical run: same file" cmp "$T/t2v.mp4" "$T/t2v-again.mp4"
like "$(cat "$T/err")" "reusing task $id" "second identical run says which task it reuses"

# --- --new pays again
"$SD" generate "a glass frog, macro shot" --duration 4 --new -q -o "$T/t2v-new.mp4"
is "$(emu_stat submits)" 2 "--new: a new submit"
isnt "$(emu_last_task)" "$id" "--new: a new task"

# --- every option reaches the server as sent
njournal=$(ls "$T/cache/journal/"*.json | wc -l)
"$SD" generate --prompt "every option" --duration 6 --quality 480p --aspect_ratio 21:9 \
    --generate-audio false --content_filter off --web-search yes \
    --callback-url https://example.com/hook --model seedance-2.0-fast-text-to-video \
    -q --no-cache -o "$T/opts.mp4"
is "$?" 0 "all options: exit status 0"
req=$(emu_task "$(emu_last_task)")
request_has "$req" "every option" "prompt=every option" duration=6 quality=480p aspect_ratio=21:9 \
    generate_audio=false content_filter=false model_params.web_search=true \
    callback_url=https://example.com/hook model=seedance-2.0-fast-text-to-video
is "$(ls "$T/cache/journal/"*.json | wc -l)" "$njournal" "--no-cache: no journal entry written"

# --- image-to-video with local images
ffmpeg -v error -f lavfi -i color=c=red:s=640x480 -frames:v 1 "$T/first.png" &&
ffmpeg -v error -f lavfi -i color=c=blue:s=480x640 -frames:v 1 "$T/last.jpg" ||
    bail "ffmpeg could not make test images"
up0=$(emu_stat uploads)
"$SD" generate "from red" --image "$T/first.png" -q -o "$T/i2v1.mp4"
is "$?" 0 "i2v, one image: exit status 0"
req=$(emu_task "$(emu_last_task)")
is "$(json_get "$req" .request.model)" seedance-2.0-fast-image-to-video "i2v: model chosen from one image"
is "$(emu_stat uploads)" $((up0 + 1)) "i2v, one image: one upload"
like "$(json_get "$req" .request.image_urls)" '^\["https?://[^"]+"\]$' "i2v, one image: one uploaded URL"
check "i2v, one image: the file is an MP4" ffprobe -v error "$T/i2v1.mp4"

"$SD" generate "red to blue" --image "$T/first.png" --image "$T/last.jpg" -q -o "$T/i2v2.mp4"
is "$?" 0 "i2v, two images: exit status 0"
req=$(emu_task "$(emu_last_task)")
is "$(emu_stat uploads)" $((up0 + 3)) "i2v, two images: two more uploads"
like "$(json_get "$req" .request.image_urls)" '^\["[^"]+", ?"[^"]+"\]$' "i2v, two images: two URLs in order"
like "$(json_get "$req" .request.image_urls[1])" 'last' "i2v, two images: the second is the last frame"

"$SD" generate "inline" --image "$T/first.png" --last-image "$T/last.jpg" --image-mode inline \
    -q -o "$T/i2v3.mp4"
is "$?" 0 "i2v, inline: exit status 0"
req=$(emu_task "$(emu_last_task)")
is "$(emu_stat uploads)" $((up0 + 3)) "i2v, inline: no upload"
like "$(json_get "$req" .request.image_urls[0])" '^data:image/png;base64,' "i2v, inline: a PNG data: URI"
like "$(json_get "$req" .request.image_urls[1])" '^data:image/jpeg;base64,' "i2v, inline: a JPEG data: URI"

# --- -o -: the video on standard output, as it downloads
"$SD" generate "to a pipe" --duration 4 -o - 2>"$T/err" >"$T/piped.mp4"
is "$?" 0 "-o -: exit status 0"
is "$(probe "$T/piped.mp4" format=duration | cut -c1-3)" "4.0" "-o -: standard output holds the 4 s clip"
is "$(cmp "$T/piped.mp4" "$(json_get "$(emu_task "$(emu_last_task)")" .file)" && echo same)" same \
    "-o -: the server's file, byte for byte"
check "-o -: no file named -" test ! -e ./-
like "$(cat "$T/err")" "wrote the clip of task .* to standard output" "-o -: stderr says where it went"
"$SD" download "$(emu_last_task)" -o - 2>/dev/null | cmp -s - "$T/piped.mp4"
is "$?" 0 "download -o -: the same bytes from the cache"
s0=$(emu_stat submits)
script -qec "'$SD' generate 'to a terminal' -o -" /dev/null >"$T/tty.out" 2>&1
like "$(cat "$T/tty.out")" "-o - would write the video to a terminal" "-o - on a terminal: refused"
"$SD" generate "with json" --json -o - >"$T/json.out" 2>"$T/err"
is "$?" 2 "-o - with --json: usage error"
like "$(cat "$T/err")" "where --json writes its document" "-o - with --json: said why"
is "$(emu_stat submits)" "$s0" "-o - refused: nothing submitted"

# --- the key never appears
unlike "$(cat "$T/err" "$T"/cache/journal/*.json 2>/dev/null)" "$EMU_KEY" "the key is in no output or journal"
done_testing
