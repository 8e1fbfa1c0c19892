//! The text of a package's `DEBIAN/control` and the values in it: the Debian version and
//! architecture, `Installed-Size`, and `Depends` worked out from what the binary links
//! against (`readelf`'s output), so a newer glibc symbol raises the requirement by itself.
//! Pure: the caller runs `readelf` and sums the sizes.

use std::collections::BTreeSet;

/// Who answers for the packages (the repository's commit author).
pub const MAINTAINER: &str =
    "Switchboard maintainers <maintainers@users.noreply.h-seed-0fa52865.example>";

/// Why a control value could not be worked out.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ControlError {
    #[error(
        "no Debian architecture is known for the Rust architecture `{0}`; add it to deb::control::debian_arch"
    )]
    UnknownArch(String),
    #[error(
        "the binary links against `{0}`, which no Debian package is known for; add it to deb::control::package_of"
    )]
    UnknownLibrary(String),
    #[error("`{0}` is not a version dpkg accepts")]
    BadVersion(String),
}

/// What goes into one control file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Control {
    pub package: String,
    pub version: String,
    pub arch: String,
    pub section: &'static str,
    pub depends: Vec<String>,
    pub recommends: Vec<String>,
    pub suggests: Vec<String>,
    pub installed_size_kib: u64,
    /// The first line, then the long description (each line is indented on output).
    pub summary: &'static str,
    pub description: &'static str,
}

impl Control {
    /// The control file, in the field order `dpkg-gencontrol` writes.
    pub fn text(&self) -> String {
        let mut text = format!(
            "Package: {}\nVersion: {}\nArchitecture: {}\nMaintainer: {MAINTAINER}\nInstalled-Size: {}\n",
            self.package, self.version, self.arch, self.installed_size_kib
        );
        for (field, list) in [
            ("Depends", &self.depends),
            ("Recommends", &self.recommends),
            ("Suggests", &self.suggests),
        ] {
            if !list.is_empty() {
                text.push_str(&format!("{field}: {}\n", list.join(", ")));
            }
        }
        text.push_str(&format!(
            "Section: {}\nPriority: optional\nDescription: {}\n",
            self.section, self.summary
        ));
        for line in self.description.lines() {
            // A blank line inside the long description is written " ." (Debian policy 5.6.13).
            let line = line.trim_end();
            if line.is_empty() {
                text.push_str(" .\n");
            } else {
                text.push_str(&format!(" {line}\n"));
            }
        }
        text
    }
}

/// The changelog of a package built from the repository (not uploaded anywhere, so one entry
/// says so; the repository's history is the real changelog). `date` is RFC 2822.
pub fn changelog(package: &str, version: &str, date: &str) -> String {
    format!(
        "{package} ({version}) unstable; urgency=medium\n\n  \
         * Built from the repository with `cargo xtask deb`; its git history lists\n    \
         the changes.\n\n -- {MAINTAINER}  {date}\n"
    )
}

/// A Cargo version as a Debian one: a pre-release sorts before its release in Cargo, and
/// `~` does that in dpkg (`1.0.0-rc.1` becomes `1.0.0~rc.1`); build metadata is dropped.
pub fn debian_version(cargo_version: &str) -> Result<String, ControlError> {
    let without_build = cargo_version.split('+').next().unwrap_or_default();
    let version = without_build.replacen('-', "~", 1);
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '~');
    if !version.starts_with(|c: char| c.is_ascii_digit()) || !version.chars().all(allowed) {
        return Err(ControlError::BadVersion(cargo_version.to_owned()));
    }
    Ok(version)
}

/// The Debian architecture name of a Rust target architecture (`std::env::consts::ARCH`):
/// the packages are built on the machine they are for.
pub fn debian_arch(rust_arch: &str) -> Result<&'static str, ControlError> {
    Ok(match rust_arch {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "i386",
        "arm" => "armhf",
        "riscv64" => "riscv64",
        "powerpc64" => "ppc64el",
        "s390x" => "s390x",
        "loongarch64" => "loong64",
        other => return Err(ControlError::UnknownArch(other.to_owned())),
    })
}

/// The Debian package that provides a shared library the binary names (`NEEDED`).
fn package_of(soname: &str) -> Result<&'static str, ControlError> {
    const GLIBC: &[&str] = &[
        "libc.so.6",
        "libm.so.6",
        "libpthread.so.0",
        "libdl.so.2",
        "librt.so.1",
        "libutil.so.1",
    ];
    if GLIBC.contains(&soname) || soname.starts_with("ld-linux") {
        Ok("libc6")
    } else if soname == "libgcc_s.so.1" {
        Ok("libgcc-s1")
    } else {
        Err(ControlError::UnknownLibrary(soname.to_owned()))
    }
}

/// `Depends` for a binary, from `readelf --dynamic --version-info` output: one package per
/// library it links against, and libc6 at least the newest `GLIBC_x.y` symbol version it uses.
pub fn binary_depends(readelf: &str) -> Result<Vec<String>, ControlError> {
    let mut packages = BTreeSet::new();
    for line in readelf.lines() {
        if let Some((_, rest)) = line.split_once("Shared library: [") {
            let soname = rest.trim_end().trim_end_matches(']');
            packages.insert(package_of(soname)?);
        }
    }
    let newest_glibc = readelf
        .split_whitespace()
        .filter_map(|word| word.strip_prefix("GLIBC_"))
        .filter_map(parse_dotted)
        .max();
    Ok(packages
        .into_iter()
        .map(|package| match (package, &newest_glibc) {
            ("libc6", Some(version)) => format!("libc6 (>= {})", dotted(version)),
            _ => package.to_owned(),
        })
        .collect())
}

