#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Files API: multipart stream uploads of images, video and audio
# (streamed to disk), the documented reply, refusals as its envelope, the
# file quota (files_used, files-full), delete, list and quota, the
# images-only switch, the base64 upload in the same quota, counters and the
# request log.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/helpers.bash"

emu_start --cdn-lag 0
make_image "$T/a.png" 640 480
make_image "$T/b.jpg" 640 480
$FF -f lavfi -i testsrc2=s=320x240 -frames:v 1 "$T/c.gif"
$FF -f lavfi -i testsrc2=s=400x400 -frames:v 1 -quality 90 "$T/d.webp"
video "$T/v.mp4" 2
video "$T/q.mov" 2 640x640 24 "" -f mov
audio "$T/s.wav" 2
audio "$T/m.mp3" 2 440 -c:a libmp3lame
head -c 1000 /dev/urandom >"$T/x.bin"

# --- uploads of every medium -----------------------------------------------------
upload "$T/v.mp4" video/mp4 -F uploadPath=refs/clips -F fileName=clip1.mp4
is "$STATUS" 200 "stream upload of an MP4: 200"
is "$(jq_ .success) $(jq_ .code) $(jq_ .msg)" "true 200 File uploaded successfully" "the envelope: success, code, msg"
like "$FID" '^file_[a-z0-9]{16}$' "data.file_id"
is "$(jq_ .data.file_name)" clip1.mp4 "data.file_name is the fileName part"
is "$(jq_ .data.original_name)" v.mp4 "data.original_name is the part's filename"
is "$(jq_ .data.file_size)" "$(stat -c %s "$T/v.mp4")" "data.file_size"
is "$(jq_ .data.mime_type)" video/mp4 "data.mime_type"
is "$(jq_ .data.upload_path)" refs/clips "data.upload_path is the uploadPath part"
like "$FURL" "^http://127\\.0\\.0\\.1:$EMU_PORT/files/$FID/clip1\\.mp4\$" "data.file_url"
is "$(jq_ .data.download_url)" "$FURL" "data.download_url"
like "$(jq_ .data.upload_time)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\+00:00$' "data.upload_time"
up=$(date -d "$(jq_ .data.upload_time)" +%s) exp=$(date -d "$(jq_ .data.expires_at)" +%s)
is "$((exp - up))" 259200 "data.expires_at: 72 hours later"
curl -sS -o "$T/back.mp4" "$FURL"
check "the file URL serves the bytes sent" cmp "$T/back.mp4" "$T/v.mp4"
V_ID=$FID

upload "$T/q.mov" video/quicktime -F upload_path=p -F file_name=q.mov
is "$STATUS $(jq_ .data.mime_type) $(jq_ .data.upload_path)" "200 video/quicktime p" "a QuickTime file, underscore field names"
for f in "s.wav audio/wav" "s.wav audio/x-wav" "m.mp3 audio/mpeg" "a.png image/png" \
         "b.jpg image/jpeg" "c.gif image/gif" "d.webp image/webp"; do
    set -- $f
    upload "$T/$1" "$2"
    is "$STATUS $(jq_ .success) $(jq_ .data.mime_type)" "200 true $2" "stream upload of $1 as $2"
done
upload "$T/a.png" 'IMAGE/PNG; charset=binary'
is "$(jq_ .success) $(jq_ .data.mime_type)" "true image/png" "the type is read without case or parameters"
is "$(emu_stat files)" 10 "ten files held"

# --- refusals: the envelope, a code and a message ---------------------------------------
refusal() { # HTTP REGEX WHAT
    if [ "$STATUS" = "$1" ] && [ "$(jq_ .success)" = false ] && [ "$(jq_ .code)" = "$1" ] &&
       printf '%s' "$(jq_ .msg)" | grep -Eq -- "$2"; then ok "$3"; else
        not_ok "$3" "status $STATUS: $BODY"; fi
}
upload "$T/x.bin" application/octet-stream
refusal 400 "Unsupported file type 'application/octet-stream' \\(allowed: image/jpeg, .*video/mp4, video/quicktime, audio/mpeg, audio/wav, audio/x-wav\\)" "an unsupported type: refused, the message lists the allowed ones"
upload "$T/s.wav" video/mp4
refusal 400 'content does not match its type video/mp4 \(it is not an MP4 or QuickTime file\)' "a WAV sent as video/mp4: refused by its content"
upload "$T/v.mp4" image/png
refusal 400 'not a PNG image' "an MP4 sent as image/png: refused"
: >"$T/empty.png"
upload "$T/empty.png" image/png
refusal 400 'No file' "an empty file: refused"
STATUS=$(curl -sS -o "$T/.api.body" -w '%{http_code}' -H "Authorization: Bearer $EMU_KEY" \
    -F "upload_path=x" "$EMU_URL/api/v1/files/upload/stream"); BODY=$(cat "$T/.api.body")
