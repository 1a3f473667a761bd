#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Image-to-video: the first (and last) frames are the images given.
. "$(dirname "$0")/../lib.sh"
need_ffmpeg
emu_start

make_image "$T/first.png" 864 496 "testsrc2=size=864x496"
make_image "$T/last.jpg" 864 496 "mandelbrot=size=864x496"

"$FFMPEG" -hide_banner -nostdin -y -i "seedance:?prompt=the scene comes alive&image=$T/first.png&duration=4&quality=480p&aspect_ratio=16:9" \
    -c copy "$T/one.mp4" >"$T/ff.log" 2>&1
rc=$?
is "$rc" 0 "image-to-video with a local image"
[ "$rc" -eq 0 ] || sed 's/^/#   /' "$T/ff.log" | tail -n 20
task=$(emu_last_task)
is "$(json_get "$(emu_task "$task")" .request.model)" seedance-2.0-fast-image-to-video "the image-to-video model is chosen"
like "$(json_get "$(emu_task "$task")" .request.image_urls[0])" "^http://127.0.0.1:$EMU_PORT/" "the local image was uploaded and its URL sent"
cmp_num "$(emu_stat uploads)" -eq 1 "one upload"
p=$(psnr_first "$T/one.mp4" "$T/first.png" 864 496)
cmp_float "${p/inf/99}" ">" 30 "first frame matches the image (PSNR $p dB)"

"$FFMPEG" -hide_banner -nostdin -y -image "$T/first.png" -last_image "$T/last.jpg" \
    -i "seedance:?prompt=a smooth transition&duration=4&quality=480p" -c copy "$T/two.mp4" >"$T/ff2.log" 2>&1
is "$?" 0 "first and last frame given as options before -i"
p1=$(psnr_first "$T/two.mp4" "$T/first.png" 864 496)
p2=$(psnr_last "$T/two.mp4" "$T/last.jpg" 864 496)
cmp_float "${p1/inf/99}" ">" 30 "first frame matches the first image (PSNR $p1 dB)"
cmp_float "${p2/inf/99}" ">" 30 "last frame matches the last image (PSNR $p2 dB)"

# inline images: a data: URI in the request, no upload
emu_reset
"$FFMPEG" -hide_banner -nostdin -y -i "seedance:?prompt=inline&image=$T/first.png&image_mode=inline&duration=4&quality=480p&generate_audio=0" \
    -c copy "$T/inline.mp4" >"$T/ff3.log" 2>&1
is "$?" 0 "image_mode=inline works"
is "$(emu_stat uploads)" 0 "inline mode uploads nothing"
like "$(json_get "$(emu_task "$(emu_last_task)")" .request.image_urls[0])" "^data:image/png;base64," "the image travels as a data: URI"
is "$(stream_types "$T/inline.mp4")" video "generate_audio=0 gives no audio stream"

# A URL that ends with the image's name is a video all the same (FFmpeg's
# image2 demuxer would claim it by its name), and a bad image there is one
# error naming it, not a missing image sequence.
emu_reset
"$FFMPEG" -hide_banner -nostdin -y -i "seedance:?prompt=named last&duration=4&quality=480p&image=$T/first.png" \
    -c copy "$T/last-key.mp4" >"$T/ff4.log" 2>&1
is "$?" 0 "a URL ending in .png opens as the generated video"
is "$(stream_types "$T/last-key.mp4")" "video audio" "it has the clip's video and audio"
is "$(emu_stat tasks)" 1 "one task for it"
"$FFMPEG" -hide_banner -nostdin -y -i "seedance:?prompt=bad image&duration=4&image=$T/nosuch.png" \
    -f null - >"$T/ff5.log" 2>&1
isnt "$?" 0 "a missing image at the end of the URL fails"
is "$(grep -c "image: cannot read '$T/nosuch.png'" "$T/ff5.log")" 1 "the error names the image, once"
unlike "$(cat "$T/ff5.log")" "Could find no file|sequence" "no word of an image sequence"
is "$(emu_stat tasks)" 1 "nothing was submitted for it"

done_testing
