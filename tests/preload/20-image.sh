#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Image-to-video with local images through Debian's ffmpeg: the first (and
# last) frames are the images given; SEEDANCE_IMAGE_MODE picks inline.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_preload
emu_start

make_image "$T/first.png" 864 496 "testsrc2=size=864x496"
make_image "$T/last.jpg" 864 496 "mandelbrot=size=864x496"

srun ffmpeg -hide_banner -nostdin -y \
    -i "seedance:?prompt=the scene comes alive&image=$T/first.png&duration=4&quality=480p&aspect_ratio=16:9" \
    -c copy "$T/one.mp4" >"$T/ff.log" 2>&1
rc=$?
is "$rc" 0 "image-to-video with a local image"
[ "$rc" -eq 0 ] || show_log "$T/ff.log"
like "$(cat "$T/ff.log")" "^seedance run: uploading a local image \([0-9]+ bytes\) for seedance:" "the upload is announced"
task=$(emu_last_task)
is "$(json_get "$(emu_task "$task")" .request.model)" seedance-2.0-fast-image-to-video "the image-to-video model is chosen"
like "$(json_get "$(emu_task "$task")" .request.image_urls[0])" "^http://127.0.0.1:$EMU_PORT/" "the local image was uploaded and its URL sent"
is "$(emu_stat uploads)" 1 "one upload"
p=$(psnr_first "$T/one.mp4" "$T/first.png" 864 496)
cmp_float "${p/inf/99}" ">" 30 "first frame matches the image (PSNR $p dB)"

# First and last frame, the images inline (data: URIs) by the environment.
emu_reset
SEEDANCE_IMAGE_MODE=inline srun ffmpeg -hide_banner -nostdin -y \
    -i "seedance:?prompt=a smooth transition&image=$T/first.png&last_image=$T/last.jpg&duration=4&quality=480p&generate_audio=0" \
    -c copy "$T/two.mp4" >"$T/ff2.log" 2>&1
rc=$?
is "$rc" 0 "first and last frame from the URL"
[ "$rc" -eq 0 ] || show_log "$T/ff2.log"
is "$(emu_stat uploads)" 0 "SEEDANCE_IMAGE_MODE=inline uploads nothing"
like "$(json_get "$(emu_task "$(emu_last_task)")" .request.image_urls[0])" "^data:image/png;base64," "the first image travels as a data: URI"
is "$(stream_types "$T/two.mp4")" video "generate_audio=0 gives no audio stream"
p1=$(psnr_first "$T/two.mp4" "$T/first.png" 864 496)
p2=$(psnr_last "$T/two.mp4" "$T/last.jpg" 864 496)
cmp_float "${p1/inf/99}" ">" 30 "first frame matches the first image (PSNR $p1 dB)"
cmp_float "${p2/inf/99}" ">" 30 "last frame matches the last image (PSNR $p2 dB)"

# A bad image is refused before anything is sent.
emu_reset
printf 'not an image' >"$T/bad.png"
log=$(srun ffmpeg -hide_banner -nostdin -y -i "seedance:?prompt=bad&image=$T/bad.png&duration=4" -f null - 2>&1)
isnt "$?" 0 "an unreadable image fails"
like "$log" "\[seedance @ 0x[0-9a-f]+\] .*bad\.png" "the error names the image"
is "$(emu_stat requests)" 0 "nothing was sent"

done_testing
