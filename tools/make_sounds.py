"""Writes the short order sounds into resources/ (run once; the files are committed).

Plain sine tones with a short fade, 22.05 kHz mono 16-bit WAV: each well under 20 KB, and
``winsound`` plays WAV files directly.
"""

import math
import struct
import wave
from pathlib import Path

RATE = 22050
FADE_S = 0.01
# (frequency Hz, seconds) per note; 0 Hz is a pause.
SOUNDS = {
    "sent": [(880, 0.07)],
    "filled": [(660, 0.08), (0, 0.02), (990, 0.12)],
    "rejected": [(220, 0.28)],
    "unknown": [(740, 0.08), (0, 0.05), (520, 0.08), (0, 0.05), (740, 0.08)],
}


def note(frequency: float, seconds: float) -> list[int]:
    count = int(RATE * seconds)
    fade = int(RATE * FADE_S)
    samples = []
    for i in range(count):
        envelope = min(1.0, i / fade, (count - i) / fade)
        value = math.sin(2 * math.pi * frequency * i / RATE) if frequency else 0.0
        samples.append(int(0.45 * 32767 * envelope * value))
    return samples


def main() -> None:
    folder = Path(__file__).resolve().parents[1] / "resources"
    for name, notes in SOUNDS.items():
        samples = [s for frequency, seconds in notes for s in note(frequency, seconds)]
        with wave.open(str(folder / f"sound-{name}.wav"), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(struct.pack(f"<{len(samples)}h", *samples))


if __name__ == "__main__":
    main()
