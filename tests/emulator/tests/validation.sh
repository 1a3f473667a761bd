#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every validation rule of POST /v1/videos/generations, both sides of each
# bound: 400 invalid_request naming the field, and no task created.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/helpers.bash"

emu_start --gen-time 30
ffmpeg -v error -f lavfi -i "testsrc2=s=400x400" -frames:v 1 "$T/img.png"
IMG="data:image/png;base64,$(b64 "$T/img.png")"
M_T=seedance-2.0-fast-text-to-video
M_I=seedance-2.0-fast-image-to-video

ACCEPTED=0
# rejects PARAM JSON DESCRIPTION   -> 400, code invalid_request, param PARAM
rejects() {
    submit "$2"
    local got
    got=$(python3 -c 'import json,sys; e=json.loads(sys.argv[1])["error"]; print(e["code"], e["type"], e.get("param"))' "$BODY" 2>/dev/null)
    if [ "$STATUS" = 400 ] && [ "$got" = "invalid_request invalid_request_error $1" ]; then
        ok "rejected: $3"
    else
        not_ok "rejected: $3" "status $STATUS, body: $BODY"
    fi
}
# accepts JSON DESCRIPTION
accepts() {
    submit "$1"
    if [ "$STATUS" = 200 ] && [[ $BODY == *'"id":"task-unified-'* ]]; then
        ACCEPTED=$((ACCEPTED + 1)); ok "accepted: $2"; else
        not_ok "accepted: $2" "status $STATUS, body: $BODY"; fi
}
# t2v/i2v EXTRA-FIELDS   a small valid request plus fields (480p 4 s unless given)
defaults() {
    local d=""
    case $1 in *'"quality"'*) ;; *) d="$d,\"quality\":\"480p\"" ;; esac
    case $1 in *'"duration"'*) ;; *) d="$d,\"duration\":4" ;; esac
    printf '%s' "$d"
}
t2v() { printf '{"model":"%s","prompt":"p"%s%s}' "$M_T" "$(defaults "$1")" "$1"; }
i2v() { printf '{"model":"%s","prompt":"p","image_urls":["%s"]%s%s}' "$M_I" "$IMG" "$(defaults "$1")" "$1"; }

# body
submit 'not json'
is "$STATUS" 400 "a body that is not JSON: 400"
like "$(jq_ .error.message)" 'JSON object' "the message says a JSON object is expected"
submit '[1,2]'
is "$STATUS" 400 "a JSON array body: 400"

# model
rejects model '{"prompt":"p"}' "model missing"
rejects model '{"model":7,"prompt":"p"}' "model not a string"
rejects model '{"model":"seedance-9","prompt":"p"}' "unknown model"
submit '{"model":"seedance-9","prompt":"p"}'
like "$(jq_ .error.message)" "seedance-9.*seedance-2.0-fast-text-to-video" "the message names the value and the allowed models"
accepts "$(printf '{"model":"seedance-2.0-text-to-video","prompt":"p","quality":"480p","duration":4}')" "seedance-2.0-text-to-video"
accepts "$(printf '{"model":"seedance-2.0-image-to-video","prompt":"p","quality":"480p","duration":4,"image_urls":["%s"]}' "$IMG")" "seedance-2.0-image-to-video"
for m in seedance-2.0-mini-text-to-video seedance-2.0-fast-reference-to-video \
         seedance-2.0-mini-image-to-video seedance-2.0-mini-reference-to-video \
         seedance-2.0-reference-to-video; do
    case $m in *text*) x="" ;; *) x=",\"image_urls\":[\"$IMG\"]" ;; esac
    accepts "{\"model\":\"$m\",\"prompt\":\"p\",\"quality\":\"480p\",\"duration\":4$x}" "$m"
done

