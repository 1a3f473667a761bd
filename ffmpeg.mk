# FFmpeg build (written properly by the configure work); placeholder targets.
.PHONY: ffmpeg
