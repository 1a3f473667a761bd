#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Image-to-video: images from the Files API, data: URIs and plain http URLs;
# the first frame is the first image (PSNR > 30 dB), with two images the
# last frame is the second; adaptive ratio; the documented image limits;
# request bodies over 64 MB.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/helpers.bash"

# --cdn-lag 0: these checks download links at once (the lag: cdn_lag.sh)
emu_start --gen-time 0.2 --cdn-lag 0
I2V=seedance-2.0-fast-image-to-video
mk() { ffmpeg -v error -nostdin -y -f lavfi -i "$1" -frames:v 1 "${@:3}" "$T/$2"; }
mk "testsrc2=s=1280x720" a.png
mk "testsrc2=s=1280x720,hue=h=120,negate" b.png
mk "testsrc2=s=864x496" a480.jpg -q:v 2
mk "testsrc2=s=864x496,negate" b480.webp -quality 95
mk "gradients=s=1000x1000:seed=7" square.png
mk "color=c=red:s=299x400,format=rgb24" small.png
mk "color=c=red:s=6001x2500,format=rgb24" wide.png
mk "color=c=red:s=1011x400,format=rgb24" ratio.png
mk "color=c=red:s=400x400" gif.gif

# upload_b64 FILE   Files API base64 upload; sets FURL
upload_b64() {
    api POST /api/v1/files/upload/base64 "{\"base64_data\":\"data:image/png;base64,$(b64 "$1")\",\"file_name\":\"$(basename "$1")\"}"
    FURL=$(jq_ .data.file_url)
}
clip() {
    gen "$1"
    if [ "$(jq_ .status)" != completed ]; then not_ok "$2: completed" "$BODY"; return 1; fi
    curl -sS -o "$T/$2.mp4" "$(jq_ '.results[0]')"
}

# --- Files API --------------------------------------------------------------
upload_b64 "$T/a.png"
is "$STATUS" 200 "upload: 200"
is "$(jq_ .success)" true "upload: success true"
is "$(jq_ .code)" 200 "upload: code 200"
is "$(jq_ .msg)" "File uploaded successfully" "upload: msg"
like "$(jq_ .data.file_id)" '^file_' "upload: data.file_id"
is "$(jq_ .data.file_name)" a.png "upload: data.file_name"
is "$(jq_ .data.file_size)" "$(stat -c %s "$T/a.png")" "upload: data.file_size"
is "$(jq_ .data.mime_type)" image/png "upload: data.mime_type"
like "$(jq_ .data.expires_at)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "upload: data.expires_at"
like "$FURL" "^http://127\\.0\\.0\\.1:$EMU_PORT/files/file_[a-z0-9_]+/a\\.png\$" "upload: file_url served by the emulator"
A_URL=$FURL
curl -sS -o "$T/back.png" "$A_URL"
cmp -s "$T/back.png" "$T/a.png"; is "$?" 0 "GET file_url returns the uploaded bytes"
is "$(emu_stat uploads)" 1 "uploads counter"
api POST /api/v1/files/upload/base64 '{"base64_data":"%%%not base64"}'
is "$STATUS $(jq_ .success)" "400 false" "upload of bad base64: success false"
api POST /api/v1/files/upload/base64 '{"file_name":"x.png"}'
is "$STATUS $(jq_ .success)" "400 false" "upload without base64_data: success false"
STATUS=$(curl -sS -o /dev/null -w '%{http_code}' -X POST --data-binary '{}' "$EMU_URL/api/v1/files/upload/base64")
is "$STATUS" 401 "upload without a key: 401"
upload_b64 "$T/b.png"; B_URL=$FURL

