//! The packages' install check (root only): `dpkg -i` both, check what the maintainer scripts
//! made (the system user, owners and modes, the first account), run the INSTALLED server as
//! its user with the INSTALLED configuration (CI containers have no systemd, so directly),
//! check /healthz and a login, validate the desktop entry and the unit, then purge both and
//! remove the user, so the machine is left as it was found.

use super::http;
use super::layout::{FIRST_PASSWORD_FILE, SERVER_CONFIG, SERVER_UNIT, SERVICE_USER, STATE_DIR};
use super::stage::run;
use anyhow::{Context, bail, ensure};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long the installed server may take to print its address (a dev build hashes slowly).
const START_DEADLINE: Duration = Duration::from_secs(60);
/// How long it may take to stop after SIGTERM.
const STOP_DEADLINE: Duration = Duration::from_secs(30);
const DESKTOP_ENTRY: &str = "/usr/share/applications/switchboard.desktop";

/// Installs `packages` with `dpkg -i` (root only), runs the installed server with the
/// installed configuration, and checks `/healthz`, a login and the desktop entry; then purges
/// the packages (and the user the postinst made) whatever the outcome.
pub fn install_check(_root: &Path, packages: &[PathBuf]) -> anyhow::Result<()> {
    ensure!(
        output(Command::new("id").arg("-u"))?.trim() == "0",
        "the install check installs packages: run it as root (e.g. sudo -E cargo xtask deb --install-check)"
    );
    let names = packages
        .iter()
        .map(|p| package_name(p))
        .collect::<anyhow::Result<Vec<String>>>()?;
    for name in &names {
        // Purging a real installation would delete its configuration and database.
        ensure!(
            !is_installed(name),
            "{name} is already installed on this machine; the check purges what it installs, so it runs only where {name} is not installed"
        );
    }
    let user_existed = succeeds(Command::new("getent").args(["passwd", SERVICE_USER]));
    let before = installed_packages()?;

    let checked = install_and_check(packages, &names);
    let cleaned = purge(&names, user_existed);
    let pulled_in: Vec<String> = installed_packages()?.difference(&before).cloned().collect();
    if !pulled_in.is_empty() {
        println!(
            "install check: apt-get installed these dependencies, left installed: {}",
            pulled_in.join(" ")
        );
    }
    checked?;
    cleaned?;
    println!("install check: passed; both packages purged again");
    Ok(())
}

fn install_and_check(packages: &[PathBuf], names: &[String]) -> anyhow::Result<()> {
    let mut install = Command::new("dpkg");
    install.arg("-i").args(packages);
    if run(&mut install).is_err() {
        println!("install check: dpkg -i left dependencies missing; apt-get -f install");
        run(Command::new("apt-get")
            .args(["-f", "install", "-y", "--no-install-recommends"])
            .env("DEBIAN_FRONTEND", "noninteractive"))?;
    }
    for name in names {
        ensure!(is_installed(name), "{name} is not installed after dpkg -i");
    }
    check_what_postinst_made()?;
    let (username, password) = first_account()?;
    check_installed_server(&username, &password)?;
    check_console_and_desktop_entry()?;
    check_unit()
}

/// The user, the state directory's owner, the configuration's and the password's modes.
fn check_what_postinst_made() -> anyhow::Result<()> {
    let uid: u32 = output(Command::new("id").args(["-u", SERVICE_USER]))?
        .trim()
        .parse()
        .context("the service user's uid")?;
    let gid: u32 = output(Command::new("id").args(["-g", SERVICE_USER]))?
        .trim()
        .parse()
        .context("the service user's gid")?;
    let expect = |path: &str, owner: (u32, u32), mode: u32| -> anyhow::Result<()> {
        let meta = std::fs::metadata(path).with_context(|| format!("{path} is missing"))?;
        let found = (meta.uid(), meta.gid(), meta.permissions().mode() & 0o7777);
        ensure!(
            found == (owner.0, owner.1, mode),
            "{path}: owner {}:{} mode {:o}, expected {}:{} mode {mode:o}",
            found.0,
            found.1,
            found.2,
            owner.0,
            owner.1
        );
        Ok(())
    };
    expect(STATE_DIR, (uid, gid), 0o750)?;
    expect(SERVER_CONFIG, (0, gid), 0o640)?;
    expect(FIRST_PASSWORD_FILE, (0, 0), 0o600)?;
    let config = std::fs::read_to_string(SERVER_CONFIG)?;
    ensure!(
        config.contains("password_hash = \"$argon2id$"),
        "the postinst did not put the first password's hash into {SERVER_CONFIG}"
    );
    ensure!(
        Path::new("/usr/share/doc/switchboard-server/examples/demo.toml").is_file(),
        "the demo configuration is not installed as an example"
    );
    println!(
        "install check: user {SERVICE_USER} ({uid}), {STATE_DIR}, {SERVER_CONFIG} and {FIRST_PASSWORD_FILE} as expected"
    );
    Ok(())
}

