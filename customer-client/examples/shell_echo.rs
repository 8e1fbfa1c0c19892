//! Keystroke echo latency through the remote shell's engine on a local PTY: types one
//! character at a time and times how long until the terminal echoes it back to the
//! consumer (write_input → writer thread → PTY → echo → reader thread → ShellOutput), over
//! 200 samples, and prints p50, p95 and the worst. It measures the engine alone, without the
//! network the real shell adds.
//!
//! `cargo run -p switchboard-customer --example shell_echo` (`/bin/sh`: the kernel's line
//! discipline echoes), or `-- login` for the customer's login shell (readline echoes).

#[cfg(unix)]
#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    use std::time::{Duration, Instant};

    use anyhow::{Context, bail};
    use switchboard_customer::shell::{ShellConfig, ShellEvent, ShellSession};

    const SAMPLES: usize = 200;
    const WAIT: Duration = Duration::from_secs(10);

    let login = std::env::args().nth(1).as_deref() == Some("login");
    let config = if login {
        ShellConfig::login_shell(24, 80)
    } else {
        ShellConfig::command(["/bin/sh"], 24, 80)
    };
    let (session, mut output) = ShellSession::start(config)?;

    // Reads (acknowledging) until the text read since the call contains `needle`.
    async fn read_until(
        session: &ShellSession,
        output: &mut switchboard_customer::shell::ShellOutput,
        needle: &[u8],
    ) -> anyhow::Result<()> {
        let mut seen = Vec::new();
        while !seen.windows(needle.len()).any(|w| w == needle) {
            match tokio::time::timeout(WAIT, output.recv()).await {
                Ok(Some(ShellEvent::Output(bytes))) => {
                    session.ack(bytes.len())?;
                    seen.extend_from_slice(&bytes);
                }
                Ok(Some(ShellEvent::Exited(code))) => bail!("the shell exited ({code})"),
                Ok(None) => bail!("the output ended"),
                Err(_) => bail!("nothing within {WAIT:?}"),
            }
        }
        Ok(())
    }

    session.write_input(b"echo rea''dy\n").await?;
    read_until(&session, &mut output, b"ready")
        .await
        .context("the shell did not start")?;
    // Let the prompt that follows arrive before timing.
    session.write_input(b"\x15").await?;

    let mut samples = Vec::with_capacity(SAMPLES);
    for i in 0..SAMPLES {
        // A letter the prompt does not contain, alternating so each echo is new.
        let key = if i % 2 == 0 { b'q' } else { b'z' };
        let started = Instant::now();
        session.write_input(&[key]).await?;
        read_until(&session, &mut output, &[key]).await?;
        samples.push(started.elapsed());
        if i % 50 == 49 {
            // Clear the line now and then (Ctrl-U) so it never grows long.
            session.write_input(b"\x15").await?;
        }
    }
    session.kill();

    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 * q) as usize).min(samples.len() - 1)];
    println!(
        "shell echo latency over {SAMPLES} keystrokes ({}): p50 {:?}, p95 {:?}, max {:?}",
        if login { "login shell" } else { "/bin/sh" },
        at(0.50),
        at(0.95),
        samples[samples.len() - 1],
    );
    Ok(())
}

#[cfg(not(unix))]
fn main() {
    eprintln!("the remote shell's engine is Unix-only for now");
}
