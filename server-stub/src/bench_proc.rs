//! A process's CPU time and memory, read from `/proc`: the figures the load run reports for
//! the server and for itself (the load generator shares the machine's cores, so its own
//! cost is part of reading any figure), and for `attack`. Apart from bench.rs, which drives
//! the run.

/// User + system CPU time of a process so far, in seconds.
pub(crate) fn cpu_secs(pid: u32) -> Option<f64> {
    cpu_split(pid).map(|(user, system)| user + system)
}

/// User and system (kernel) CPU time of a process so far, in seconds: the kernel's share is
/// mostly socket work (on loopback a send also runs the receiver's TCP path), which no
/// change to the server's own code can take away.
pub(crate) fn cpu_split(pid: u32) -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    // Clock ticks are 100 per second on Linux.
    Some((utime / 100.0, stime / 100.0))
}

/// Resident memory of a process now, in KiB.
pub(crate) fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