# the rules of each model
rejects quality '{"model":"seedance-2.0-fast-text-to-video","prompt":"p","quality":"1080p"}' "1080p on fast"
like "$(jq_ .error.message)" "1080p.*not available yet.*allowed: 480p, 720p" "the message says 1080p is not open on fast"
rejects quality '{"model":"seedance-2.0-mini-image-to-video","prompt":"p","quality":"1080p"}' "1080p on mini"
rejects quality '{"model":"seedance-2.0-fast-text-to-video","prompt":"p","quality":"4k"}' "4k on fast"
accepts '{"model":"seedance-2.0-text-to-video","prompt":"p","quality":"1080p","duration":4}' "1080p on standard"
accepts '{"model":"seedance-2.0-text-to-video","prompt":"p","quality":"4k","duration":4}' "4k on standard"
rejects model_params '{"model":"seedance-2.0-mini-text-to-video","prompt":"p","model_params":{"web_search":false}}' "model_params on mini"
rejects model_params.web_search "$(printf '{"model":"seedance-2.0-reference-to-video","prompt":"p","image_urls":["%s"],"model_params":{"web_search":true}}' "$IMG")" "web search on reference-to-video"
accepts '{"model":"seedance-2.0-text-to-video","prompt":"p","quality":"480p","duration":4,"model_params":{"web_search":true}}' "web search on standard text-to-video"
rejects image_urls '{"model":"seedance-2.0-fast-reference-to-video","prompt":"p"}' "reference-to-video without a reference"
ten=$(printf '"%s",' "$IMG" "$IMG" "$IMG" "$IMG" "$IMG" "$IMG" "$IMG" "$IMG" "$IMG" "$IMG")
rejects image_urls "{\"model\":\"seedance-2.0-fast-reference-to-video\",\"prompt\":\"p\",\"image_urls\":[${ten%,}]}" "ten reference images"
accepts "{\"model\":\"seedance-2.0-fast-reference-to-video\",\"prompt\":\"p\",\"quality\":\"480p\",\"duration\":4,\"image_urls\":[$(printf '"%s",' "$IMG" "$IMG" "$IMG" | sed 's/,$//')]}" "three reference images"

# prompt
rejects prompt "{\"model\":\"$M_T\"}" "prompt missing"
rejects prompt "{\"model\":\"$M_T\",\"prompt\":5}" "prompt not a string"
rejects prompt "{\"model\":\"$M_T\",\"prompt\":\"   \"}" "prompt empty"
long=$(head -c 40000 /dev/zero | tr '\0' a)
accepts "{\"model\":\"$M_T\",\"prompt\":\"$long\",\"quality\":\"480p\",\"duration\":4}" "prompt of 10000 tokens"
rejects prompt "{\"model\":\"$M_T\",\"prompt\":\"${long}aaaa\"}" "prompt of more than 10000 tokens"

# duration
accepts "$(t2v ',"duration":4')" "duration 4 (lower bound)"
accepts "$(t2v ',"duration":15')" "duration 15 (upper bound)"
rejects duration "$(t2v ',"duration":3')" "duration 3"
rejects duration "$(t2v ',"duration":16')" "duration 16"
rejects duration "$(t2v ',"duration":4.5')" "duration 4.5 (not an integer)"
rejects duration "$(t2v ',"duration":"8"')" "duration \"8\" (a string)"
rejects duration "$(t2v ',"duration":true')" "duration true"
submit "$(t2v ',"duration":16')"
like "$(jq_ .error.message)" '16.*4 to 15' "the duration message names the value and the range"
accepts "{\"model\":\"$M_T\",\"prompt\":\"p\",\"quality\":\"480p\"}" "duration left out"
is "$(jq_ .task_info.video_duration)" 5 "duration defaults to 5"

# quality
accepts "$(t2v ',"quality":"720p"')" "quality 720p"
rejects quality "$(t2v ',"quality":"1080p"')" "quality 1080p (not open yet)"
rejects quality "$(t2v ',"quality":"360p"')" "quality 360p"
rejects quality "$(t2v ',"quality":720')" "quality as a number"

# aspect_ratio
for r in 16:9 9:16 1:1 4:3 3:4 21:9 adaptive; do
    accepts "$(t2v ",\"aspect_ratio\":\"$r\"")" "aspect_ratio $r"
done
rejects aspect_ratio "$(t2v ',"aspect_ratio":"2:1"')" "aspect_ratio 2:1"
rejects aspect_ratio "$(t2v ',"aspect_ratio":1.77')" "aspect_ratio as a number"

