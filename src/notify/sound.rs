//! The notification chime (`assets/sounds/chime.wav`, made by `make_chime.py` beside it),
//! embedded in the binary. The desktop's notification server plays it from a file, so it
//! is written once into the cache directory (`~/.cache/switchboard/` on Linux); playing
//! it needs no audio library in the console.

use std::path::PathBuf;
use std::sync::OnceLock;

/// The chime: two soft sine tones, 0.3 s, 16-bit mono, 22,050 Hz.
pub const CHIME_WAV: &[u8] = include_bytes!("../../assets/sounds/chime.wav");

/// Where the Debian package installs the chime (`cargo xtask deb`).
const INSTALLED_CHIME: &str = "/usr/share/switchboard/chime.wav";

/// Where the chime is on disk: the installed copy when it is this build's chime, else one
/// written to the cache directory on first use; `None` if it cannot be written (the
/// notification then comes without it). Does disk IO: call it off the UI thread.
pub fn chime_path() -> Option<PathBuf> {
    static PATH: OnceLock<Option<PathBuf>> = OnceLock::new();
    PATH.get_or_init(|| {
        if std::fs::read(INSTALLED_CHIME).is_ok_and(|bytes| bytes == CHIME_WAV) {
            return Some(PathBuf::from(INSTALLED_CHIME));
        }
        let dirs = directories::ProjectDirs::from("dev", "switchboard", "switchboard")?;
        let path = dirs.cache_dir().join("chime.wav");
        let current = std::fs::read(&path).is_ok_and(|bytes| bytes == CHIME_WAV);
        if !current {
            let written = std::fs::create_dir_all(dirs.cache_dir())
                .and_then(|()| std::fs::write(&path, CHIME_WAV));
            if let Err(error) = written {
                tracing::debug!(path = %path.display(), %error, "could not write the notification sound");
                return None;
            }
        }
        Some(path)
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped chime is a short 16-bit mono PCM WAV at 22,050 Hz.
    #[test]
    fn chime_is_a_short_pcm_wav() {
        assert_eq!(&CHIME_WAV[0..4], b"RIFF");
        assert_eq!(&CHIME_WAV[8..12], b"WAVE");
        let channels = u16::from_le_bytes([CHIME_WAV[22], CHIME_WAV[23]]);
        let rate = u32::from_le_bytes([CHIME_WAV[24], CHIME_WAV[25], CHIME_WAV[26], CHIME_WAV[27]]);
        let bits = u16::from_le_bytes([CHIME_WAV[34], CHIME_WAV[35]]);
        assert_eq!((channels, rate, bits), (1, 22_050, 16));
        let secs = (CHIME_WAV.len() - 44) as f64 / f64::from(rate * 2);
        assert!((0.2..0.5).contains(&secs), "{secs} s");
    }
}