/// The `username = ` and `password = ` lines of the file the postinst wrote.
fn first_account() -> anyhow::Result<(String, String)> {
    let text = std::fs::read_to_string(FIRST_PASSWORD_FILE)
        .with_context(|| format!("reading {FIRST_PASSWORD_FILE}"))?;
    let value = |key: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(key))
            .map(|v| v.trim().to_owned())
            .with_context(|| format!("no `{key}` line in {FIRST_PASSWORD_FILE}"))
    };
    Ok((value("username = ")?, value("password = ")?))
}

/// The installed server, started as the service user as the unit would (same configuration
/// and database, no new privileges, no capabilities; the unit's other sandboxing needs
/// systemd), answering /healthz and a login.
fn check_installed_server(username: &str, password: &str) -> anyhow::Result<()> {
    let db = format!("{STATE_DIR}/switchboard.db");
    // setpriv execs the server (runuser would stay as its parent and not pass SIGKILL on).
    let child = Command::new("setpriv")
        .args([
            "--reuid",
            SERVICE_USER,
            "--regid",
            SERVICE_USER,
            "--init-groups",
            "--no-new-privs",
            "--bounding-set=-all",
            "--inh-caps=-all",
            "--",
        ])
        .args([
            "/usr/bin/switchboard-server",
            "--config",
            SERVER_CONFIG,
            "--db",
            &db,
        ])
        .args(["--listen", "127.0.0.1:0"])
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .env("HOME", STATE_DIR)
        .stdout(Stdio::piped())
        .spawn()
        .context("starting the installed switchboard-server with setpriv (util-linux)")?;
    let mut server = RunningServer(Some(child));
    let addr = server.address()?;
    println!("install check: the installed server listens on {addr}");

    let health = http::get(addr, "/healthz")?;
    ensure!(
        health.status == 200 && health.body.trim() == "ok",
        "GET /healthz answered {} {:?}",
        health.status,
        health.body
    );
    let login = |password: &str| {
        http::post_json(
            addr,
            "/api/login",
            &format!(
                "{{\"username\":\"{}\",\"password\":\"{}\"}}",
                json_escape(username),
                json_escape(password)
            ),
        )
    };
    let accepted = login(password)?;
    ensure!(
        accepted.status == 200 && accepted.body.contains("\"token\""),
        "POST /api/login as {username} answered {} {:?}",
        accepted.status,
        accepted.body
    );
    let refused = login("not-the-password")?;
    ensure!(
        refused.status == 401,
        "a wrong password answered {} (expected 401)",
        refused.status
    );
    println!(
        "install check: GET /healthz ok; POST /api/login as {username}: 200 with a token; a wrong password: 401"
    );
    server.stop()
}

/// The installed console starts (its libraries resolve) and its desktop entry validates.
fn check_console_and_desktop_entry() -> anyhow::Result<()> {
    let version = output(Command::new("/usr/bin/switchboard").arg("--version"))?;
    println!(
        "install check: /usr/bin/switchboard --version: {}",
        version.trim()
    );
    let validate = Command::new("desktop-file-validate")
        .arg(DESKTOP_ENTRY)
        .output()
        .context("running desktop-file-validate (apt-get install desktop-file-utils)")?;
    let said = String::from_utf8_lossy(&validate.stdout);
    ensure!(
        validate.status.success() && said.trim().is_empty(),
        "desktop-file-validate {DESKTOP_ENTRY}: {said}"
    );
    println!("install check: desktop-file-validate {DESKTOP_ENTRY}: clean");
    Ok(())
}

/// `systemd-analyze verify` on the installed unit, where systemd's tools are installed.
fn check_unit() -> anyhow::Result<()> {
    if !succeeds(Command::new("systemd-analyze").arg("--version")) {
        println!("install check: systemd-analyze is not installed; the unit is not verified");
        return Ok(());
    }
    let verify = Command::new("systemd-analyze")
        .args(["verify", SERVER_UNIT])
        .output()
        .context("running systemd-analyze verify")?;
    let said = String::from_utf8_lossy(&verify.stderr).into_owned()
        + &String::from_utf8_lossy(&verify.stdout);
    // A misspelt or unparsable setting is only a warning to systemd (exit 0, the line
    // ignored), and an ignored hardening line is a hole: any output fails the check.
    ensure!(
        verify.status.success() && said.trim().is_empty(),
        "systemd-analyze verify {SERVER_UNIT}: {said}"
    );
    println!("install check: systemd-analyze verify {SERVER_UNIT}: clean");
    Ok(())
}

