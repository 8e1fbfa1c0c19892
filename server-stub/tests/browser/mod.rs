//! A real headless Chromium for the portal tests, driven over WebDriver (fantoccini talking
//! to Debian's chromedriver). Each test gets its own chromedriver, browser and profile; the
//! whole process group is killed when the test ends, pass or fail.

// Each test binary uses some of these helpers, never all.
#![allow(dead_code)]

pub mod shared_page;

use fantoccini::{Client, ClientBuilder, Locator};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// How long a page may take to show what a test waits for.
pub const PAGE_DEADLINE: Duration = Duration::from_secs(15);

fn binary(env: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(env).map_or_else(|| PathBuf::from(default), PathBuf::from);
    assert!(
        path.exists(),
        "{} not found. The portal tests need Debian's chromium and chromium-driver \
         (`apt-get install chromium chromium-driver`, see the README's set-up step), \
         or set {env} to the binary.",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

/// chromedriver, started in its own process group; dropping it kills the group, which
/// holds every browser process too.
struct DriverProcess(Child);

impl Drop for DriverProcess {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A browser window under test control.
pub struct Browser {
    pub client: Client,
    _driver: DriverProcess,
    _profile: tempfile::TempDir,
    /// Where downloads land.
    downloads: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with a fresh profile.
    pub async fn open() -> Browser {
        Browser::open_with(&[]).await
    }

    /// [`Browser::open`] with more Chromium switches (`--auto-accept-this-tab-capture` for
    /// the page-sharing tests: the tab picker says yes by itself).
    pub async fn open_with(extra_args: &[&str]) -> Browser {
        let chromedriver = binary("CHROMEDRIVER", "/usr/bin/chromedriver");
        let chromium = binary("CHROMIUM", "/usr/bin/chromium");
        let port = free_port();
        let driver = DriverProcess(
            Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn()
                .expect("chromedriver starts"),
        );
        let profile = tempfile::tempdir().expect("a browser profile directory");
        let downloads = tempfile::tempdir().expect("a download directory");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = tokio::time::Instant::now() + PAGE_DEADLINE;
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                tokio::time::Instant::now() < deadline,
                "chromedriver did not listen on {url}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // Without the networking flags Chromium keeps dialling Google, and this machine's
        // closed network refuses it.
        let mut args: Vec<String> = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1000,1000",
        ]
        .iter()
        .chain(extra_args)
        .map(|a| a.to_string())
        .collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = serde_json::json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": args,
                "prefs": {
                    "download.default_directory": downloads.path(),
                    "download.prompt_for_download": false,
                },
            }
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object literal")
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&url)
            .await
            .expect("a Chromium session");
        Browser {
            client,
            _driver: driver,
            _profile: profile,
            downloads,
        }
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("navigate");
    }

    /// Reloads the page, as a customer pressing F5 would.
    pub async fn reload(&self) {
        self.client.refresh().await.expect("reload");
    }

    async fn element(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(PAGE_DEADLINE)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    /// Replaces the text of an input or text area.
    pub async fn fill(&self, css: &str, text: &str) {
        let element = self.element(css).await;
        element.clear().await.expect("clear");
        element.send_keys(text).await.expect("type");
    }

    /// Types into an element without clearing it first (`\u{E007}` is Enter).
    pub async fn type_keys(&self, css: &str, keys: &str) {
        self.element(css).await.send_keys(keys).await.expect("type");
    }

    /// Clicks the element; finds it again if the page redrew it in between.
    pub async fn click(&self, css: &str) {
        let deadline = tokio::time::Instant::now() + PAGE_DEADLINE;
        loop {
            match self.element(css).await.click().await {
                Ok(()) => return,
                Err(_) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("click {css}: {e}"),
            }
        }
    }

    pub async fn select(&self, css: &str, value: &str) {
        self.element(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
    }

    /// The element's visible text (empty for hidden elements).
    pub async fn text(&self, css: &str) -> String {
        self.element(css).await.text().await.expect("text")
    }

    pub async fn is_displayed(&self, css: &str) -> bool {
        self.element(css)
            .await
            .is_displayed()
            .await
            .expect("displayed")
    }

    /// Sets an input's value directly, for text too long to type key by key.
    pub async fn set_value(&self, id: &str, value: &str) {
        self.client
            .execute(
                "document.getElementById(arguments[0]).value = arguments[1];",
                vec![id.into(), value.into()],
            )
            .await
            .expect("set value");
    }

    /// Waits until the element's visible text contains `needle`; returns the whole text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let deadline = tokio::time::Instant::now() + PAGE_DEADLINE;
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(element) => element.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if text.contains(needle) {
                return text;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{css} never showed {needle:?}; it shows {text:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for a finished download called `name`; returns its bytes.
    pub async fn downloaded(&self, name: &str) -> Vec<u8> {
        let path = self.downloads.path().join(name);
        let deadline = tokio::time::Instant::now() + PAGE_DEADLINE;
        loop {
            // Chromium writes `name.crdownload` first and renames it when done.
            if let Ok(bytes) = std::fs::read(&path) {
                return bytes;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no download {name} in {}",
                self.downloads.path().display()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Saves a screenshot under `$SWITCHBOARD_SCREENSHOTS/<name>.png` when that is set.
    pub async fn screenshot_if_asked(&self, name: &str) {
        let Some(dir) = std::env::var_os("SWITCHBOARD_SCREENSHOTS") else {
            return;
        };
        let png = self.client.screenshot().await.expect("screenshot");
        let path = PathBuf::from(dir).join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }

    /// Ends the WebDriver session politely; the processes go when `self` is dropped here.
    pub async fn close(self) {
        let Browser { client, .. } = self;
        let _ = client.close().await;
    }
}