# booleans
rejects generate_audio "$(t2v ',"generate_audio":"yes"')" "generate_audio not a boolean"
rejects content_filter "$(t2v ',"content_filter":1')" "content_filter not a boolean"
accepts "$(t2v ',"generate_audio":false,"content_filter":false')" "generate_audio and content_filter false"
is "$(jq_ .usage.credits_reserved)" 22.277 "content_filter false costs 1.1x (4 s at 5.063, x1.1)"

# image_urls
rejects image_urls "$(t2v ",\"image_urls\":[\"$IMG\"]")" "image_urls with text-to-video"
rejects image_urls "{\"model\":\"$M_I\",\"prompt\":\"p\"}" "image_urls missing for image-to-video"
rejects image_urls "{\"model\":\"$M_I\",\"prompt\":\"p\",\"image_urls\":\"$IMG\"}" "image_urls not an array"
rejects image_urls "{\"model\":\"$M_I\",\"prompt\":\"p\",\"image_urls\":[]}" "image_urls empty"
rejects image_urls "{\"model\":\"$M_I\",\"prompt\":\"p\",\"image_urls\":[\"$IMG\",\"$IMG\",\"$IMG\"]}" "three image_urls"
rejects 'image_urls[0]' "{\"model\":\"$M_I\",\"prompt\":\"p\",\"image_urls\":[3]}" "an image URL that is not a string"
rejects 'image_urls[1]' "{\"model\":\"$M_I\",\"prompt\":\"p\",\"image_urls\":[\"$IMG\",\"\"]}" "an empty image URL"
accepts "$(i2v '')" "one image"
accepts "$(printf '{"model":"%s","prompt":"p","quality":"480p","duration":4,"image_urls":["%s","%s"]}' "$M_I" "$IMG" "$IMG")" "two images (may be the same)"
rejects video_urls "$(t2v ',"video_urls":["https://example.com/a.mp4"]')" "video_urls"
rejects audio_urls "$(i2v ',"audio_urls":["https://example.com/a.mp3"]')" "audio_urls"

# model_params
accepts "$(t2v ',"model_params":{"web_search":true}')" "model_params.web_search with text-to-video"
rejects model_params.web_search "$(i2v ',"model_params":{"web_search":true}')" "model_params.web_search with image-to-video"
rejects model_params.web_search "$(t2v ',"model_params":{"web_search":"true"}')" "model_params.web_search not a boolean"
rejects model_params "$(t2v ',"model_params":true')" "model_params not an object"

# callback_url
accepts "$(t2v ',"callback_url":"https://hooks.example.com/done"')" "an HTTPS callback_url"
rejects callback_url "$(t2v ',"callback_url":"http://hooks.example.com/done"')" "an http:// callback_url"
rejects callback_url "$(t2v ',"callback_url":"ftp://hooks.example.com/done"')" "an ftp:// callback_url"
rejects callback_url "$(t2v ',"callback_url":"not a url"')" "a callback_url that is not a URL"
rejects callback_url "$(t2v ',"callback_url":42')" "a callback_url that is not a string"
for h in 127.0.0.1 10.1.2.3 172.16.0.1 172.31.255.1 192.168.1.1 169.254.1.1 localhost '[::1]' '[fd00::1]'; do
    rejects callback_url "$(t2v ",\"callback_url\":\"https://$h/cb\"")" "callback_url to private host $h"
done
accepts "$(t2v ',"callback_url":"https://172.32.0.1/cb"')" "callback_url to 172.32.0.1 (public)"
u="https://hooks.example.com/$(head -c 2022 /dev/zero | tr '\0' a)"
is "${#u}" 2048 "(a URL of 2048 characters)"
accepts "$(t2v ",\"callback_url\":\"$u\"")" "callback_url of 2048 characters"
rejects callback_url "$(t2v ",\"callback_url\":\"${u}a\"")" "callback_url of 2049 characters"

is "$(emu_stat tasks)" "$ACCEPTED" "rejected requests created no task"
like "$(json_get "$(emu_task "$(emu_last_task)")" .request.callback_url)" '^https://hooks' "the last accepted request is recorded as sent"
emu_finish
done_testing