refusal 400 'part named "file"' "a form without the part file: refused"
STATUS=$(curl -sS -o "$T/.api.body" -w '%{http_code}' -H "Authorization: Bearer $EMU_KEY" \
    -F "file=@$T/a.png;type=image/png" -F "file=@$T/b.jpg;type=image/jpeg" "$EMU_URL/api/v1/files/upload/stream"); BODY=$(cat "$T/.api.body")
refusal 400 'One file per request' "two files in one request: refused"
STATUS=$(curl -sS -o "$T/.api.body" -w '%{http_code}' -H "Authorization: Bearer $EMU_KEY" \
    -H 'Content-Type: application/octet-stream' --data-binary "@$T/a.png" "$EMU_URL/api/v1/files/upload/stream"); BODY=$(cat "$T/.api.body")
refusal 400 'must be multipart/form-data' "a body that is not multipart: refused"
# form BODY-FILE   a hand-made multipart body (boundary XYZ)
form() {
    STATUS=$(curl -sS -o "$T/.api.body" -w '%{http_code}' -H "Authorization: Bearer $EMU_KEY" \
        -H 'Content-Type: multipart/form-data; boundary=XYZ' --data-binary "@$1" "$EMU_URL/api/v1/files/upload/stream")
    BODY=$(cat "$T/.api.body")
}
{ printf -- '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'
  cat "$T/a.png"; printf -- '\r\n--XYZ--\r\n'; } >"$T/notype.form"
form "$T/notype.form"
refusal 400 'The part "file" has no Content-Type' "a file part without a Content-Type: refused"
{ printf -- '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n'
  cat "$T/a.png"; } >"$T/cut.form"
form "$T/cut.form"
refusal 400 'cannot be parsed' "a form cut before its closing boundary: refused"
STATUS=$(curl -sS -o "$T/.api.body" -w '%{http_code}' -F "file=@$T/a.png;type=image/png" "$EMU_URL/api/v1/files/upload/stream"); BODY=$(cat "$T/.api.body")
refusal 401 'token' "no key: 401 in the Files API envelope"
is "$(emu_stat files)" 10 "refused uploads store nothing"

# --- 100 MB, streamed to disk ------------------------------------------------------------------
hwm() { sed -n 's/^VmHWM: *\([0-9]*\) kB/\1/p' "/proc/$EMU_PID/status"; }
video "$T/big.mp4" 2
pad "$T/big.mp4" $((100 * 1024 * 1024))
before=$(hwm)
upload "$T/big.mp4" video/mp4
is "$STATUS $(jq_ .data.file_size)" "200 104857600" "a file of exactly 100 MB is taken"
after=$(hwm)
cmp_num $((after - before)) -lt 40960 "it went to disk, not into memory (peak memory grew $(((after - before) / 1024)) MB)"
is "$(curl -sS "$FURL" | sha256sum)" "$(sha256sum <"$T/big.mp4")" "the 100 MB file is served back whole"
api DELETE "/api/v1/files/$FID"
pad "$T/v.mp4" $((100 * 1024 * 1024 + 1))
upload "$T/v.mp4" video/mp4
refusal 413 'more than 100 MB' "a file of 100 MB + 1 byte: 413"
rm -f "$T/big.mp4" "$T/v.mp4"

# --- delete, list, quota ---------------------------------------------------------------------------
api GET /api/v1/files/quota
is "$(jq_ .success) $(jq_ .data.user_group) $(jq_ .data.used_files) $(jq_ .data.max_files) $(jq_ .data.remain_files)" \
    "true default 10 100 90" "quota: default group, 10 of 100 used, 90 left"
api GET '/api/v1/files/list?page=1&pageSize=4'
is "$(jq_ .data.total) $(jq_ .data.page) $(jq_ .data.page_size)" "10 1 4" "list: total, page, page_size"
is "$(json_get "$BODY" .data.files | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 4 "list: a page of 4"
is "$(jq_ .data.files[0].mime_type)" image/png "list: newest first"
api GET '/api/v1/files/list?page=3&pageSize=4'
is "$(json_get "$BODY" .data.files | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 2 "list: the last page holds the rest"
is "$(jq_ '.data.files[1].file_id')" "$V_ID" "list: the oldest file last"
api GET '/api/v1/files/list?page=0'
refusal 400 'page must be a positive integer' "list: page 0 refused"
api GET '/api/v1/files/list?pageSize=101'
refusal 400 'pageSize must be an integer from 1 to 100' "list: pageSize 101 refused"
V_URL=$(jq_ .data.files[0].file_url)
api DELETE "/api/v1/files/$V_ID"
is "$STATUS $(jq_ .success) $(jq_ .data.file_id)" "200 true $V_ID" "DELETE /api/v1/files/ID"
is "$(curl -sS -o /dev/null -w '%{http_code}' "$EMU_URL/files/$V_ID/clip1.mp4")" 404 "a deleted file is no longer served"
api DELETE "/api/v1/files/$V_ID"
refusal 404 "File not found: $V_ID" "deleting it again: 404"
api GET /api/v1/files/quota
is "$(jq_ .data.used_files) $(jq_ .data.remain_files)" "9 91" "a delete frees a slot"
api GET "/api/v1/files/$V_ID"
is "$STATUS $(header Allow)" "405 DELETE" "GET of a file id: 405, Allow: DELETE"