/// `dpkg --purge` both, and the service user if the check's install made it.
fn purge(names: &[String], user_existed: bool) -> anyhow::Result<()> {
    run(Command::new("dpkg").arg("--purge").args(names))?;
    if !user_existed && succeeds(Command::new("getent").args(["passwd", SERVICE_USER])) {
        run(Command::new("userdel").arg(SERVICE_USER))?;
    }
    if !user_existed && succeeds(Command::new("getent").args(["group", SERVICE_USER])) {
        run(Command::new("groupdel").arg(SERVICE_USER))?;
    }
    for left in [STATE_DIR, "/etc/switchboard", SERVER_UNIT, DESKTOP_ENTRY] {
        ensure!(
            !Path::new(left).exists(),
            "{left} is still there after the purge"
        );
    }
    Ok(())
}

/// The server process; killed if the check fails before it stops it.
struct RunningServer(Option<Child>);

impl RunningServer {
    /// The address from the server's `listening on http://ADDR` line, within the deadline.
    fn address(&mut self) -> anyhow::Result<SocketAddr> {
        let stdout = self
            .0
            .as_mut()
            .and_then(|child| child.stdout.take())
            .context("the server's stdout")?;
        let (found, wait) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                // `listening on http://ADDR`, or https:// with the server's own TLS.
                let addr = line.strip_prefix("listening on ");
                if let Some((_, addr)) = addr.and_then(|rest| rest.split_once("://")) {
                    let _ = found.send(addr.trim().to_owned());
                }
            }
        });
        let addr = wait.recv_timeout(START_DEADLINE).map_err(|_| {
            anyhow::anyhow!(
                "the installed server printed no address within {START_DEADLINE:?} (its log is above)"
            )
        })?;
        addr.parse()
            .with_context(|| format!("the server's address {addr:?}"))
    }

    /// SIGTERM, then its exit within the deadline; it must exit cleanly.
    fn stop(mut self) -> anyhow::Result<()> {
        let mut child = self.0.take().context("the server was stopped already")?;
        let pid = child.id();
        if let Err(error) = run(Command::new("kill").args(["-TERM", &pid.to_string()])) {
            let _ = child.kill();
            return Err(error);
        }
        let (exited, wait) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = exited.send(child.wait());
        });
        match wait.recv_timeout(STOP_DEADLINE) {
            Ok(Ok(status)) if status.success() => Ok(()),
            Ok(Ok(status)) => bail!("the installed server exited with {status} on SIGTERM"),
            Ok(Err(error)) => Err(error).context("waiting for the installed server"),
            Err(_) => {
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
                bail!("the installed server did not stop within {STOP_DEADLINE:?} of SIGTERM")
            }
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The package name inside a .deb (its control file's `Package`).
fn package_name(deb: &Path) -> anyhow::Result<String> {
    let name = output(
        Command::new("dpkg-deb")
            .args(["--field"])
            .arg(deb)
            .arg("Package"),
    )?;
    Ok(name.trim().to_owned())
}

fn is_installed(name: &str) -> bool {
    output(Command::new("dpkg-query").args(["-W", "-f=${Status}", name]))
        .is_ok_and(|status| status.trim() == "install ok installed")
}

fn installed_packages() -> anyhow::Result<BTreeSet<String>> {
    let list = output(Command::new("dpkg-query").args(["-W", "-f=${Package}\n"]))?;
    Ok(list.lines().map(str::to_owned).collect())
}

/// A command's standard output; an error when it cannot start or fails.
fn output(command: &mut Command) -> anyhow::Result<String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let out = command
        .output()
        .with_context(|| format!("running {program}"))?;
    if !out.status.success() {
        bail!(
            "{program} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn succeeds(command: &mut Command) -> bool {
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A string's JSON escaping (the generated password is letters and digits; a hand-set one
/// may not be).
fn json_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => escaped.push_str("\\\""),
            '\\' => escaped.push_str("\\\\"),
            c if c.is_control() => escaped.push_str(&format!("\\u{:04x}", c as u32)),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escape_quotes_backslashes_and_controls() {
        assert_eq!(json_escape(r#"a"b\c"#), r#"a\"b\\c"#);
        assert_eq!(json_escape("x\ny"), "x\\u000ay");
    }
}
