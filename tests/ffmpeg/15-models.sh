#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The nine models through the three front ends: each text- and
# image-to-video model of the three tiers round-trips through
# "ffmpeg -i seedance:", "seedance generate" and the seedance source
# filter with its exact id in the request; 1080p on the standard tier; what
# a model refuses is refused with zero requests; a default stated or left
# out is one paid task; a request journaled by version 0.1 still attaches;
# max_credits sends nothing above the estimate.
. "$(dirname "$0")/../lib.sh"
need_ffmpeg
emu_start --gen-time 0.2 --cdn-lag 0
SEEDANCE=$BIN/seedance
"$FFMPEG" -v error -f lavfi -i "testsrc2=s=640x480" -frames:v 1 "$T/first.png"

# the model of the newest task, as the emulator received it
last_model() { json_get "$(emu_task "$(emu_last_task)")" .request.model; }
# requests the emulator has logged so far
requests() { wc -l <"$EMU_LOG"; }

n=0
for tier in standard fast mini; do
    for mode in text image; do
        case $tier in standard) prefix= ;; *) prefix=$tier- ;; esac
        want=seedance-2.0-$prefix$mode-to-video
        img= opt=() fimg=
        if [ "$mode" = image ]; then
            # not last: a "?" URL ending in .png is an image sequence to ffmpeg's probe
            img="image=$T/first.png&" opt=(--image "$T/first.png") fimg=":image=$T/first.png"
        fi
        n=$((n + 1))
        "$FFMPEG" -hide_banner -nostdin -y \
            -i "seedance:?${img}prompt=protocol $n&tier=$tier&quality=480p&duration=4" \
            -c copy "$T/p$n.mp4" >"$T/ff.log" 2>&1
        is "$?" 0 "ffmpeg -i seedance: tier=$tier, $mode: done"
        is "$(last_model)" "$want" "ffmpeg -i seedance: tier=$tier, $mode: the request names $want"
        "$SEEDANCE" generate -q --tier "$tier" --quality 480p --duration 4 "${opt[@]}" \
            "command $n" -o "$T/c$n.mp4" 2>"$T/cli.err"
        is "$?" 0 "seedance generate --tier $tier, $mode: done"
        is "$(last_model)" "$want" "seedance generate --tier $tier, $mode: the request names $want"
        "$FFMPEG" -hide_banner -nostdin -y -filter_complex \
            "seedance=prompt=filter $n:tier=$tier:quality=480p:duration=4:generate_audio=0$fimg[v]" \
            -map "[v]" -c:v libx264 -preset ultrafast "$T/f$n.mp4" >"$T/ff.log" 2>&1
        is "$?" 0 "the seedance filter, tier=$tier, $mode: done"
        is "$(last_model)" "$want" "the seedance filter, tier=$tier, $mode: the request names $want"
    done
done
is "$(emu_stat tasks)" 18 "eighteen generations, eighteen paid tasks"

# tier and mode as protocol options before -i (-mode is also an option of
# the codec2 demuxer; the protocol's is the one that counts here)
"$FFMPEG" -hide_banner -nostdin -y -tier mini -mode reference -image "$T/first.png" \
    -video_quality 480p -video_duration 4 -i "seedance:?prompt=options" -c copy "$T/o.mp4" >"$T/ff.log" 2>&1
is "$?" 0 "-tier mini -mode reference before -i: done"
is "$(last_model)" seedance-2.0-mini-reference-to-video "-tier and -mode name the model"

# 1080p on the standard tier
"$FFMPEG" -hide_banner -nostdin -y -i "seedance:?prompt=big&tier=standard&quality=1080p&duration=4" \
    -c copy "$T/hd.mp4" >"$T/ff.log" 2>&1
is "$?" 0 "tier=standard&quality=1080p: done"
is "$(probe "$T/hd.mp4" stream=width v:0)x$(probe "$T/hd.mp4" stream=height v:0)" 1920x1080 \
    "tier=standard&quality=1080p: a 1920x1080 clip"

# refused before anything is sent
refused() { # URL REGEX WHAT
    local before log rc
    before=$(requests)
    log=$("$FFMPEG" -hide_banner -nostdin -y -i "$1" -f null - 2>&1)
    rc=$?
    isnt "$rc" 0 "$3: ffmpeg fails"
    like "$log" "$2" "$3: the error names the field, the value and what is allowed"
    is "$(requests)" "$before" "$3: zero requests"
}
refused "seedance:?prompt=x&quality=1080p" "quality: '1080p' is not rendered by seedance-2.0-fast-text-to-video: allowed 480p, 720p" "fast 1080p"
refused "seedance:?prompt=x&tier=mini&quality=1080p" "quality: '1080p' is not rendered by seedance-2.0-mini-text-to-video" "mini 1080p"
refused "seedance:?prompt=x&tier=mini&web_search=1" "web_search: '1' is not taken by seedance-2.0-mini-text-to-video: allowed only with seedance-2.0-text-to-video, seedance-2.0-fast-text-to-video" "web search on mini"
refused "seedance:?prompt=x&image=$T/first.png&web_search=1" "web_search.*seedance-2.0-fast-image-to-video" "web search in image mode"
refused "seedance:?prompt=x&tier=pro" "tier: 'pro' is not allowed: allowed standard, fast, mini" "an unknown tier"
before=$(requests)
out=$("$SEEDANCE" submit --tier mini --web-search 1 x 2>&1)
is "$?" 2 "seedance submit --tier mini --web-search 1: exit status 2"
like "$out" "web_search.*mini" "seedance submit: the message names web_search and the model"
"$FFMPEG" -hide_banner -nostdin -y -filter_complex "seedance=prompt=x:tier=fast:quality=4k[v]" \
    -map "[v]" -f null - >"$T/ff.log" 2>&1