# --- the quota ---------------------------------------------------------------------------------
emu_admin POST /_emu/config '{"file_quota":11}' >/dev/null
upload "$T/a.png" image/png; is "$(jq_ .success)" true "upload 10 of 11"
api POST /api/v1/files/upload/base64 "{\"base64_data\":\"data:image/png;base64,$(b64 "$T/a.png")\",\"file_name\":\"a.png\",\"upload_path\":\"b64\"}"
is "$(jq_ .success) $(jq_ .data.upload_path) $(jq_ .data.original_name)" "true b64 a.png" "a base64 upload takes the 11th slot"
upload "$T/a.png" image/png
refusal_200() { # CODE REGEX WHAT   success:false with HTTP 200
    if [ "$STATUS" = 200 ] && [ "$(jq_ .success)" = false ] && [ "$(jq_ .code)" = "$1" ] &&
       printf '%s' "$(jq_ .msg)" | grep -Eq -- "$2"; then ok "$3"; else not_ok "$3" "status $STATUS: $BODY"; fi
}
refusal_200 403 'File quota exceeded: the account holds 11 of 11 files.*Delete files you no longer need \(DELETE /api/v1/files/\{file_id\}' \
    "the 12th upload: HTTP 200, success false, code 403, the message names the quota and says to delete files"
api POST /api/v1/files/upload/base64 "{\"base64_data\":\"data:image/png;base64,$(b64 "$T/a.png")\"}"
refusal_200 403 'File quota exceeded' "a base64 upload beyond the quota: refused too"
is "$(emu_stat files)" 11 "nothing stored beyond the quota"
emu_admin POST /_emu/config '{"files_used":3}' >/dev/null
api GET /api/v1/files/quota
is "$(jq_ .data.used_files)" 14 "files_used 3: three earlier files besides the 11"
api GET '/api/v1/files/list?pageSize=100'
earlier=$(json_get "$BODY" .data.files | python3 -c 'import json,sys; print(" ".join(f["file_id"] for f in json.load(sys.stdin) if f["file_name"].startswith("earlier-")))')
is "$(echo "$earlier" | wc -w)" 3 "the earlier files are listed (oldest, last)"
api DELETE "/api/v1/files/${earlier%% *}"
is "$(jq_ .success)" true "an earlier file can be deleted"
is "$(json_get "$(emu_admin GET /_emu/config)" .files_used)" 2 "files_used reads back the earlier files still held"
emu_admin POST /_emu/config '{"file_quota":100,"files_used":-1}' >/dev/null
api GET /api/v1/files/quota
is "$(jq_ .data.used_files) $(jq_ .data.remain_files)" "100 0" "files_used -1: the quota is full"
upload "$T/a.png" image/png
refusal_200 403 'holds 100 of 100 files' "a full quota refuses the next upload"

# --- counters and log -------------------------------------------------------------------------------
is "$(emu_stat deletes)" 4 "deletes counts DELETE /api/v1/files/ID (found or not)"
n=$(emu_stat uploads)
is "$(logged "$n" method=POST path=/api/v1/files/upload/*)" "$n" "uploads counts both upload endpoints, refused ones too ($n)"
is "$(logged 4 method=DELETE path=/api/v1/files/*)" 4 "the request log has the deletes"
emu_finish

# --- the switches: images only, a full quota at start ------------------------------------------------------
emu_start --files-images-only --file-quota 5 --files-full
upload "$T/s.wav" audio/wav
refusal 400 "Unsupported file type 'audio/wav': only images can be uploaded \\(allowed: image/jpeg, image/png, image/gif, image/webp\\)" \
    "--files-images-only: audio refused, the message says images only"
upload "$T/q.mov" video/quicktime
refusal 400 "only images can be uploaded" "--files-images-only: video refused"
upload "$T/a.png" image/png
refusal_200 403 'holds 5 of 5 files' "--file-quota 5 --files-full: an image is refused by the quota"
api GET /api/v1/files/quota
is "$(jq_ .data.used_files) $(jq_ .data.max_files)" "5 5" "the quota starts full"
cfg=$(emu_admin GET /_emu/config)
is "$(json_get "$cfg" .files_images_only) $(json_get "$cfg" .file_quota) $(json_get "$cfg" .files_used)" "true 5 5" "GET /_emu/config shows the switches"
refused /_emu/config '{"files_used":-2}' 'files_used must be an integer from -1' "files_used -2 is refused"
refused /_emu/config '{"reference_video_output":"both"}' 'reference_video_output must be one of new, source_first' "an unknown reference_video_output is refused"
emu_finish
done_testing
