//! Builds one .deb: copies a package's files into a staged tree under target/debian/<name>/,
//! writes its DEBIAN/ directory (control, conffiles, md5sums, maintainer scripts) and runs
//! `dpkg-deb --root-owner-group --build`. No cargo-deb: CI would spend minutes compiling it,
//! and dpkg-deb is on every Debian machine.

use super::control::{self, Control};
use super::layout::{PackageSpec, Source};
use anyhow::{Context, bail};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What every package of one build shares.
pub struct Build<'a> {
    pub root: &'a Path,
    /// Where cargo put the binaries (target/debug, target/release, ...).
    pub binaries: &'a Path,
    /// target/debian: the staged trees and the packages.
    pub out: &'a Path,
    pub version: &'a str,
    pub arch: &'a str,
    /// dpkg-deb's compressor: `xz` (Debian's default, smallest) for packages to ship, `gzip`
    /// for the test run's check, where xz on two cores costs about a minute.
    pub compression: &'a str,
}

/// Stages and builds `spec`; returns the package's path.
pub fn build_package(build: &Build, spec: &PackageSpec) -> anyhow::Result<PathBuf> {
    let stage = build.out.join(spec.name);
    if stage.exists() {
        fs::remove_dir_all(&stage).with_context(|| format!("removing {}", stage.display()))?;
    }
    for entry in &spec.entries {
        let dest = stage.join(entry.path.trim_start_matches('/'));
        let parent = dest.parent().unwrap_or(&stage);
        create_dirs(&stage, parent)?;
        match &entry.source {
            Source::Directory => create_dirs(&stage, &dest)?,
            Source::Binary(name) => copy_binary(&build.binaries.join(name), &dest)?,
            Source::Workspace(source) => {
                let source = build.root.join(source);
                fs::copy(&source, &dest).with_context(|| {
                    format!("copying {} to {}", source.display(), dest.display())
                })?;
            }
        }
        fs::set_permissions(&dest, fs::Permissions::from_mode(entry.mode))
            .with_context(|| format!("setting the mode of {}", dest.display()))?;
    }

    write_changelog(build, &stage, spec.name)?;

    let mut installed_files = Vec::new();
    list_files(&stage, &mut installed_files)?;
    let sizes = installed_files
        .iter()
        .map(|path| fs::metadata(path).map(|m| m.len()))
        .collect::<Result<Vec<u64>, _>>()
        .context("reading the staged files' sizes")?;

    let binary = build.binaries.join(spec.binary);
    let mut depends = control::binary_depends(&readelf(&binary)?)?;
    depends.extend(spec.depends.iter().map(|d| d.to_string()));
    let control = Control {
        package: spec.name.to_owned(),
        version: build.version.to_owned(),
        arch: build.arch.to_owned(),
        section: spec.section,
        depends,
        recommends: spec.recommends.iter().map(|d| d.to_string()).collect(),
        suggests: spec.suggests.iter().map(|d| d.to_string()).collect(),
        installed_size_kib: control::installed_size_kib(sizes),
        summary: spec.summary,
        description: spec.description,
    };

    let debian = stage.join("DEBIAN");
    create_dirs(&stage, &debian)?;
    write(&debian.join("control"), &control.text(), 0o644)?;
    if !spec.conffiles.is_empty() {
        let list: String = spec.conffiles.iter().map(|c| format!("{c}\n")).collect();
        write(&debian.join("conffiles"), &list, 0o644)?;
    }
    write(
        &debian.join("md5sums"),
        &md5sums(&stage, &installed_files, &spec.conffiles)?,
        0o644,
    )?;
    for (name, source) in &spec.scripts {
        let dest = debian.join(name);
        fs::copy(build.root.join(source), &dest)
            .with_context(|| format!("copying {}", source.display()))?;
        fs::set_permissions(&dest, fs::Permissions::from_mode(0o755))?;
    }

    let package = build.out.join(format!(
        "{}_{}_{}.deb",
        spec.name, build.version, build.arch
    ));
    run(Command::new("dpkg-deb")
        .arg(format!("-Z{}", build.compression))
        .arg("--root-owner-group")
        .arg("--build")
        .arg(&stage)
        .arg(&package))?;
    Ok(package)
}

