//! A tiny SMTP server for the mail tests, so they check what really goes over the wire
//! without a mail server on the machine: it listens on 127.0.0.1:0, speaks enough of
//! RFC 5321 for lettre (EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT), and records
//! each message it takes. It can be told to refuse recipients with a 451 (try again later)
//! to test the sender's retries.

use super::DEADLINE;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// One message the sink took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The envelope sender (`MAIL FROM`), without the angle brackets.
    pub mail_from: String,
    /// The envelope recipients (`RCPT TO`), without the angle brackets.
    pub rcpt_to: Vec<String>,
    /// The message as sent after `DATA` (headers, blank line, body), dot-unstuffed, CRLF lines.
    pub data: String,
}

impl ReceivedMail {
    /// The value of the first header called `name` (case-insensitive), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let (head, _) = self.data.split_once("\r\n\r\n")?;
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                if let Some(value) = value.as_mut() {
                    value.push_str(line);
                }
                continue;
            }
            if value.is_some() {
                break;
            }
            if let Some((field, rest)) = line.split_once(':')
                && field.eq_ignore_ascii_case(name)
            {
                value = Some(rest.trim().to_owned());
            }
        }
        value
    }

    /// The body, decoded from its Content-Transfer-Encoding (7bit or quoted-printable).
    pub fn body(&self) -> String {
        let (_, body) = self
            .data
            .split_once("\r\n\r\n")
            .expect("a header/body split");
        match self.header("Content-Transfer-Encoding").as_deref() {
            None | Some("7bit") | Some("8bit") => body.to_owned(),
            Some("quoted-printable") => decode_quoted_printable(body),
            Some(other) => panic!("the sink does not decode {other} bodies"),
        }
    }
}

/// Quoted-printable (RFC 2045 §6.7): `=` + CRLF is a soft line break, `=XX` a byte.
fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && let Some(hex) = joined.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("a UTF-8 body")
}

/// Everything the sink saw so far.
#[derive(Debug, Clone, Default)]
pub struct SinkLog {
    /// Messages taken, in order.
    pub delivered: Vec<ReceivedMail>,
    /// `RCPT TO` commands answered 451 while refusing.
    pub refused: usize,
}

/// A running sink; it stops when dropped.
pub struct SmtpSink {
    pub addr: SocketAddr,
    log: watch::Sender<SinkLog>,
    refusing: Arc<AtomicBool>,
    task: JoinHandle<()>,
}

impl SmtpSink {
    /// Starts a sink on a free loopback port, taking every message.
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (log, _) = watch::channel(SinkLog::default());
        let refusing = Arc::new(AtomicBool::new(false));
        let task = tokio::spawn(accept_loop(listener, log.clone(), refusing.clone()));
        SmtpSink {
            addr,
            log,
            refusing,
            task,
        }
    }

    /// While `refuse` is true, every `RCPT TO` is answered `451` (a transient failure).
    pub fn refuse_recipients(&self, refuse: bool) {
        self.refusing.store(refuse, Ordering::SeqCst);
    }

    /// What the sink saw so far.
    pub fn log(&self) -> SinkLog {
        self.log.borrow().clone()
    }

    /// Waits (with the deadline) until what the sink saw satisfies `done`.
    pub async fn wait_until(&self, what: &str, done: impl FnMut(&SinkLog) -> bool) -> SinkLog {
        let mut log = self.log.subscribe();
        match tokio::time::timeout(DEADLINE, log.wait_for(done)).await {
            Ok(Ok(log)) => log.clone(),
            Ok(Err(_)) => panic!("the SMTP sink stopped while waiting for {what}"),
            Err(_) => panic!(
                "SMTP sink: no {what} before the deadline; saw {:?}",
                self.log()
            ),
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept_loop(
    listener: TcpListener,
    log: watch::Sender<SinkLog>,
    refusing: Arc<AtomicBool>,
) {
    while let Ok((stream, _)) = listener.accept().await {
        let (log, refusing) = (log.clone(), refusing.clone());
        tokio::spawn(async move {
            // A client that hangs up mid-session is not the sink's failure.
            let _ = session(stream, &log, &refusing).await;
        });
    }
}

/// The address inside `<...>` of a `MAIL FROM:` / `RCPT TO:` argument (parameters ignored).
fn path_of(argument: &str) -> String {
    let start = argument.find('<').map_or(0, |i| i + 1);
    let end = argument[start..]
        .find('>')
        .map_or(argument.len(), |i| start + i);
    argument[start..end].to_owned()
}

/// One line without its CRLF; `None` at end of stream.
async fn read_line(
    reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
) -> std::io::Result<Option<String>> {
    let mut line = String::new();
    if reader.read_line(&mut line).await? == 0 {
        return Ok(None);
    }
    Ok(Some(line.trim_end_matches(['\r', '\n']).to_owned()))
}

/// One SMTP session: greeting, then commands until QUIT or the client hangs up.
async fn session(
    stream: TcpStream,
    log: &watch::Sender<SinkLog>,
    refusing: &AtomicBool,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    write
        .write_all(b"220 sink.test ESMTP test sink\r\n")
        .await?;
    let mut mail_from: Option<String> = None;
    let mut rcpt_to: Vec<String> = Vec::new();
    while let Some(line) = read_line(&mut reader).await? {
        let (verb, argument) = line.split_once(' ').unwrap_or((line.as_str(), ""));
        let verb = verb.to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250 sink.test\r\n",
            "HELO" => b"250 sink.test\r\n",
            "MAIL" => {
                mail_from = Some(path_of(argument));
                rcpt_to.clear();
                b"250 2.1.0 sender ok\r\n"
            }
            "RCPT" if mail_from.is_none() => b"503 5.5.1 MAIL first\r\n",
            "RCPT" if refusing.load(Ordering::SeqCst) => {
                log.send_modify(|log| log.refused += 1);
                b"451 4.3.0 try again later\r\n"
            }
            "RCPT" => {
                rcpt_to.push(path_of(argument));
                b"250 2.1.5 recipient ok\r\n"
            }
            "DATA" if rcpt_to.is_empty() => b"503 5.5.1 RCPT first\r\n",
            "DATA" => {
                write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let mut lines = Vec::new();
                loop {
                    let Some(line) = read_line(&mut reader).await? else {
                        return Ok(());
                    };
                    if line == "." {
                        break;
                    }
                    // Dot-stuffing (RFC 5321 §4.5.2): a leading '.' was doubled.
                    let line = line.strip_prefix('.').unwrap_or(&line).to_owned();
                    lines.push(line);
                }
                let mail = ReceivedMail {
                    mail_from: mail_from.take().unwrap_or_default(),
                    rcpt_to: std::mem::take(&mut rcpt_to),
                    data: lines.join("\r\n"),
                };
                // Recorded before the 250, so a sender that saw "taken" finds it here.
                log.send_modify(|log| log.delivered.push(mail));
                b"250 2.0.0 taken\r\n"
            }
            "RSET" => {
                mail_from = None;
                rcpt_to.clear();
                b"250 2.0.0 reset\r\n"
            }
            "NOOP" => b"250 2.0.0 ok\r\n",
            "QUIT" => {
                write.write_all(b"221 2.0.0 bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 5.5.2 command not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
    Ok(())
}
