#!/usr/bin/env python3
"""Writes the PLACEHOLDER of the demo's sign-language video into static/video/:

- dgs-placeholder.webm  8 seconds, 640x360, VP9, no sound: a title card that says it is a
                        placeholder for the real recording in German Sign Language (DGS);
- dgs-placeholder.png   the poster (the first frame);
- dgs-placeholder.vtt   English captions (WebVTT);
- dgs-placeholder.de.vtt German captions (the German page's; `<name>.<code>.vtt` is the
                        naming of captions in another language).

It needs ffmpeg with libvpx-vp9 and drawtext (libfreetype), and the DejaVu fonts:
`pip install imageio-ffmpeg` brings such an ffmpeg binary; an `ffmpeg` on PATH works too.
Run it from the repository root:

    python3 scripts/make-placeholder-video.py

Then update `size` (and `duration`, if changed) in content/pages/sign-language.md.
Replace the four files with the real recording once it exists.
"""

import os
import shutil
import subprocess
import sys

OUT = os.path.join("static", "video")
NAME = "dgs-placeholder"
SECONDS = 8
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
FONT_REGULAR = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

CAPTIONS = """WEBVTT

00:00:00.000 --> 00:00:04.000
[Placeholder: nobody signs in this video yet.]

00:00:04.000 --> 00:00:08.000
The real video in German Sign Language (DGS) will explain what MEDAL is.
"""

CAPTIONS_DE = """WEBVTT

00:00:00.000 --> 00:00:04.000
[Platzhalter: In diesem Video gebärdet noch niemand.]

00:00:04.000 --> 00:00:08.000
Das echte Video in Deutscher Gebärdensprache (DGS) wird erklären, was MEDAL ist.
"""


def ffmpeg():
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except ImportError:
        exe = shutil.which("ffmpeg")
        if exe is None:
            sys.exit("needs ffmpeg: pip install imageio-ffmpeg, or install ffmpeg")
        return exe


def text(t, size, y, font=FONT, color="white"):
    t = t.replace(":", r"\:")
    return (
        f"drawtext=fontfile={font}:text='{t}':fontsize={size}:fontcolor={color}"
        f":x=(w-text_w)/2:y={y}"
    )


def main():
    os.makedirs(OUT, exist_ok=True)
    # A dark card with the words, and a light bar that moves across it so that the video
    # visibly plays.
    card = ",".join(
        [
            "drawbox=x=0:y=0:w=iw:h=ih:color=0x0b4f68:t=fill",
            text("PLACEHOLDER", 44, 70, color="0xffd166"),
            text("Sign-language video (DGS)", 30, 140),
            text("The real recording in German Sign Language", 20, 200, FONT_REGULAR),
            text("will replace this card.", 20, 230, FONT_REGULAR),
            f"drawbox=x='(iw-80)*t/{SECONDS}':y=300:w=80:h=10:color=0xd5e6ee:t=fill",
        ]
    )
    exe = ffmpeg()
    common = ["-hide_banner", "-loglevel", "error", "-y"]
    source = ["-f", "lavfi", "-i", f"color=c=0x0b4f68:s=640x360:r=12:d={SECONDS}"]
    subprocess.run(
        [exe, *common, *source, "-vf", card, "-c:v", "libvpx-vp9", "-b:v", "60k",
         "-row-mt", "0", "-threads", "1", "-an", "-fflags", "+bitexact",
         "-flags:v", "+bitexact", os.path.join(OUT, f"{NAME}.webm")],
        check=True,
    )
    subprocess.run(
        [exe, *common, *source, "-vf", card, "-frames:v", "1", "-pred", "mixed",
         "-compression_level", "9", os.path.join(OUT, f"{NAME}.png")],
        check=True,
    )
    for ext, text in (("vtt", CAPTIONS), ("de.vtt", CAPTIONS_DE)):
        with open(os.path.join(OUT, f"{NAME}.{ext}"), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    for ext in ("webm", "png", "vtt", "de.vtt"):
        path = os.path.join(OUT, f"{NAME}.{ext}")
        print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
