#!/usr/bin/env bash
# Makes the two demo videos of the seeded catalog (app/static/media/*.webm): a few
# seconds of speech from espeak-ng over a still slide drawn by ffmpeg, VP9 and Opus.
# Their captions (*.vtt, both languages) and transcripts are written by hand next to them
# and in app/seeds/catalog.py. Needs Debian's ffmpeg, espeak-ng and fonts-dejavu-core.
# Run it again only to change a video: the files are committed.
set -euo pipefail
cd "$(dirname "$0")/../../static/media"
font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

make_video() {  # name voice text line1 line2
    local name=$1 voice=$2 text=$3 line1=$4 line2=$5
    espeak-ng -v "$voice" -s 150 -w "$work/$name.wav" "$text"
    ffmpeg -hide_banner -loglevel error -y \
        -f lavfi -i "color=c=0x1d3557:s=640x360:r=12" -i "$work/$name.wav" \
        -vf "drawtext=fontfile=$font:text='$line1':fontcolor=white:fontsize=34:x=(w-text_w)/2:y=130,drawtext=fontfile=$font:text='$line2':fontcolor=0xf1faee:fontsize=26:x=(w-text_w)/2:y=200" \
        -shortest -c:v libvpx-vp9 -b:v 120k -c:a libopus -b:a 32k -ac 1 "$name.webm"
}

make_video how-a-page-reaches-you fr \
    "Quand vous ouvrez une page, votre navigateur la demande à un serveur. Le serveur répond avec du HTML, que le navigateur affiche." \
    "Navigateur  →  Serveur" "←  HTML"
make_video what-a-variable-is en-us \
    "A variable gives a name to a value. Change the value, and everything that uses the name follows." \
    "let price = 20" "price  →  20"
