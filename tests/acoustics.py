"""Measurements on speech for the tests: median pitch, spectral centroid, loudness."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def samples_of(data: bytes) -> NDArray[np.float64]:
    """16-bit little-endian mono PCM as floats."""
    return np.frombuffer(data, dtype="<i2").astype(np.float64)


def median_f0(data: bytes, sample_rate: int) -> float:
    """Median fundamental frequency (Hz) of the voiced frames, by autocorrelation."""
    x = samples_of(data)
    frame = int(0.04 * sample_rate)
    low, high = int(sample_rate / 400), int(sample_rate / 60)
    found = []
    for start in range(0, len(x) - frame, frame // 2):
        window = x[start : start + frame]
        if np.sqrt(np.mean(window**2)) < 500:
            continue
        window = window - window.mean()
        corr = np.correlate(window, window, "full")[frame - 1 :]
        lag = low + int(np.argmax(corr[low:high]))
        if corr[lag] > 0.3 * corr[0]:
            found.append(sample_rate / lag)
    return float(np.median(found)) if found else 0.0


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
