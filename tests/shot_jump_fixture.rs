//! Not a check: the server's half of `docs/screenshots/take_jump.sh`, which photographs the
//! Jump Clients window. It starts the real server with the kit's test configuration (where
//! `alice` may pin Jump Clients), pins five of them as alice from native customer sessions
//! on five machines (personal, Billing and Tech), each installed but one (pending); their
//! agents connect; then, with the server stopped, the stored `last_seen` of one is set back
//! three hours and of another 45 days (lost: past the default `lost_days` of 30), and the
//! server starts again on the same database with the online ones' agents back; Sam waits in
//! Alice's queue on the native client (for a look at "Pin Jump Client…"). Its URL goes
//! to `$SHOT_DIR/url`; it keeps the agents connected until the script removes that file.
//! Ignored unless run by the script (`-- --ignored`); every wait is bounded.

#![allow(clippy::unwrap_used)]

use futures_util::StreamExt as _;
use std::time::Duration;
use switchboard_protocol::{CustomerRequest, MachineInfo};
use switchboard_testkit::jump::JumpAgent;
use switchboard_testkit::remote::native_customer;
use switchboard_testkit::{RepClient, ServerThread};

/// How long the fixture waits for the script at most.
const SCRIPT_LIMIT: Duration = Duration::from_secs(300);
const HOUR_MS: u64 = 3_600_000;

/// One Jump Client to pin: its name, owner team (`None`: alice's own), machine, whether
/// the program reports it installed, whether its agent stays online, and how long ago it
/// was last seen when offline.
struct Pin {
    name: &'static str,
    team: Option<&'static str>,
    host: &'static str,
    os: &'static str,
    installed: bool,
    online: bool,
    seen_hours_ago: u64,
}

const PINS: [Pin; 5] = [
    Pin {
        name: "Reception desk",
        team: None,
        host: "reception-01",
        os: "Linux (Ubuntu 24.04 LTS)",
        installed: true,
        online: true,
        seen_hours_ago: 0,
    },
    Pin {
        name: "Old kiosk",
        team: None,
        host: "kiosk-lobby",
        os: "Linux (Debian GNU/Linux 11)",
        installed: true,
        online: false,
        seen_hours_ago: 45 * 24,
    },
    Pin {
        name: "Accounts laptop",
        team: Some("billing"),
        host: "acc-lt-07",
        os: "Linux (Fedora Linux 41)",
        installed: true,
        online: false,
        seen_hours_ago: 3,
    },
    Pin {
        name: "Warehouse scanner",
        team: Some("billing"),
        host: "wh-scan-2",
        os: "Linux (Raspberry Pi OS 12)",
        installed: false,
        online: false,
        seen_hours_ago: 0,
    },
    Pin {
        name: "Build server",
        team: Some("tech"),
        host: "build-03",
        os: "Linux (Debian GNU/Linux 12)",
        installed: true,
        online: true,
        seen_hours_ago: 0,
    },
];

fn machine(n: usize, pin: &Pin) -> MachineInfo {
    MachineInfo {
        machine_id: format!("shot-machine-{n:04}"),
        host: pin.host.into(),
        os: pin.os.into(),
    }
}

/// Keeps an agent's socket read (so the server's pings are answered) until it closes.
fn keep_reading(server: &ServerThread, agent: JumpAgent) {
    let mut socket = agent.socket;
    server
        .runtime
        .spawn(async move { while socket.next().await.is_some() {} });
}

#[test]
#[ignore = "run by docs/screenshots/take_jump.sh"]
fn jump_clients_for_the_screenshots() {
    let dir = std::path::PathBuf::from(std::env::var("SHOT_DIR").expect("SHOT_DIR"));
    let mut server = ServerThread::start_with(switchboard_testkit::test_config());
    let addr = server.addr();
    let tokens: Vec<String> = server.block_on(async {
        let token = switchboard_testkit::socket::login(addr, "alice", "alice-pw").await;
        let mut alice = RepClient::connect(addr, &token, None).await;
        let mut tokens = Vec::new();
        for (n, pin) in PINS.iter().enumerate() {
            let mut customer = native_customer(addr, "alice").await;
            customer
                .ok_ticket(CustomerRequest::DescribeMachine {
                    machine: machine(n, pin),
                })
                .await;
            let session_id = customer.session_id;
            switchboard_testkit::remote::accept(&mut alice, "alice", session_id).await;
            let id = alice.pin_jump_client(session_id, pin.team, pin.name).await;
            let (_, token, _) = customer.install_jump_client().await;
            if pin.installed {
                customer.jump_client_result(id, true).await;
                // Seen once, so its last_seen is its agent's.
                JumpAgent::welcomed(addr, &token, machine(n, pin))
                    .await
                    .close()
                    .await;
            }
            switchboard_testkit::rep::end_resolved(&mut alice, session_id).await;
            tokens.push(token);
        }
        tokens
    });

    // Back in time, with the server stopped: its store is the truth it restarts from.
    server.stop();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let db = server.server.db_path();
    for pin in PINS.iter().filter(|p| p.seen_hours_ago > 0) {
        let seen = now - pin.seen_hours_ago * HOUR_MS;
        let sql = format!(
            "UPDATE jump_clients SET json = json_set(json, '$.info.last_seen', {seen}) \
             WHERE json_extract(json, '$.info.name') = '{}';",
            pin.name
        );
        // The stopped server's store lets go of the file shortly: wait for it.
        let status = std::process::Command::new("sqlite3")
            .args(["-cmd", ".timeout 20000"])
            .arg(&db)
            .arg(&sql)
            .status()
            .expect("sqlite3 runs");
        assert!(status.success(), "{sql}");
    }
    server.start_again();
    for (n, pin) in PINS.iter().enumerate().filter(|(_, p)| p.online) {
        let agent = server.block_on(JumpAgent::welcomed(addr, &tokens[n], machine(n, pin)));
        keep_reading(&server, agent);
    }
    // Sam waits in Alice's queue on the native client, his machine described: the script
    // may accept him and open "Pin Jump Client…".
    let sam = server.block_on(async {
        let mut sam = native_customer(addr, "alice").await;
        sam.ok_ticket(CustomerRequest::DescribeMachine {
            machine: MachineInfo {
                machine_id: "shot-machine-sam".into(),
                host: "sams-laptop".into(),
                os: "Linux (Ubuntu 24.04 LTS)".into(),
            },
        })
        .await;
        sam
    });
    let mut sam_socket = sam.socket;
    server
        .runtime
        .spawn(async move { while sam_socket.next().await.is_some() {} });
    std::fs::write(dir.join("url"), server.url()).unwrap();
    let deadline = std::time::Instant::now() + SCRIPT_LIMIT;
    while dir.join("url").exists() && std::time::Instant::now() < deadline {
        server.block_on(async { tokio::time::sleep(Duration::from_millis(500)).await });
    }
}
