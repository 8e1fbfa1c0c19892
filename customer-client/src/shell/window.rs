//! The shell's output window: how many bytes of PTY output are in flight (read from the PTY
//! but not yet acknowledged by the far side), as a small pure struct.
//!
//! Why: a shell can print faster than any network carries (`yes`, `cat` of a big file). The
//! reader thread asks [`OutputWindow::room`] before each read and reads at most that much, so
//! the bytes held anywhere between the PTY and the rep (our queue, the media socket, the
//! relay, the console) never exceed the window; when it is full the reader stops reading and
//! the kernel's PTY buffer fills, which blocks the shell's writes: real back-pressure, down
//! to the program producing the output. No IO and no clock here, so it is unit-tested.

use thiserror::Error;

/// The far side acknowledged more bytes than were ever sent and not yet acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("acknowledged {acked} bytes but only {in_flight} are in flight")]
pub struct AckTooLarge {
    /// The bytes the acknowledgement named.
    pub acked: usize,
    /// The bytes in flight when it arrived.
    pub in_flight: usize,
}

/// Bytes sent but not acknowledged, bounded by a capacity fixed at creation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputWindow {
    capacity: usize,
    in_flight: usize,
    high_water: usize,
    total_sent: u64,
}

impl OutputWindow {
    /// An empty window that lets at most `capacity` bytes be in flight (at least 1).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            in_flight: 0,
            high_water: 0,
            total_sent: 0,
        }
    }

    /// The most bytes that may be in flight.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Bytes sent and not yet acknowledged.
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// How many more bytes may be sent now (0 when the window is full).
    pub fn room(&self) -> usize {
        self.capacity - self.in_flight
    }

    /// The most bytes ever in flight at once: never above [`capacity`](Self::capacity).
    pub fn high_water(&self) -> usize {
        self.high_water
    }

    /// Every byte ever sent through this window.
    pub fn total_sent(&self) -> u64 {
        self.total_sent
    }

    /// Records `bytes` sent, as many as fit: the caller reads at most [`room`](Self::room),
    /// so all of them fit; any excess is a bug upstream and is not counted past the capacity.
    /// Returns how many were counted.
    pub fn sent(&mut self, bytes: usize) -> usize {
        debug_assert!(
            bytes <= self.room(),
            "sent {bytes} with room {}",
            self.room()
        );
        let counted = bytes.min(self.room());
        self.in_flight += counted;
        self.total_sent += counted as u64;
        self.high_water = self.high_water.max(self.in_flight);
        counted
    }

    /// The far side has `bytes` more of the output: frees that much room. An acknowledgement
    /// of more than is in flight changes nothing and is refused (the peer is confused or
    /// lying; the caller decides whether that ends the session).
    pub fn ack(&mut self, bytes: usize) -> Result<(), AckTooLarge> {
        if bytes > self.in_flight {
            return Err(AckTooLarge {
                acked: bytes,
                in_flight: self.in_flight,
            });
        }
        self.in_flight -= bytes;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_window_has_all_its_room() {
        let w = OutputWindow::new(100);
        assert_eq!((w.room(), w.in_flight(), w.high_water()), (100, 0, 0));
    }

    #[test]
    fn a_zero_capacity_is_raised_to_one_so_output_always_moves() {
        assert_eq!(OutputWindow::new(0).room(), 1);
    }

    #[test]
    fn sending_fills_and_acking_frees() {
        let mut w = OutputWindow::new(100);
        assert_eq!(w.sent(60), 60);
        assert_eq!(w.room(), 40);
        assert_eq!(w.sent(40), 40);
        assert_eq!(w.room(), 0);
        assert_eq!(w.ack(30), Ok(()));
        assert_eq!((w.room(), w.in_flight()), (30, 70));
        assert_eq!(w.high_water(), 100);
        assert_eq!(w.total_sent(), 100);
    }

    #[test]
    fn an_ack_beyond_what_is_in_flight_is_refused_and_changes_nothing() {
        let mut w = OutputWindow::new(100);
        w.sent(10);
        assert_eq!(
            w.ack(11),
            Err(AckTooLarge {
                acked: 11,
                in_flight: 10
            })
        );
        assert_eq!(w.in_flight(), 10);
        assert_eq!(w.ack(10), Ok(()));
        assert_eq!(w.in_flight(), 0);
    }

    #[test]
    fn high_water_stays_within_capacity_whatever_the_order() {
        // A deterministic walk of sends (each at most the room, as the reader does) and acks.
        let mut w = OutputWindow::new(1000);
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..10_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = (seed % 700) as usize;
            if seed & 1 == 0 {
                w.sent(n.min(w.room()));
            } else {
                let _ = w.ack(n.min(w.in_flight()));
            }
            assert!(w.in_flight() <= w.capacity());
        }
        assert!(w.high_water() <= 1000);
    }
}