isnt "$?" 0 "the filter with fast 4k fails"
like "$(cat "$T/ff.log")" "quality: '4k' is not rendered" "the filter says why"
is "$(requests)" "$before" "the command and the filter sent nothing either"

# a default stated or left out: one request, one paid task
tasks=$(emu_stat tasks)
"$FFMPEG" -hide_banner -nostdin -y -i "seedance:?prompt=a calm sea&quality=480p" -c copy "$T/d1.mp4" >"$T/ff.log" 2>&1
is "$?" 0 "the URL without duration: done"
"$FFMPEG" -hide_banner -nostdin -y -filter_complex \
    'seedance=prompt=a calm sea:quality=480p:duration=5:tier=fast:aspect_ratio=16\\:9:generate_audio=1:content_filter=1:web_search=0[v][a]' \
    -map "[v]" -map "[a]" -c:v libx264 -preset ultrafast "$T/d2.mp4" >"$T/ff.log" 2>&1
is "$?" 0 "the filter with every default stated: done"
"$SEEDANCE" generate -q --quality 480p --duration 5 --aspect-ratio 16:9 "a calm sea" -o "$T/d3.mp4"
is "$?" 0 "the command with some defaults stated: done"
is "$(emu_stat tasks)" $((tasks + 1)) "three front ends, defaults stated or not: one paid task"
is "$(json_get "$(emu_task "$(emu_last_task)")" .request.aspect_ratio)" 16:9 \
    "the ratio is stated (16:9), never left to the service's default"

# a request journaled by version 0.1 (its body held only the fields given)
gen=$(curl -sS -H "Authorization: Bearer $EMU_KEY" -H 'Content-Type: application/json' \
      --data-binary '{"model":"seedance-2.0-fast-text-to-video","prompt":"made before","quality":"480p","duration":4}' \
      "$EMU_URL/v1/videos/generations")
old=$(json_get "$gen" .id)
key=$(printf '%s\n%s' '{"model":"seedance-2.0-fast-text-to-video","prompt":"made before","duration":4,"quality":"480p"}' \
      "$EMU_URL" | sha256sum | cut -d' ' -f1)
mkdir -p "$SEEDANCE_CACHE_DIR/journal"
printf '{"version":1,"hash":"%s","api_base":"%s","state":"submitted","idempotency_key":"0123456789abcdef0123456789abcdef","task_id":"%s","attempted":%s,"request":{"model":"seedance-2.0-fast-text-to-video","prompt":"made before","duration":4,"quality":"480p"}}\n' \
    "$key" "$EMU_URL" "$old" "$(date +%s)" >"$SEEDANCE_CACHE_DIR/journal/$key.json"
chmod 600 "$SEEDANCE_CACHE_DIR/journal/$key.json"
tasks=$(emu_stat tasks) submits=$(emu_stat submits)
"$FFMPEG" -hide_banner -nostdin -y -i "seedance:?prompt=made before&quality=480p&duration=4" \
    -c copy "$T/old.mp4" >"$T/ff.log" 2>&1
is "$?" 0 "a request journaled by 0.1: done"
like "$(cat "$T/ff.log")" "Attached to task $old" "it attaches to the task 0.1 paid for"
is "$(emu_stat submits)" "$submits" "no submit is sent"
is "$(emu_stat tasks)" "$tasks" "no new paid task"

# max_credits: the estimate above the limit, or unknown, sends nothing
before=$(requests)
log=$("$FFMPEG" -hide_banner -nostdin -y -i "seedance:?prompt=dear&duration=8&max_credits=50" -f null - 2>&1)
isnt "$?" 0 "max_credits=50 under 87.48 credits: ffmpeg fails"
like "$log" "estimated at 87.480 credits.*max_credits=50" "the message gives the estimate and the limit"
log=$(SEEDANCE_MAX_CREDITS=500 "$FFMPEG" -hide_banner -nostdin -y -i "seedance:?prompt=unknown&tier=mini" -f null - 2>&1)
isnt "$?" 0 "SEEDANCE_MAX_CREDITS and the mini tier: ffmpeg fails"
like "$log" "unknown \\(no published price for the mini tier\\)" "the message says the price is unknown"
is "$(requests)" "$before" "max_credits: zero requests"
log=$("$FFMPEG" -hide_banner -nostdin -y -v verbose -i "seedance:?prompt=a calm sea&quality=480p&max_credits=20" -f null - 2>&1)
is "$?" 0 "max_credits below the estimate of a request already paid: attaches all the same"
"$FFMPEG" -hide_banner -nostdin -y -v verbose -i "seedance:?prompt=cheap&quality=480p&duration=4&max_credits=25" \
    -c copy "$T/cheap.mp4" >"$T/ff.log" 2>&1
is "$?" 0 "20.252 credits under max_credits=25: done"
like "$(cat "$T/ff.log")" "estimated cost: 20.252 credits" "-v verbose shows the estimate before the submit"
like "$(cat "$T/ff.log")" "credits reserved" "-v verbose shows the credits the task reserved"
is "$(json_get "$(emu_task "$(emu_last_task)")" .task.usage.credits_reserved)" 20.252 "the emulator reserved as much"

done_testing
