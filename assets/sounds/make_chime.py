#!/usr/bin/env python3
"""Writes chime.wav, the console's notification sound: two soft sine tones (E5, then A5),
0.3 s in all, 16-bit mono at 22,050 Hz. Each tone fades in over 10 ms and out
exponentially, so there are no clicks; a quiet octave overtone makes it a little warmer.

Run it from anywhere: python3 assets/sounds/make_chime.py (standard library only).
"""

import math
import struct
import wave
from pathlib import Path

RATE = 22_050
TONES = [(659.25, 0.0, 0.16), (880.0, 0.12, 0.18)]  # (Hz, start s, length s)
TOTAL_SECS = 0.30
PEAK = 0.35  # of full scale: a notification, not an alarm


def sample(t: float) -> float:
    value = 0.0
    for freq, start, length in TONES:
        local = t - start
        if 0.0 <= local < length:
            attack = min(1.0, local / 0.010)
            release = math.exp(-4.0 * local / length) * min(1.0, (length - local) / 0.010)
            wave_ = math.sin(2 * math.pi * freq * local) + 0.2 * math.sin(4 * math.pi * freq * local)
            value += attack * release * wave_ / 1.2
    return value


def main() -> None:
    frames = bytearray()
    for n in range(int(RATE * TOTAL_SECS)):
        value = max(-1.0, min(1.0, PEAK * sample(n / RATE)))
        frames += struct.pack("<h", int(value * 32767))
    out = Path(__file__).with_name("chime.wav")
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(bytes(frames))
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
