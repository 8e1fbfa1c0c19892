//! How many uploads run at once: `concurrent_uploads` in all and
//! `concurrent_uploads_per_address` from one address. A permit is taken after the caller is
//! checked and before any of the body is read; with none free the upload is refused at
//! once (429), never queued, so a flood holds no memory and no connection waits.

use crate::limits::Limits;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The upload slots, shared by every request.
#[derive(Debug)]
pub struct UploadPermits {
    everyone: Arc<Semaphore>,
    /// Uploads running per address; an address leaves the map when its last one ends.
    /// A std mutex: held for a map lookup only, never across an await.
    by_address: Arc<Mutex<HashMap<IpAddr, usize>>>,
    per_address: usize,
}

/// Why no permit was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Busy {
    /// This address already runs its share of uploads.
    Address,
    /// The server runs as many uploads as it takes.
    Everyone,
}

/// One running upload; dropping it frees both slots.
#[derive(Debug)]
pub struct UploadPermit {
    _everyone: OwnedSemaphorePermit,
    by_address: Arc<Mutex<HashMap<IpAddr, usize>>>,
    address: IpAddr,
}

impl UploadPermits {
    pub fn new(limits: &Limits) -> UploadPermits {
        UploadPermits {
            everyone: Arc::new(Semaphore::new(limits.concurrent_uploads)),
            by_address: Arc::default(),
            per_address: limits.concurrent_uploads_per_address,
        }
    }

    /// A permit for one upload from `address`, or why there is none. Never waits.
    pub fn try_take(&self, address: IpAddr) -> Result<UploadPermit, Busy> {
        let mut by_address = self
            .by_address
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let running = by_address.get(&address).copied().unwrap_or(0);
        if running >= self.per_address {
            return Err(Busy::Address);
        }
        let everyone = self
            .everyone
            .clone()
            .try_acquire_owned()
            .map_err(|_| Busy::Everyone)?;
        by_address.insert(address, running + 1);
        Ok(UploadPermit {
            _everyone: everyone,
            by_address: self.by_address.clone(),
            address,
        })
    }
}

impl Drop for UploadPermit {
    fn drop(&mut self) {
        let mut by_address = self
            .by_address
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(running) = by_address.get_mut(&self.address) {
            *running -= 1;
            if *running == 0 {
                by_address.remove(&self.address);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn permits(everyone: usize, per_address: usize) -> UploadPermits {
        UploadPermits::new(&Limits {
            concurrent_uploads: everyone,
            concurrent_uploads_per_address: per_address,
            ..Limits::default()
        })
    }

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, last])
    }

    /// One address gets its share and no more; a freed permit can be taken again.
    #[test]
    fn an_address_gets_its_share() {
        let permits = permits(8, 2);
        let first = permits.try_take(ip(1)).unwrap();
        let _second = permits.try_take(ip(1)).unwrap();
        assert_eq!(permits.try_take(ip(1)).unwrap_err(), Busy::Address);
        assert!(
            permits.try_take(ip(2)).is_ok(),
            "another address is not held up"
        );
        drop(first);
        assert!(permits.try_take(ip(1)).is_ok());
    }

    /// Everyone together get at most the global count; the map forgets idle addresses.
    #[test]
    fn everyone_together_get_the_global_count() {
        let permits = permits(3, 2);
        let held: Vec<_> = (1..=3).map(|i| permits.try_take(ip(i)).unwrap()).collect();
        assert_eq!(permits.try_take(ip(4)).unwrap_err(), Busy::Everyone);
        assert_eq!(permits.by_address.lock().unwrap().len(), 3);
        drop(held);
        assert!(permits.by_address.lock().unwrap().is_empty());
        assert!(permits.try_take(ip(4)).is_ok());
    }
}