/// /usr/share/doc/<package>/changelog.gz, which every Debian package has: one entry for this
/// build, dated by the last commit (so two builds of one commit are the same).
fn write_changelog(build: &Build, stage: &Path, name: &str) -> anyhow::Result<()> {
    let date = Command::new("git")
        .args(["log", "-1", "--format=%aD"])
        .current_dir(build.root)
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .filter(|date| !date.is_empty())
        .unwrap_or_else(|| "Thu, 01 Jan 1970 00:00:00 +0000".to_owned());
    let doc = stage.join(format!("usr/share/doc/{name}"));
    create_dirs(stage, &doc)?;
    let plain = doc.join("changelog");
    write(
        &plain,
        &control::changelog(name, build.version, &date),
        0o644,
    )?;
    // -n: no name or time stamp in the archive; -f: replace a leftover.
    run(Command::new("gzip").args(["-9nf"]).arg(&plain))?;
    Ok(())
}

/// Creates `dir` and its parents below `stage` as 0755, whatever the umask.
fn create_dirs(stage: &Path, dir: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut current = dir;
    while current != stage && current.starts_with(stage) {
        fs::set_permissions(current, fs::Permissions::from_mode(0o755))?;
        current = current.parent().unwrap_or(stage);
    }
    Ok(())
}

/// Copies a binary stripped as Debian policy wants (`--strip-unneeded`, no .comment or
/// .note: dh_strip's options): the line tables and symbols would triple its size. A panic
/// still names its file and line (that is data, not debug information).
/// Without `strip` the binary is copied as it is.
fn copy_binary(source: &Path, dest: &Path) -> anyhow::Result<()> {
    if !source.is_file() {
        bail!("{} is not built", source.display());
    }
    let stripped = Command::new("strip")
        .args([
            "--strip-unneeded",
            "--remove-section=.comment",
            "--remove-section=.note",
        ])
        .arg("-o")
        .arg(dest)
        .arg(source)
        .status();
    match stripped {
        Ok(status) if status.success() => Ok(()),
        _ => {
            eprintln!(
                "note: `strip` failed or is missing (package binutils); {} is not stripped",
                dest.display()
            );
            fs::copy(source, dest).with_context(|| format!("copying {}", source.display()))?;
            Ok(())
        }
    }
}

/// `readelf --dynamic --version-info` of a binary, for its `Depends`.
fn readelf(binary: &Path) -> anyhow::Result<String> {
    let output = Command::new("readelf")
        .args(["--wide", "--dynamic", "--version-info"])
        .arg(binary)
        .output()
        .context("running readelf (package binutils: apt-get install binutils)")?;
    if !output.status.success() {
        bail!(
            "readelf {} failed: {}",
            binary.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// DEBIAN/md5sums: every installed file but the conffiles (dpkg keeps theirs itself).
fn md5sums(stage: &Path, files: &[PathBuf], conffiles: &[&str]) -> anyhow::Result<String> {
    let relative: Vec<&Path> = files
        .iter()
        .filter_map(|f| f.strip_prefix(stage).ok())
        .filter(|f| !conffiles.contains(&format!("/{}", f.display()).as_str()))
        .collect();
    let output = Command::new("md5sum")
        .args(&relative)
        .current_dir(stage)
        .output()
        .context("running md5sum")?;
    if !output.status.success() {
        bail!("md5sum failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Every regular file below `dir`, except DEBIAN/.
fn list_files(dir: &Path, files: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            if path.file_name() != Some("DEBIAN".as_ref()) {
                list_files(&path, files)?;
            }
        } else {
            files.push(path);
        }
    }
    files.sort();
    Ok(())
}

fn write(path: &Path, text: &str, mode: u32) -> anyhow::Result<()> {
    fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
    Ok(())
}

/// Runs a command, failing with its name when it cannot start or exits non-zero.
pub fn run(command: &mut Command) -> anyhow::Result<()> {
    let program = command.get_program().to_string_lossy().into_owned();
    let status = command
        .status()
        .with_context(|| format!("running {program}"))?;
    if !status.success() {
        bail!("{program} failed ({status})");
    }
    Ok(())
}