/// `2.34` as `[2, 34]`, so versions compare by number; `None` for `PRIVATE` and the like.
fn parse_dotted(text: &str) -> Option<Vec<u32>> {
    text.split('.').map(|part| part.parse().ok()).collect()
}

fn dotted(parts: &[u32]) -> String {
    parts
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// `Installed-Size` in KiB, as dpkg counts it: each file rounded up to a whole KiB.
pub fn installed_size_kib(file_sizes: impl IntoIterator<Item = u64>) -> u64 {
    file_sizes.into_iter().map(|size| size.div_ceil(1024)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Trimmed `readelf --dynamic --version-info` output of a Rust binary.
    const READELF: &str = "\
Dynamic section at offset 0x4f3e0b8 contains 30 entries:
  Tag        Type                         Name/Value
 0x0000000000000001 (NEEDED)             Shared library: [libgcc_s.so.1]
 0x0000000000000001 (NEEDED)             Shared library: [libm.so.6]
 0x0000000000000001 (NEEDED)             Shared library: [libc.so.6]
 0x0000000000000001 (NEEDED)             Shared library: [ld-linux-x86-64.so.2]
Version needs section '.gnu.version_r' contains 4 entries:
  000000: Version: 1  File: libgcc_s.so.1  Cnt: 3
  0x0040:   Name: GCC_4.2.0  Flags: none  Version: 5
  0x0070:   Name: GLIBC_2.29  Flags: none  Version: 7
  0x0080:   Name: GLIBC_2.2.5  Flags: none  Version: 3
  0x01b0:   Name: GLIBC_2.34  Flags: none  Version: 2
  0x01c0:   Name: GLIBC_2.9  Flags: none  Version: 2
  0x01d0:   Name: GLIBC_PRIVATE  Flags: none  Version: 2
";

    #[test]
    fn depends_name_each_library_once_and_the_newest_glibc() {
        assert_eq!(
            binary_depends(READELF),
            Ok(vec!["libc6 (>= 2.34)".to_owned(), "libgcc-s1".to_owned()])
        );
    }

    /// A library no mapping knows stops the build instead of shipping a package that
    /// installs but cannot start.
    #[test]
    fn an_unknown_library_is_refused() {
        let readelf = " 0x1 (NEEDED)             Shared library: [libssl.so.3]\n";
        assert_eq!(
            binary_depends(readelf),
            Err(ControlError::UnknownLibrary("libssl.so.3".into()))
        );
    }

    #[test]
    fn versions_and_architectures() {
        assert_eq!(debian_version("0.1.0"), Ok("0.1.0".into()));
        assert_eq!(debian_version("1.2.0-rc.1"), Ok("1.2.0~rc.1".into()));
        assert_eq!(debian_version("1.2.0+build.5"), Ok("1.2.0".into()));
        assert!(debian_version("v1_0").is_err());
        assert_eq!(debian_arch("x86_64"), Ok("amd64"));
        assert_eq!(debian_arch("aarch64"), Ok("arm64"));
        assert!(debian_arch("mips").is_err());
    }

    /// dpkg-parsechangelog's format: the trailer has two spaces before the date.
    #[test]
    fn changelog_entry_has_the_debian_layout() {
        let text = changelog("switchboard", "0.1.0", "Tue, 1 Dec 2026 17:42:25 +0000");
        assert!(text.starts_with("switchboard (0.1.0) unstable; urgency=medium\n\n  * Built"));
        assert!(text.ends_with(&format!(
            "\n\n -- {MAINTAINER}  Tue, 1 Dec 2026 17:42:25 +0000\n"
        )));
    }

    #[test]
    fn installed_size_rounds_each_file_up() {
        assert_eq!(installed_size_kib([1, 1024, 1025, 0]), 1 + 1 + 2);
    }

    #[test]
    fn control_text_has_the_fields_dpkg_needs() {
        let control = Control {
            package: "switchboard-server".into(),
            version: "0.1.0".into(),
            arch: "amd64".into(),
            section: "net",
            depends: vec!["libc6 (>= 2.34)".into(), "adduser".into()],
            recommends: vec![],
            suggests: vec!["switchboard".into()],
            installed_size_kib: 4242,
            summary: "Switchboard routing server",
            description: "Queues and sessions.\n\nRuns as a service.",
        };
        assert_eq!(
            control.text(),
            format!(
                "Package: switchboard-server\nVersion: 0.1.0\nArchitecture: amd64\n\
                 Maintainer: {MAINTAINER}\nInstalled-Size: 4242\n\
                 Depends: libc6 (>= 2.34), adduser\nSuggests: switchboard\n\
                 Section: net\nPriority: optional\n\
                 Description: Switchboard routing server\n Queues and sessions.\n .\n Runs as a service.\n"
            )
        );
    }
}
