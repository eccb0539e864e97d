"""Measurements on speech for the tests: median pitch, spectral centroid, loudness."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def samples_of(data: bytes) -> NDArray[np.float64]:
    """16-bit little-endian mono PCM as floats."""
    return np.frombuffer(data, dtype="<i2").astype(np.float64)


def f0_track(data: bytes, sample_rate: int) -> list[float | None]:
    """Fundamental frequency (Hz) of each 40 ms frame (20 ms apart) by autocorrelation;
    None where the frame is quiet or unvoiced."""
    x = samples_of(data)
    frame = int(0.04 * sample_rate)
    low, high = int(sample_rate / 400), int(sample_rate / 60)
    track: list[float | None] = []
    for start in range(0, len(x) - frame, frame // 2):
        window = x[start : start + frame]
        if np.sqrt(np.mean(window**2)) < 500:
            track.append(None)
            continue
        window = window - window.mean()
        corr = np.correlate(window, window, "full")[frame - 1 :]
        lag = low + int(np.argmax(corr[low:high]))
        track.append(sample_rate / lag if corr[lag] > 0.3 * corr[0] else None)
    return track


def median_f0(data: bytes, sample_rate: int) -> float:
    """Median fundamental frequency (Hz) of the voiced frames."""
    found = [f0 for f0 in f0_track(data, sample_rate) if f0 is not None]
    return float(np.median(found)) if found else 0.0


def median_f0_ratio(shifted: bytes, original: bytes, sample_rate: int) -> float:
    """How much higher `shifted` is than `original` (the same speech, as long): the median
    of frame-by-frame pitch ratios, so an octave slip in a few frames of either does not
    move it, as it can move the ratio of two medians."""
    pairs = zip(f0_track(shifted, sample_rate), f0_track(original, sample_rate), strict=False)
    ratios = [a / b for a, b in pairs if a is not None and b is not None]
    return float(np.median(ratios)) if ratios else 0.0


def spectral_centroid(data: bytes, sample_rate: int) -> float:
    """Amplitude-weighted mean frequency (Hz) of the whole clip."""
    x = samples_of(data)
    spectrum = np.abs(np.fft.rfft(x))
    freqs = np.fft.rfftfreq(len(x), 1 / sample_rate)
    return float((spectrum * freqs).sum() / spectrum.sum())


def rms(data: bytes) -> float:
    """Root mean square amplitude."""
    x = samples_of(data)
    return float(np.sqrt(np.mean(x**2))) if len(x) else 0.0
