//! A process's CPU time and memory, read from `/proc`: the figures the load run reports for
//! the server and for itself (the load generator shares the machine's cores, so its own
//! cost is part of reading any figure), and for `attack`. Apart from bench.rs, which drives
//! the run.

/// A process's CPU time so far, in seconds, user and system (kernel) apart: the kernel's
/// share is mostly socket work (on loopback a send also runs the receiver's TCP path),
/// which no change to the server's own code can take away.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Cpu {
    pub user: f64,
    pub system: f64,
}

impl Cpu {
    /// The process's CPU time so far; zero when `/proc` cannot tell (the figures then read 0).
    pub fn of(pid: u32) -> Self {
        read_stat(pid).unwrap_or_default()
    }

    /// What the process used since `before` (an earlier reading of the same process).
    pub fn since(self, before: Cpu) -> Cpu {
        Cpu {
            user: self.user - before.user,
            system: self.system - before.system,
        }
    }

    pub fn total(self) -> f64 {
        self.user + self.system
    }
}

fn read_stat(pid: u32) -> Option<Cpu> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    // Clock ticks are 100 per second on Linux.
    Some(Cpu {
        user: utime / 100.0,
        system: stime / 100.0,
    })
}

/// Resident memory of a process now, in KiB.
pub(crate) fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