# --- one image: first frame = the image ----------------------------------------
clip "{\"model\":\"$I2V\",\"prompt\":\"one\",\"duration\":4,\"aspect_ratio\":\"16:9\",\"image_urls\":[\"$A_URL\"]}" one
is "$(probe "$T/one.mp4" stream=width,height | head -n 2 | paste -sd x)" 1280x720 "one image: 1280x720"
frame "$T/one.mp4" 0 "$T/one0.png"
p=$(psnr "$T/one0.png" "$T/a.png")
cmp_float "$p" '>' 30 "one image: frame 0 matches the image (PSNR $p dB)"
frame "$T/one.mp4" last "$T/onel.png"
p=$(psnr "$T/onel.png" "$T/a.png")
cmp_float "$p" '<' 30 "one image: the camera moves (last frame differs, PSNR $p dB)"
is "$(probe "$T/one.mp4" stream=nb_frames | head -n 1)" 96 "one image: 4 s = 96 frames"

# --- two images: first and last frames ----------------------------------------------
clip "{\"model\":\"$I2V\",\"prompt\":\"two\",\"duration\":5,\"aspect_ratio\":\"16:9\",\"generate_audio\":false,\"image_urls\":[\"$A_URL\",\"$B_URL\"]}" two
frame "$T/two.mp4" 0 "$T/two0.png"
frame "$T/two.mp4" last "$T/twol.png"
p=$(psnr "$T/two0.png" "$T/a.png"); cmp_float "$p" '>' 30 "two images: frame 0 matches the first (PSNR $p dB)"
p=$(psnr "$T/twol.png" "$T/b.png"); cmp_float "$p" '>' 30 "two images: the last frame matches the second (PSNR $p dB)"
p=$(psnr "$T/twol.png" "$T/a.png"); cmp_float "$p" '<' 20 "two images: the last frame is not the first image (PSNR $p dB)"
is "$(probe "$T/two.mp4" stream=codec_type | paste -sd ,)" video "two images, generate_audio false: no audio"

# --- data: URIs, JPEG and WebP, 480p ---------------------------------------------------
clip "{\"model\":\"$I2V\",\"prompt\":\"data\",\"duration\":4,\"quality\":\"480p\",\"aspect_ratio\":\"16:9\",\"image_urls\":[\"data:image/jpeg;base64,$(b64 "$T/a480.jpg")\",\"data:image/webp;base64,$(b64 "$T/b480.webp")\"]}" data
is "$(probe "$T/data.mp4" stream=width,height | head -n 2 | paste -sd x)" 864x496 "data: URIs at 480p: 864x496"
frame "$T/data.mp4" 0 "$T/d0.png"; frame "$T/data.mp4" last "$T/dl.png"
p=$(psnr "$T/d0.png" "$T/a480.jpg"); cmp_float "$p" '>' 30 "JPEG data: URI is frame 0 (PSNR $p dB)"
p=$(psnr "$T/dl.png" "$T/b480.webp"); cmp_float "$p" '>' 30 "WebP data: URI is the last frame (PSNR $p dB)"

