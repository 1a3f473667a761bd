#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The shape of a reference-to-video request, checked at submit: image_urls
# 0..9, video_urls 0..3, audio_urls 0..3 (both sides of each count), URL
# strings over http(s), no data: URI for any medium, at least one image or
# video (audio alone refused); video_urls and audio_urls refused by the
# other models. Each refusal: 400 invalid_request naming the field, no task.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/helpers.bash"

emu_start --gen-time 30
make_image "$T/i.png" 640 640
video "$T/v.mp4" 2
audio "$T/a.wav" 2
upload "$T/i.png" image/png; I=$FURL
upload "$T/v.mp4" video/mp4; V=$FURL
upload "$T/a.wav" audio/wav; A=$FURL
R=seedance-2.0-fast-reference-to-video

ACCEPTED=0
# rejects PARAM JSON REGEX WHAT   400, invalid_request, param PARAM, message matching REGEX
rejects() {
    submit "$2"
    if [ "$STATUS" = 400 ] && [ "$(jq_ .error.code)" = invalid_request ] &&
       [ "$(jq_ .error.param)" = "$1" ] && printf '%s' "$(jq_ .error.message)" | grep -Eq -- "$3"; then
        ok "rejected: $4"; else not_ok "rejected: $4" "status $STATUS, body: $BODY"; fi
}
accepts() { # JSON WHAT
    submit "$1"
    if [ "$STATUS" = 200 ] && [ -n "$(task_id)" ]; then ACCEPTED=$((ACCEPTED + 1)); ok "accepted: $2"; else
        not_ok "accepted: $2" "status $STATUS, body: $BODY"; fi
}
# urls N URL   a JSON array of N copies of URL
urls() { local i s=""; for i in $(seq 1 "$1"); do s="$s\"$2\","; done; printf '[%s]' "${s%,}"; }
r2v() { printf '{"model":"%s","prompt":"p @image1","duration":4,"quality":"480p","generate_audio":false%s}' "${M:-$R}" "$1"; }

# --- counts, both sides ------------------------------------------------------------
accepts "$(r2v ",\"image_urls\":$(urls 9 "$I")")" "9 images"
rejects image_urls "$(r2v ",\"image_urls\":$(urls 10 "$I")")" 'image_urls has 10 items \(allowed: 0 to 9 for seedance-2.0-fast-reference-to-video\)' "10 images"
accepts "$(r2v ",\"video_urls\":$(urls 3 "$V")")" "3 videos"
rejects video_urls "$(r2v ",\"video_urls\":$(urls 4 "$V")")" 'video_urls has 4 items \(allowed: 0 to 3' "4 videos"
accepts "$(r2v ",\"image_urls\":[\"$I\"],\"audio_urls\":$(urls 3 "$A")")" "3 audio clips with an image"
rejects audio_urls "$(r2v ",\"image_urls\":[\"$I\"],\"audio_urls\":$(urls 4 "$A")")" 'audio_urls has 4 items \(allowed: 0 to 3' "4 audio clips"
accepts "$(r2v ",\"image_urls\":$(urls 9 "$I"),\"video_urls\":[\"$V\"],\"audio_urls\":$(urls 3 "$A")")" "9 images, a video and 3 audio clips"
accepts "$(r2v ",\"video_urls\":[\"$V\"]")" "one video, no image"
accepts "$(r2v ",\"image_urls\":[],\"video_urls\":[\"$V\"],\"audio_urls\":[]")" "empty arrays beside a video"
rejects audio_urls "$(r2v ",\"audio_urls\":[\"$A\"]")" 'needs at least one reference image or video.*audio alone is refused' "audio alone"
rejects image_urls "$(r2v ",\"image_urls\":[],\"video_urls\":[]")" 'needs at least one reference image or video' "empty arrays only"
rejects image_urls "$(r2v '')" 'needs at least one reference image or video' "no reference at all"

# --- types and URLs -------------------------------------------------------------------
rejects video_urls "$(r2v ",\"video_urls\":\"$V\"")" 'video_urls must be an array of 0 to 3 video URLs, got "http' "video_urls not an array"
rejects 'audio_urls[1]' "$(r2v ",\"image_urls\":[\"$I\"],\"audio_urls\":[\"$A\",7]")" 'audio_urls\[1\] must be a non-empty URL string, got 7' "an audio URL that is a number"
rejects 'video_urls[0]' "$(r2v ',"video_urls":[""]')" 'must be a non-empty URL string' "an empty video URL"
rejects 'video_urls[0]' "$(r2v ',"video_urls":["ftp://127.0.0.1/v.mp4"]')" "'ftp://127.0.0.1/v.mp4' is not an http:// or https:// URL" "an ftp:// video URL"
rejects 'image_urls[0]' "$(r2v ',"image_urls":["/tmp/a.png"]')" 'is not an http:// or https:// URL' "a local path as an image"
for m in "image_urls i.png image/png" "video_urls v.mp4 video/mp4" "audio_urls a.wav audio/wav"; do
    set -- $m
    extra=""
    [ "$1" = audio_urls ] && extra=",\"image_urls\":[\"$I\"]"
    rejects "$1[0]" "$(r2v "$extra,\"$1\":[\"data:$3;base64,$(b64 "$T/$2")\"]")" \
        "$1\\[0\\] is a data: URI: reference-to-video takes no inline \\(Base64\\) media" "a data: URI in $1"
done
rejects 'image_urls[1]' "$(r2v ",\"image_urls\":[\"$I\",\"DATA:image/png;base64,AAAA\"]")" 'data: URI' "a data: URI in any case, at any index"
accepts "$(r2v ",\"image_urls\":[\"HTTPS://127.0.0.1:$EMU_PORT/files/x/y.png\"]")" "an HTTPS:// URL (fetched when the task starts)"

# --- the other models --------------------------------------------------------------------
for m in seedance-2.0-text-to-video seedance-2.0-mini-text-to-video; do
    M=$m rejects video_urls "$(M=$m r2v ",\"video_urls\":[\"$V\"]")" "video_urls is not supported by $m \\(only by the reference-to-video models\\)" "video_urls with $m"
done
M=seedance-2.0-image-to-video rejects audio_urls "$(M=seedance-2.0-image-to-video r2v ",\"image_urls\":[\"$I\"],\"audio_urls\":[\"$A\"]")" 'audio_urls is not supported by seedance-2.0-image-to-video' "audio_urls with image-to-video"
M=seedance-2.0-fast-image-to-video rejects image_urls "$(M=seedance-2.0-fast-image-to-video r2v ",\"image_urls\":$(urls 3 "$I")")" 'image_urls has 3 items \(allowed: 1 to 2\)' "image-to-video keeps its 2 images"
for m in seedance-2.0-reference-to-video seedance-2.0-mini-reference-to-video; do
    M=$m accepts "$(M=$m r2v ",\"image_urls\":[\"$I\"],\"video_urls\":[\"$V\"],\"audio_urls\":[\"$A\"]")" "$m with an image, a video and audio"
done

is "$(emu_stat tasks)" "$ACCEPTED" "refused requests created no task"
emu_finish
done_testing
