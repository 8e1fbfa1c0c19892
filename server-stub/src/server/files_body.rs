//! Reading an upload's body as it arrives: the size limit is enforced on every chunk (a
//! body over it is refused at the first byte too many, never buffered whole), a pause
//! longer than `body_timeout_secs` or a whole upload longer than `upload_timeout_secs` ends
//! it. Only an upload that was already let in (caller checked, permit taken) gets here.

use axum::body::{Body, Bytes};
use futures_util::{Stream, StreamExt};
use std::time::Duration;
use tokio::time::Instant;

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// More bytes than the limit arrived.
    TooLarge,
    /// A pause between chunks, or the whole body, took too long.
    TimedOut,
    /// The connection failed or the body was malformed.
    Broken(String),
}

/// How much and how long an upload may take.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    pub max_bytes: u64,
    /// Longest wait for the next chunk.
    pub pause: Duration,
    /// Longest time for the whole body.
    pub total: Duration,
}

/// Reads `body` into memory (at most `limits.max_bytes`); `expected` is the request's
/// `Content-Length`, if any, used only to size the buffer.
pub async fn read_body(
    body: Body,
    expected: Option<u64>,
    limits: BodyLimits,
) -> Result<Vec<u8>, BodyError> {
    read_stream(body.into_data_stream(), expected, limits).await
}

async fn read_stream<S, E>(
    mut stream: S,
    expected: Option<u64>,
    limits: BodyLimits,
) -> Result<Vec<u8>, BodyError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let capacity = expected.unwrap_or(0).min(limits.max_bytes);
    let mut data = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    let deadline = Instant::now() + limits.total;
    loop {
        let wait_until = deadline.min(Instant::now() + limits.pause);
        let next = tokio::time::timeout_at(wait_until, stream.next()).await;
        match next {
            Err(_) => return Err(BodyError::TimedOut),
            Ok(None) => return Ok(data),
            Ok(Some(Err(error))) => return Err(BodyError::Broken(error.to_string())),
            Ok(Some(Ok(chunk))) => {
                if (data.len() + chunk.len()) as u64 > limits.max_bytes {
                    return Err(BodyError::TooLarge);
                }
                data.extend_from_slice(&chunk);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::mpsc;

    /// Short, real timeouts (the tests take about half a second).
    const LIMITS: BodyLimits = BodyLimits {
        max_bytes: 10,
        pause: Duration::from_millis(200),
        total: Duration::from_millis(500),
    };

    /// A body the test feeds chunk by chunk.
    fn channel_body() -> (
        mpsc::Sender<Result<Bytes, String>>,
        impl Stream<Item = Result<Bytes, String>> + Unpin,
    ) {
        let (tx, rx) = mpsc::channel(8);
        let stream = futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        });
        (tx, Box::pin(stream))
    }

    /// Chunks up to the limit are gathered in order.
    #[tokio::test]
    async fn a_body_within_the_limit_is_read_whole() {
        let body = Body::from_stream(futures_util::stream::iter([
            Ok::<_, std::io::Error>(Bytes::from_static(b"hello ")),
            Ok(Bytes::from_static(b"you!")),
        ]));
        assert_eq!(
            read_body(body, Some(10), LIMITS).await.unwrap(),
            b"hello you!"
        );
    }

    /// The limit is enforced as bytes arrive: the refusal comes with the chunk that crosses
    /// it, while the sender is still sending (it never has to finish).
    #[tokio::test]
    async fn the_limit_is_enforced_as_bytes_arrive() {
        let (tx, stream) = channel_body();
        tx.send(Ok(Bytes::from_static(b"0123456"))).await.unwrap();
        tx.send(Ok(Bytes::from_static(b"789ab"))).await.unwrap();
        // `tx` stays open: the body has not ended, yet it is refused.
        assert_eq!(
            read_stream(stream, None, LIMITS).await,
            Err(BodyError::TooLarge)
        );
        drop(tx);
    }

    /// A pause longer than `pause` ends the upload.
    #[tokio::test]
    async fn a_long_pause_times_out() {
        let (tx, stream) = channel_body();
        tx.send(Ok(Bytes::from_static(b"a"))).await.unwrap();
        let started = Instant::now();
        assert_eq!(
            read_stream(stream, None, LIMITS).await,
            Err(BodyError::TimedOut)
        );
        let took = started.elapsed();
        assert!(took >= LIMITS.pause && took < LIMITS.total, "{took:?}");
        drop(tx);
    }

    /// A trickle that never pauses long still ends at the total deadline.
    #[tokio::test]
    async fn a_trickle_ends_at_the_total_deadline() {
        let (tx, stream) = channel_body();
        let feeder = tokio::spawn(async move {
            loop {
                if tx.send(Ok(Bytes::new())).await.is_err() {
                    break;
                }
                tokio::time::sleep(LIMITS.pause / 4).await;
            }
        });
        let started = Instant::now();
        assert_eq!(
            read_stream(stream, None, LIMITS).await,
            Err(BodyError::TimedOut)
        );
        let took = started.elapsed();
        assert!(took >= LIMITS.total && took < LIMITS.total * 2, "{took:?}");
        feeder.abort();
    }

    /// A broken connection is reported as such.
    #[tokio::test]
    async fn a_broken_body_is_an_error() {
        let (tx, stream) = channel_body();
        tx.send(Err("reset".to_owned())).await.unwrap();
        assert_eq!(
            read_stream(stream, None, LIMITS).await,
            Err(BodyError::Broken("reset".to_owned()))
        );
    }
}