# --- a plain http URL, cover crop and adaptive ratio --------------------------------------
mkdir -p "$T/www"; cp "$T/square.png" "$T/www/"
www_start "$T/www"
WWW_PORT=${WWW##*:}
clip "{\"model\":\"$I2V\",\"prompt\":\"http\",\"duration\":4,\"quality\":\"480p\",\"aspect_ratio\":\"adaptive\",\"image_urls\":[\"http://127.0.0.1:$WWW_PORT/square.png\"]}" sq
is "$(probe "$T/sq.mp4" stream=width,height | head -n 2 | paste -sd x)" 640x640 "adaptive with a square image: 1:1 (640x640)"
frame "$T/sq.mp4" 0 "$T/sq0.png"
ffmpeg -v error -nostdin -y -i "$T/square.png" -vf scale=640:640 "$T/sq_ref.png"
p=$(psnr "$T/sq0.png" "$T/sq_ref.png"); cmp_float "$p" '>' 30 "an http:// image is fetched and is frame 0 (PSNR $p dB)"
clip "{\"model\":\"$I2V\",\"prompt\":\"crop\",\"duration\":4,\"quality\":\"480p\",\"aspect_ratio\":\"16:9\",\"image_urls\":[\"http://127.0.0.1:$WWW_PORT/square.png\"]}" crop
frame "$T/crop.mp4" 0 "$T/crop0.png"
ffmpeg -v error -nostdin -y -i "$T/square.png" -vf 'scale=864:864,crop=864:496' "$T/crop_ref.png"
p=$(psnr "$T/crop0.png" "$T/crop_ref.png"); cmp_float "$p" '>' 30 "a square image is scaled and cropped to cover 16:9 (PSNR $p dB)"
clip "{\"model\":\"$I2V\",\"prompt\":\"adaptive\",\"duration\":4,\"quality\":\"480p\",\"aspect_ratio\":\"adaptive\",\"image_urls\":[\"$A_URL\"]}" ad169
is "$(probe "$T/ad169.mp4" stream=width,height | head -n 2 | paste -sd x)" 864x496 "adaptive with a 16:9 image: 864x496"
ffmpeg -v error -nostdin -y -f lavfi -i "testsrc2=s=450x1000" -frames:v 1 "$T/www/tall.png"
clip "{\"model\":\"$I2V\",\"prompt\":\"adaptive\",\"duration\":4,\"quality\":\"720p\",\"aspect_ratio\":\"adaptive\",\"image_urls\":[\"http://127.0.0.1:$WWW_PORT/tall.png\"]}" tall
is "$(probe "$T/tall.mp4" stream=width,height | head -n 2 | paste -sd x)" 720x1280 "adaptive with a 0.45 image: 9:16 (720x1280)"

# --- image limits ---------------------------------------------------------------------------
bad_image() { # FILE-OR-URL DESCRIPTION REGEX
    local u=$1
    [ -f "$u" ] && u="data:image/png;base64,$(b64 "$u")"
    submit "{\"model\":\"$I2V\",\"prompt\":\"bad\",\"image_urls\":[\"$u\"]}"
    if [ "$STATUS" = 400 ] && [ "$(jq_ .error.code)" = invalid_request ] &&
       [ "$(jq_ .error.param)" = 'image_urls[0]' ] && printf '%s' "$(jq_ .error.message)" | grep -Eq "$3"; then
        ok "rejected: $2"; else not_ok "rejected: $2" "status $STATUS: $BODY"; fi
}
bad_image "$T/small.png" "an image of 299 px" '299x400.*300 to 6000'
bad_image "$T/wide.png" "an image of 6001 px" '6001x2500.*300 to 6000'
bad_image "$T/ratio.png" "an image of ratio 2.525" 'ratio.*0.4 to 2.5'
bad_image "$T/gif.gif" "a GIF image" 'jpeg, png, webp'
bad_image "data:image/png;base64,iVBORw0KGgoAAAAN" "a truncated PNG" 'cannot be decoded'
bad_image "http://127.0.0.1:$WWW_PORT/missing.png" "an image URL answering 404" 'HTTP 404'
bad_image "ftp://127.0.0.1/x.png" "an ftp:// image URL" 'http://, https:// or data:'
head -c $((30 * 1024 * 1024 + 1)) /dev/zero >"$T/www/big.png"
bad_image "http://127.0.0.1:$WWW_PORT/big.png" "an image over 30 MB" '30 MB'
mk "color=c=red:s=1000x400" ok25.png
submit "{\"model\":\"$I2V\",\"prompt\":\"ratio 2.5\",\"duration\":4,\"quality\":\"480p\",\"image_urls\":[\"data:image/png;base64,$(b64 "$T/ok25.png")\"]}"
is "$STATUS" 200 "an image of ratio exactly 2.5 is accepted"
www_stop

# --- body size ------------------------------------------------------------------------------
python3 -c 'import sys; sys.stdout.write("{\"model\":\"x\",\"prompt\":\"" + "a" * (64 * 1024 * 1024) + "\"}")' >"$T/huge.json"
submit "@$T/huge.json"
is "$STATUS" 413 "a body over 64 MB: 413"
like "$BODY" '"error":\{"code":"request_too_large"' "413 carries the error envelope"
emu_finish
done_testing
